import Foundation

/// Recognises an image's format from its leading bytes and reads its width and height, without decoding pixels.
///
/// Covers JPEG (any SOF marker, baseline or progressive), PNG (IHDR), GIF (logical screen), WebP (VP8, VP8L and
/// VP8X) and SVG (`width`/`height` or `viewBox` on the root element). Anything else, or a truncated header, is nil.
public enum ImageSniffer {
    public static func sniff(_ bytes: [UInt8]) -> ImageInfo? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(bytes) }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return jpeg(bytes) }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return gif(bytes) }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return webp(bytes)
        }
        if bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) { return heic(bytes) }
        return svg(bytes)
    }

    static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    static func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    static func le24(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 }
    static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    static func png(_ b: [UInt8]) -> ImageInfo? {
        guard b.count >= 24, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        let width = be32(b, 16)
        let height = be32(b, 20)
        guard width > 0, height > 0 else { return nil }
        return ImageInfo(format: .png, width: width, height: height)
    }

    static func gif(_ b: [UInt8]) -> ImageInfo? {
        guard b.count >= 10 else { return nil }
        let width = le16(b, 6)
        let height = le16(b, 8)
        guard width > 0, height > 0 else { return nil }
        return ImageInfo(format: .gif, width: width, height: height)
    }

    /// Walks the marker segments to the first start-of-frame (SOF0-SOF15 except DHT C4, JPG C8 and DAC CC).
    static func jpeg(_ b: [UInt8]) -> ImageInfo? {
        var i = 2
        while i + 3 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF {
                i += 1
                continue
            }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                i += 2
                continue
            }
            if marker == 0xD9 || marker == 0xDA { return nil }  // end of image or scan before any frame
            let length = be16(b, i + 2)
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard i + 9 <= b.count else { return nil }
                let height = be16(b, i + 5)
                let width = be16(b, i + 7)
                guard width > 0, height > 0 else { return nil }
                return ImageInfo(format: .jpeg, width: width, height: height)
            }
            i += 2 + length
        }
        return nil
    }

    static func webp(_ b: [UInt8]) -> ImageInfo? {
        guard b.count >= 30 else { return nil }
        let chunk = String(decoding: b[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8 ":
            // Frame tag (3 bytes) then the start code 9D 01 2A, then 14-bit width and height.
            guard b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A else { return nil }
            let width = le16(b, 26) & 0x3FFF
            let height = le16(b, 28) & 0x3FFF
            guard width > 0, height > 0 else { return nil }
            return ImageInfo(format: .webp, width: width, height: height)
        case "VP8L":
            guard b[20] == 0x2F else { return nil }
            let bits = Int(b[21]) | Int(b[22]) << 8 | Int(b[23]) << 16 | Int(b[24]) << 24
            return ImageInfo(format: .webp, width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return ImageInfo(format: .webp, width: le24(b, 24) + 1, height: le24(b, 27) + 1)
        default:
            return nil
        }
    }

    /// HEIF/HEIC (ISO BMFF `ftyp` with a HEIF brand); the size is the first `ispe` property found.
    static func heic(_ b: [UInt8]) -> ImageInfo? {
        let brand = String(decoding: b[8..<12], as: UTF8.self)
        guard ["heic", "heix", "heim", "heis", "hevc", "mif1", "msf1"].contains(brand) else { return nil }
        let ispe = Array("ispe".utf8)
        let limit = min(b.count, 256 * 1024)
        var i = 0
        while i + 16 <= limit {
            if b[i] == ispe[0], Array(b[i..<i + 4]) == ispe {
                let width = be32(b, i + 8)
                let height = be32(b, i + 12)
                if width > 0, height > 0 { return ImageInfo(format: .heic, width: width, height: height) }
            }
            i += 1
        }
        return nil
    }

    /// An SVG document: optional XML prolog/comments, then an `<svg` root. Sizes come from `width`/`height`
    /// attributes in plain numbers or px, else from `viewBox`; unknown sizes are 0.
    static func svg(_ b: [UInt8]) -> ImageInfo? {
        let head = String(decoding: b.prefix(4096), as: UTF8.self)
        guard let start = head.range(of: "<svg"),
            let end = head[start.upperBound...].firstIndex(of: ">")
        else { return nil }
        let prefix = head[..<start.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        guard prefix.isEmpty || prefix.hasPrefix("<?xml") || prefix.hasPrefix("<!--") || prefix.hasPrefix("<!DOCTYPE")
        else { return nil }
        let tag = String(head[start.upperBound..<end])
        func attribute(_ name: String) -> String? {
            guard let r = tag.range(of: " \(name)=\"") ?? tag.range(of: "\n\(name)=\"") else { return nil }
            return tag[r.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
        }
        func number(_ text: String?) -> Int? {
            guard var text else { return nil }
            if text.hasSuffix("px") { text.removeLast(2) }
            return Double(text).map { Int($0.rounded()) }
        }
        var width = number(attribute("width")) ?? 0
        var height = number(attribute("height")) ?? 0
        if width == 0 || height == 0, let box = attribute("viewBox") {
            let values = box.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
            if values.count == 4 {
                width = Int(values[2].rounded())
                height = Int(values[3].rounded())
            }
        }
        return ImageInfo(format: .svg, width: width, height: height)
    }
}
