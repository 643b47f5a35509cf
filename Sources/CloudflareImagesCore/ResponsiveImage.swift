/// Responsive-image markup for one source image: `srcset`, `sizes` and `<img>`/`<picture>` HTML.
///
/// Each candidate is the reference's `responsive_image` transform (fit=scale-down, quality, format) at one width,
/// applied to `source` with ``Transformation/apply(to:parser:)``:
/// ```swift
/// let image = try ResponsiveImage(source: publicURL, widths: [640, 320])
/// image.srcset  // ".../fit=scale-down,format=auto,quality=85,width=320 320w, ... 640w"
/// ```
public struct ResponsiveImage: Sendable {
    public let source: String
    /// Validated (`1...12000`), sorted ascending, without duplicates.
    public let widths: [Int]
    public let quality: Int
    public let format: Transformation.Format
    /// The `sizes` attribute, e.g. `100vw` or the output of ``sizes(_:default:)``.
    public let sizes: String
    public let parser: DeliveryURLParser

    /// - Parameters:
    ///   - source: A delivery URL of the image (any variant; recognized by `parser`). A URL that is not one is
    ///     used as is for every candidate.
    ///   - widths: Candidate widths in pixels, each `1...12000`; sorted and deduplicated.
    ///   - quality: `1...100`.
    ///   - format: The output format of every candidate (`auto` lets Cloudflare pick AVIF or WebP per browser).
    ///   - sizes: The `sizes` attribute.
    ///   - parser: Recognizes `source`; give it your custom delivery domains.
    /// - Throws: ``TransformationError`` for no widths or an out-of-range width or quality.
    public init(
        source: String,
        widths: [Int],
        quality: Int = 85,
        format: Transformation.Format = .auto,
        sizes: String = "100vw",
        parser: DeliveryURLParser = DeliveryURLParser()
    ) throws(TransformationError) {
        guard !widths.isEmpty else { throw .noWidths }
        for width in widths { _ = try Transformation.check("width", width, in: Transformation.dimensionRange) }
        _ = try Transformation.check("quality", quality, in: Transformation.qualityRange)
        self.source = source
        self.widths = Array(Set(widths)).sorted()
        self.quality = quality
        self.format = format
        self.sizes = sizes
        self.parser = parser
    }

    /// The reference's default breakpoints for `cf_responsive_img`.
    public static let defaultWidths = [320, 640, 1024]

    /// Parses a width list such as `"320, 640,1024"`.
    public static func parseWidths(_ text: String) throws(TransformationError) -> [Int] {
        let pieces = text.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        guard !pieces.isEmpty else { throw .noWidths }
        var widths: [Int] = []
        for piece in pieces { widths.append(try Transformation.integer("width", piece)) }
        return widths
    }

    /// The transformed URL at `width` in `format` (default: this image's format).
    public func url(width: Int, format: Transformation.Format? = nil) -> String {
        transformation(width: width, format: format ?? self.format).apply(to: source, parser: parser)
    }

    /// `url 320w, url 640w, ...` for every width, in `format` (default: this image's format).
    public func srcset(format: Transformation.Format? = nil) -> String {
        widths.map { "\(url(width: $0, format: format)) \($0)w" }.joined(separator: ", ")
    }

    /// ``srcset(format:)`` in this image's format.
    public var srcset: String { srcset() }

    /// The fallback `src`: the smallest candidate, as the reference's `cf_responsive_img` uses its first width.
    public var src: String { url(width: widths[0]) }

    /// A `sizes` attribute from `(media condition, width)` pairs plus a default width, e.g.
    /// `[("max-width: 768px", "100vw")]`, default `"800"` → `(max-width: 768px) 100vw, 800px`.
    /// A bare number is taken as pixels; a condition already in parentheses is kept as is.
    public static func sizes(
        _ breakpoints: [(condition: String, width: String)], default defaultWidth: String? = nil
    ) -> String {
        var parts = breakpoints.map { condition, width in
            let c = condition.hasPrefix("(") ? condition : "(\(condition))"
            return "\(c) \(cssLength(width))"
        }
        if let defaultWidth { parts.append(cssLength(defaultWidth)) }
        return parts.joined(separator: ", ")
    }

    private static func cssLength(_ width: String) -> String {
        let trimmed = width.trimming(characters: " ")
        return !trimmed.isEmpty && trimmed.allSatisfy(\.isNumber) ? trimmed + "px" : trimmed
    }

    private func transformation(width: Int, format: Transformation.Format) -> Transformation {
        // Width and quality were validated in init, so these setters cannot throw.
        (try? Transformation().width(width).fit(.scaleDown).quality(quality).format(format)) ?? Transformation()
    }
}
