/// The image formats Cloudflare Images accepts for upload, as the emulator recognises them from their bytes.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    case jpeg, png, gif, webp, svg, heic

    /// The `Content-Type` the delivery endpoint serves.
    public var mimeType: String {
        switch self {
        case .jpeg: return "image/jpeg"
        case .png: return "image/png"
        case .gif: return "image/gif"
        case .webp: return "image/webp"
        case .svg: return "image/svg+xml"
        case .heic: return "image/heic"
        }
    }
}

/// What sniffing found in an uploaded file: its format and pixel size (SVG sizes may be unknown, reported as 0).
public struct ImageInfo: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int

    public init(format: ImageFormat, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }
}
