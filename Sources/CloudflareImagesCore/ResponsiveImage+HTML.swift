extension ResponsiveImage {
    /// `<img src srcset sizes alt [class]>`, every attribute value HTML-escaped. `alt` is always present.
    public func imgTag(alt: String = "", cssClass: String = "", lazy: Bool = true) -> String {
        var attributes: [(String, String)] = [("src", src), ("srcset", srcset), ("sizes", sizes), ("alt", alt)]
        if !cssClass.isEmpty { attributes.append(("class", cssClass)) }
        if lazy { attributes.append(("loading", "lazy")) }
        return "<img " + attributes.map { "\($0.0)=\"\(HTMLEscaping.escape($0.1))\"" }.joined(separator: " ") + ">"
    }

    /// `<picture>` with one `<source type=... srcset=... sizes=...>` per format (e.g. AVIF then WebP) and the
    /// ``imgTag(alt:cssClass:lazy:)`` fallback. Formats without a MIME type (`auto`, `json`) are rejected.
    public func pictureTag(
        alt: String = "",
        cssClass: String = "",
        formats: [Transformation.Format] = [.avif, .webp],
        lazy: Bool = true
    ) throws(TransformationError) -> String {
        var html = "<picture>"
        for format in formats {
            guard let type = format.mimeType else {
                throw .invalidValue(
                    option: "format", value: format.rawValue, expected: "avif, webp or jpeg for <source>")
            }
            html +=
                "<source type=\"\(type)\" srcset=\"\(HTMLEscaping.escape(srcset(format: format)))\""
                + " sizes=\"\(HTMLEscaping.escape(sizes))\">"
        }
        return html + imgTag(alt: alt, cssClass: cssClass, lazy: lazy) + "</picture>"
    }
}

/// Escaping for HTML text and double- or single-quoted attribute values: `&`, `<`, `>`, `"` and `'` become
/// character references.
public enum HTMLEscaping {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(char)
            }
        }
        return out
    }
}
