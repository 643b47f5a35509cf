import HTTPFields

/// A parsed `multipart/form-data` body (RFC 7578 over RFC 2046), from a complete body in memory.
///
/// Lenient where real clients differ (bare LF line endings, a preamble and an epilogue, transport padding after a
/// delimiter), strict where it matters: a missing boundary, a missing closing delimiter, malformed part headers and
/// an excessive part count are errors, never crashes.
public struct MultipartFormData: Sendable {
    /// The default cap on the number of parts, so a hostile body cannot make the parser allocate without bound.
    public static let defaultPartLimit = 1_000
    /// The cap on one part's header block.
    static let maxHeaderBytes = 16 * 1024

    /// The parts, in body order.
    public var parts: [MultipartPart]

    public init(parts: [MultipartPart]) { self.parts = parts }

    /// Parses `body` using the boundary declared in `contentType` (the request's `Content-Type` header).
    public init(contentType: String?, body: [UInt8], maxParts: Int = defaultPartLimit) throws(MultipartError) {
        let boundary = try MultipartFormData.boundary(fromContentType: contentType)
        try self.init(boundary: boundary, body: body, maxParts: maxParts)
    }

    /// Parses `body` with an explicit boundary.
    public init(boundary: String, body: [UInt8], maxParts: Int = defaultPartLimit) throws(MultipartError) {
        guard !boundary.isEmpty, boundary.utf8.count <= 70,
            !boundary.utf8.contains(where: { $0 == 13 || $0 == 10 })
        else { throw .invalidBoundary }
        parts = try MultipartFormData.parse(body: body, boundary: Array(boundary.utf8), maxParts: maxParts)
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    public static func boundary(fromContentType contentType: String?) throws(MultipartError) -> String {
        guard let contentType else { throw .notMultipart }
        let (mediaType, parameters) = parseHeaderValue(contentType)
        guard mediaType.equalsIgnoringASCIICase("multipart/form-data") else { throw .notMultipart }
        guard let boundary = parameters.first(where: { $0.name.equalsIgnoringASCIICase("boundary") })?.value,
            !boundary.isEmpty
        else { throw .missingBoundary }
        return boundary
    }

    /// The first part whose field name is `name`.
    public func first(named name: String) -> MultipartPart? { parts.first { $0.name == name } }

    /// Every part whose field name is `name`, in order.
    public func all(named name: String) -> [MultipartPart] { parts.filter { $0.name == name } }

    /// The text of the first part named `name`.
    public func value(named name: String) -> String? { first(named: name)?.text }

    // MARK: - Parsing

    static func parse(body: [UInt8], boundary: [UInt8], maxParts: Int) throws(MultipartError) -> [MultipartPart] {
        let dash = UInt8(ascii: "-")
        let delimiter = [dash, dash] + boundary
        // The first delimiter may open the body or follow a preamble line.
        var cursor: Int
        if body.starts(with: delimiter), isDelimiterEnd(body, at: delimiter.count) {
            cursor = delimiter.count
        } else if let found = findDelimiter(delimiter, in: body, from: 0) {
            cursor = found + 1 + delimiter.count
        } else {
            throw .missingOpeningBoundary
        }
        var parts: [MultipartPart] = []
        while true {
            // After a delimiter: `--` closes; otherwise optional padding, then a line break.
            if cursor + 1 < body.count, body[cursor] == dash, body[cursor + 1] == dash { return parts }
            while cursor < body.count, body[cursor] == 32 || body[cursor] == 9 { cursor += 1 }
            if cursor < body.count, body[cursor] == 13 { cursor += 1 }
            guard cursor < body.count, body[cursor] == 10 else { throw .missingClosingBoundary }
            cursor += 1
            guard parts.count < maxParts else { throw .tooManyParts(limit: maxParts) }
            guard let next = findDelimiter(delimiter, in: body, from: cursor) else { throw .missingClosingBoundary }
            var end = next
            if end > cursor, body[end - 1] == 13 { end -= 1 }
            parts.append(try parsePart(body[cursor..<end]))
            cursor = next + 1 + delimiter.count
        }
    }

    /// The index of the line feed that starts the next real delimiter line (`\n--boundary` followed by `--`,
    /// padding, or a line end); lookalikes such as `--boundaryX` inside content are skipped.
    static func findDelimiter(_ delimiter: [UInt8], in body: [UInt8], from start: Int) -> Int? {
        let needle = [10] + delimiter
        var from = start
        while let found = find(needle, in: body, from: from) {
            if isDelimiterEnd(body, at: found + needle.count) { return found }
            from = found + 1
        }
        return nil
    }

    static func isDelimiterEnd(_ body: [UInt8], at index: Int) -> Bool {
        var i = index
        if i + 1 < body.count, body[i] == UInt8(ascii: "-"), body[i + 1] == UInt8(ascii: "-") { return true }
        while i < body.count, body[i] == 32 || body[i] == 9 { i += 1 }
        if i < body.count, body[i] == 13 { i += 1 }
        return i == body.count || body[i] == 10
    }

    static func parsePart(_ bytes: ArraySlice<UInt8>) throws(MultipartError) -> MultipartPart {
        // An empty header block: the part starts with a blank line.
        var headerEnd = bytes.startIndex
        var bodyStart: Int
        if bytes.starts(with: [13, 10]) {
            bodyStart = bytes.startIndex + 2
        } else if bytes.starts(with: [10]) {
            bodyStart = bytes.startIndex + 1
        } else {
            let crlf = find([10, 13, 10], in: bytes, from: bytes.startIndex)
            let lflf = find([10, 10], in: bytes, from: bytes.startIndex)
            guard let lf = [crlf, lflf].compactMap({ $0 }).min() else { throw .malformedPartHeaders }
            headerEnd = lf
            bodyStart = bytes[lf + 1] == 13 ? lf + 3 : lf + 2
        }
        guard headerEnd - bytes.startIndex <= maxHeaderBytes else { throw .malformedPartHeaders }
        var headers = HTTPHeaders()
        if headerEnd > bytes.startIndex {
            for rawLine in bytes[bytes.startIndex..<headerEnd].split(separator: 10, omittingEmptySubsequences: false) {
                var lineBytes = rawLine
                if lineBytes.last == 13 { lineBytes = lineBytes.dropLast() }
                let line = Substring(String(decoding: lineBytes, as: UTF8.self))
                if line.isEmpty { continue }
                if line.first == " " || line.first == "\t", let last = headers.fields.last {
                    headers[last.name] = last.value + " " + line.trimmingSpaces()
                    continue
                }
                guard let colon = line.firstIndex(of: ":") else { throw .malformedPartHeaders }
                let name = line[..<colon].trimmingSpaces()
                guard !name.isEmpty else { throw .malformedPartHeaders }
                headers.add(String(name), String(line[line.index(after: colon)...].trimmingSpaces()))
            }
        }
        if bodyStart > bytes.endIndex { bodyStart = bytes.endIndex }
        var name: String?
        var filename: String?
        if let disposition = headers["Content-Disposition"] {
            let (_, parameters) = parseHeaderValue(disposition)
            name = parameters.first { $0.name.equalsIgnoringASCIICase("name") }?.value
            filename = parameters.first { $0.name.equalsIgnoringASCIICase("filename") }?.value
            if let extended = parameters.first(where: { $0.name.equalsIgnoringASCIICase("filename*") })?.value,
                let decoded = decodeExtendedValue(extended)
            {
                filename = decoded
            }
        }
        return MultipartPart(headers: headers, name: name, filename: filename, body: Array(bytes[bodyStart...]))
    }

    /// Splits `type/subtype; a=1; b="quoted \" value"` into its leading value and its parameters.
    /// Quoted strings honour backslash escapes; parameter names keep their case.
    public static func parseHeaderValue(_ value: String) -> (value: String, parameters: [(name: String, value: String)])
    {
        let scalars = Array(value.unicodeScalars)
        var index = 0
        func skipSpaces() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        }
        func readToken(until stops: Set<Unicode.Scalar>) -> String {
            var out = String.UnicodeScalarView()
            while index < scalars.count, !stops.contains(scalars[index]) {
                out.append(scalars[index])
                index += 1
            }
            return String(String(out).trimmingSpaces())
        }
        skipSpaces()
        let leading = readToken(until: [";"])
        var parameters: [(name: String, value: String)] = []
        while index < scalars.count {
            index += 1  // the ';'
            skipSpaces()
            let name = readToken(until: ["=", ";"])
            var parameterValue = ""
            if index < scalars.count, scalars[index] == "=" {
                index += 1
                skipSpaces()
                if index < scalars.count, scalars[index] == "\"" {
                    index += 1
                    var out = String.UnicodeScalarView()
                    while index < scalars.count, scalars[index] != "\"" {
                        if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                        out.append(scalars[index])
                        index += 1
                    }
                    index += 1  // closing quote (or past the end when unterminated)
                    parameterValue = String(out)
                    _ = readToken(until: [";"])  // ignore junk after a quoted string
                } else {
                    parameterValue = readToken(until: [";"])
                }
            }
            if !name.isEmpty { parameters.append((name: name, value: parameterValue)) }
        }
        return (leading, parameters)
    }

    /// Decodes an RFC 8187 `charset'language'percent-encoded` value (UTF-8 and ISO-8859-1 as UTF-8).
    static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        return PercentDecoding.decode(pieces[2])
    }

    static func find<C: RandomAccessCollection>(_ needle: [UInt8], in haystack: C, from start: Int) -> Int?
    where C.Element == UInt8, C.Index == Int {
        guard let first = needle.first, needle.count <= haystack.endIndex - start else { return nil }
        var i = start
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension Request {
    /// The body parsed as `multipart/form-data`, using this request's `Content-Type` boundary.
    public func multipartFormData(
        maxParts: Int = MultipartFormData.defaultPartLimit
    ) throws(MultipartError) -> MultipartFormData {
        try MultipartFormData(contentType: headers["Content-Type"], body: body, maxParts: maxParts)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        let s = Substring(self)
        guard let start = s.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return s[s.endIndex...] }
        let end = s.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return Substring(s[start...end])
    }
}
