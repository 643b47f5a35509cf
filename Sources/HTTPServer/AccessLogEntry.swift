import Logging

/// One answered request as the access log records it: no header values and no query string, which may carry
/// secrets.
public struct AccessLogEntry: Sendable {
    /// `-` for requests answered before their head could be parsed.
    public var method: HTTPMethod
    /// The raw path, without the query; `-` when unknown.
    public var path: String
    public var status: Int
    /// Body bytes sent.
    public var bytes: Int
    public var durationNanoseconds: UInt64
    public var requestID: String

    public init(
        method: HTTPMethod, path: String, status: Int, bytes: Int, durationNanoseconds: UInt64, requestID: String
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.bytes = bytes
        self.durationNanoseconds = durationNanoseconds
        self.requestID = requestID
    }

    /// The duration in milliseconds with three decimals (`0.453`), as the access log writes it.
    public var durationMilliseconds: String {
        var bytes: [UInt8] = []
        appendDurationMilliseconds(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `durationMilliseconds` appended as bytes, for log writers on the hot path.
    public func appendDurationMilliseconds(to bytes: inout [UInt8]) {
        let micros = UInt(durationNanoseconds / 1000)
        ASCIIDecimal.append(micros / 1000, minimumDigits: 1, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        ASCIIDecimal.append(micros % 1000, minimumDigits: 3, to: &bytes)
    }
}

extension AccessLogEntry {
    /// The server's own access log line, when no ``AccessLogWriter`` is installed: `request` at info level with the
    /// entry as metadata.
    public func log(to logger: Logger) {
        logger.info(
            "request",
            metadata: [
                "http.method": .string(method.rawValue),
                "http.path": .string(path),
                "http.status": .stringConvertible(status),
                "http.bytes": .stringConvertible(bytes),
                "http.duration_ms": .string(durationMilliseconds),
                "request_id": .string(requestID),
            ])
    }
}

/// Writes access log lines in place of the server's default (`logger.info("request", metadata: ...)`), e.g. straight
/// into a log buffer without building a metadata dictionary per request. Called on the event loop thread; must not
/// block.
public typealias AccessLogWriter = @Sendable (AccessLogEntry) -> Void
