import Foundation

/// An image format Cloudflare Images accepts for upload (its "Upload images" page: PNG, GIF, JPEG, WebP, SVG and
/// HEIC), with the file extensions and media types that name it. `CLOUDFLARE_IMAGES_ALLOWED_FORMATS` narrows them.
public enum UploadFormat: String, Sendable, CaseIterable, Comparable {
    case jpeg, png, gif, webp, svg, heic

    public var fileExtensions: [String] {
        switch self {
        case .jpeg: ["jpg", "jpeg", "jpe", "jfif"]
        case .png: ["png"]
        case .gif: ["gif"]
        case .webp: ["webp"]
        case .svg: ["svg"]
        case .heic: ["heic", "heif"]
        }
    }

    public var mediaTypes: [String] {
        switch self {
        case .jpeg: ["image/jpeg", "image/jpg", "image/pjpeg"]
        case .png: ["image/png"]
        case .gif: ["image/gif"]
        case .webp: ["image/webp"]
        case .svg: ["image/svg+xml"]
        case .heic: ["image/heic", "image/heif"]
        }
    }

    /// The format a file name's extension names; nil for no extension or one of no format listed here.
    public init?(filename: String) {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex || filename.count > 1 else {
            return nil
        }
        let ext = filename[filename.index(after: dot)...].lowercased()
        guard let format = Self.allCases.first(where: { $0.fileExtensions.contains(ext) }) else { return nil }
        self = format
    }

    /// The format a `Content-Type` value names (parameters ignored); nil for any other type.
    public init?(mediaType: String) {
        let type =
            mediaType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        guard let format = Self.allCases.first(where: { $0.mediaTypes.contains(type) }) else { return nil }
        self = format
    }

    public static func < (lhs: UploadFormat, rhs: UploadFormat) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
