import Configuration
import Foundation

/// What this deployment accepts: `CLOUDFLARE_IMAGES_MAX_FILE_SIZE_MB` and `CLOUDFLARE_IMAGES_ALLOWED_FORMATS`,
/// checked wherever the service sees an image's name, type or size before Cloudflare does (the `filename` of an
/// upload URL request, the source of an import). The bytes of a direct creator upload go from the browser to
/// Cloudflare, which alone decides on them (10 MB and its own formats).
struct UploadPolicy: Sendable {
    let maxBytes: Int
    let allowed: Set<UploadFormat>

    init(settings: Settings) {
        maxBytes = settings.maxFileSizeMB * 1024 * 1024
        allowed = settings.allowedFormats
    }

    var allowedList: String { allowed.sorted().map(\.rawValue).joined(separator: ", ") }

    /// Why a file of this name is refused; nil when its extension names no format or an allowed one.
    func refusal(filename: String) -> String? {
        guard let format = UploadFormat(filename: filename), !allowed.contains(format) else { return nil }
        return "Files of type \(format.rawValue) are not allowed. Allowed: \(allowedList)."
    }

    /// Why content of this type is refused: an image format not allowed, or not an image at all.
    func refusal(mediaType: String) -> String? {
        if let format = UploadFormat(mediaType: mediaType) {
            return allowed.contains(format)
                ? nil : "Images of type \(format.rawValue) are not allowed. Allowed: \(allowedList)."
        }
        let type = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return "Content of type \(type.isEmpty ? "(none)" : type) is not an accepted image. Allowed: \(allowedList)."
    }

    /// Why a file of `size` bytes is refused.
    func refusal(size: Int) -> String? {
        size > maxBytes ? "The file is \(size) bytes; the limit is \(maxBytes / 1024 / 1024) MB." : nil
    }
}
