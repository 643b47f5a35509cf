import CloudflareImagesCore

/// A fragment of HTML. Interpolated `String`s (and numbers) are escaped by ``escape(_:)``, the console's one
/// escaping function; interpolated `HTML` is kept as it is. So a page is built only from literals, escaped values
/// and other fragments:
///
/// ```swift
/// let cell: HTML = "<td>\(image.filename)</td>"   // "<img src=x>" shows as text
/// ```
public struct HTML: Sendable, ExpressibleByStringInterpolation, Equatable {
    public private(set) var text: String

    public init(stringLiteral value: String) { text = value }

    public init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    /// Fragments one after another.
    public init(joining parts: some Sequence<HTML>) { text = parts.map(\.text).joined() }

    public static let empty: HTML = ""

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in element content and in quoted attributes (the
    /// library's own escaping, which its `<img>`/`<picture>` markup uses too).
    public static func escape(_ value: String) -> String { HTMLEscaping.escape(value) }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }

        public mutating func appendLiteral(_ literal: String) { text += literal }
        public mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        public mutating func appendInterpolation(_ value: String?) { text += HTML.escape(value ?? "") }
        public mutating func appendInterpolation(_ value: Int) { text += String(value) }
        public mutating func appendInterpolation(_ fragment: HTML) { text += fragment.text }
        public mutating func appendInterpolation(_ fragments: [HTML]) { for f in fragments { text += f.text } }
    }
}
