/// A `multipart/form-data` body (RFC 7578), built as bytes.
///
/// Field names and filenames are escaped the way browsers do (WHATWG HTML): `"` becomes `%22`, CR `%0D`, LF `%0A`,
/// so any name round-trips through a conforming parser and no name can inject headers or end the part early.
/// The boundary is random and checked against every part's content.
public struct MultipartForm: Sendable {
    /// One part of the form.
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var data: [UInt8]

        public init(name: String, filename: String? = nil, contentType: String? = nil, data: [UInt8]) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public private(set) var parts: [Part] = []

    public init() {}

    /// Appends a text field (no filename, no content type).
    public mutating func append(_ name: String, _ value: String) {
        parts.append(Part(name: name, data: Array(value.utf8)))
    }

    /// Appends a file field.
    public mutating func append(
        _ name: String, filename: String, contentType: String = "application/octet-stream", data: [UInt8]
    ) {
        parts.append(Part(name: name, filename: filename, contentType: contentType, data: data))
    }

    /// The encoded body and the `Content-Type` header value that names its boundary.
    public func encoded() -> (contentType: String, body: [UInt8]) {
        var boundary = Self.randomBoundary()
        while parts.contains(where: { Self.contains($0.data, Array(boundary.utf8)) }) {
            boundary = Self.randomBoundary()
        }
        var body: [UInt8] = []
        body.reserveCapacity(parts.reduce(0) { $0 + $1.data.count + 160 })
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escape(part.name))\""
            if let filename = part.filename { head += "; filename=\"\(Self.escape(filename))\"" }
            head += "\r\n"
            if let contentType = part.contentType { head += "Content-Type: \(Self.stripLineBreaks(contentType))\r\n" }
            head += "\r\n"
            body += Array(head.utf8)
            body += part.data
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "%22"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func stripLineBreaks(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }

    /// `cfimages-` and 32 random hex digits (two 64-bit draws, not one draw and one String per digit).
    static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array("cfimages-".utf8)
        bytes.reserveCapacity(41)
        for _ in 0..<2 {
            var bits = generator.next() as UInt64
            for _ in 0..<16 {
                bytes.append(Self.hexDigits[Int(bits & 0xF)])
                bits >>= 4
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
