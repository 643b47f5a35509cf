/// `HTTP/1.1 <code> <reason>` and CRLF, built once for every status with its standard reason phrase: nearly every
/// response carries one of those, and writing it is then one copy.
enum StatusLine {
    static let prefix = Array("HTTP/1.1 ".utf8)

    private static let codes = 100..<600
    /// By code: the standard reason phrase and its line; nil for a code without one.
    private static let lines: [(reason: String, line: [UInt8])?] = codes.map { code in
        HTTPStatus.reasons[code].map { reason in (reason, prefix + Array("\(code) \(reason)\r\n".utf8)) }
    }

    /// The prebuilt line when `status` has the standard reason phrase of its code.
    static func standard(_ status: HTTPStatus) -> [UInt8]? {
        guard codes.contains(status.code), let entry = lines[status.code - codes.lowerBound],
            entry.reason == status.reason
        else { return nil }
        return entry.line
    }
}
