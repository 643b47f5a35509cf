extension Transformation {
    /// How the image is resized into the requested box.
    public enum Fit: String, Sendable, Hashable, CaseIterable {
        case scaleDown = "scale-down"
        case contain, cover, crop, pad
    }

    /// Output encoding. `auto` lets Cloudflare pick WebP or AVIF per browser; `json` returns metadata.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case auto, webp, avif, jpeg, json

        /// The MIME type of an image in this format, for `<source type=...>`; `nil` for `auto` and `json`.
        public var mimeType: String? {
            switch self {
            case .webp: "image/webp"
            case .avif: "image/avif"
            case .jpeg: "image/jpeg"
            case .auto, .json: nil
            }
        }
    }

    /// The point kept in view when cropping or padding: a side, `auto` (saliency), or relative coordinates.
    public enum Gravity: Sendable, Hashable {
        case auto, left, right, top, bottom, center
        /// Relative focal point, each coordinate in `0...1` (`0.5x0.5` is the centre). Serialized as `XxY`.
        case point(x: Double, y: Double)

        static let named: [String: Gravity] = [
            "auto": .auto, "left": .left, "right": .right, "top": .top, "bottom": .bottom, "center": .center,
        ]

        /// The value as written in an option string.
        public var value: String {
            switch self {
            case .auto: "auto"
            case .left: "left"
            case .right: "right"
            case .top: "top"
            case .bottom: "bottom"
            case .center: "center"
            case let .point(x, y): "\(formatNumber(x))x\(formatNumber(y))"
            }
        }
    }

    /// Automatic trimming of borders: `auto`, or a border colour and/or a tolerance in `0...1`.
    public struct Trim: Sendable, Hashable {
        /// Six hex digits without `#`.
        public let color: String?
        public let tolerance: Double?

        var value: String {
            let parts = [color, tolerance.map(formatNumber)].compactMap { $0 }
            return parts.isEmpty ? "auto" : parts.joined(separator: ";")
        }
    }

    /// Padding in pixels: one value for every side, or up to four (CSS order).
    public struct Padding: Sendable, Hashable {
        public let values: [Int]
        var value: String { values.map(String.init).joined(separator: ",") }
    }

    /// A solid border of `width` pixels in `color` (six hex digits without `#`).
    public struct Border: Sendable, Hashable {
        public let width: Int
        public let color: String
        var value: String { "\(width);\(color)" }
    }

    /// A crop rectangle in pixels.
    public struct Crop: Sendable, Hashable {
        public let x: Int
        public let y: Int
        public let width: Int
        public let height: Int
        var value: String { "\(x);\(y);\(width);\(height)" }
    }
}

/// Formats like Python's `str(float)` (shortest round-trip form, always with a fractional part: `2.0`, `0.5`),
/// so option strings match the reference implementation byte for byte.
func formatNumber(_ value: Double) -> String {
    "\(value)"
}
