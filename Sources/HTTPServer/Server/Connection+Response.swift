import HTTPFields
import Logging
import Timekeeping

extension Connection {
    /// Serializes `response` into the output buffer: status line, the handler's headers (minus the ones the server
    /// owns), `Date`, `Content-Length`, `Connection`, `X-Request-ID`, then the body unless HEAD or 1xx/204/304.
    /// Returns the body bytes sent. A `streaming` response gets its head only: no `Content-Length`, no body.
    func appendResponse(_ response: Response, _ exchange: Exchange, close: Bool, streaming: Bool = false) -> Int {
        Self.append(
            response, exchange, close: close, streaming: streaming, dateLine: loop.dateCache.currentLine(), to: &output)
    }

    /// `appendResponse` on a buffer passed in: one exclusive access to it rather than one per append.
    static func append(
        _ response: Response, _ exchange: Exchange, close: Bool, streaming: Bool = false, dateLine: [UInt8],
        to output: inout [UInt8]
    ) -> Int {
        let code = response.status.code
        let bodyAllowed = code >= 200 && code != 204 && code != 304
        let sendsBody = bodyAllowed && exchange.method != .head && !streaming
        output.reserveCapacity(output.count + 256 + (sendsBody ? response.body.count : 0))

        if let line = StatusLine.standard(response.status) {
            output.append(contentsOf: line)
        } else {
            output.append(contentsOf: StatusLine.prefix)
            ASCIIDecimal.append(code, to: &output)
            output.append(HTTPBytes.space)
            appendSanitized(response.status.reason, to: &output)
            output.append(contentsOf: Connection.crlf)
        }

        var declaredLength: String?
        for field in response.headers {
            let name = field.name
            if name.equalsIgnoringASCIICase("Content-Length") {
                declaredLength = field.value
                continue
            }
            if name.equalsIgnoringASCIICase("Date") || name.equalsIgnoringASCIICase("Connection")
                || name.equalsIgnoringASCIICase("Transfer-Encoding") || name.equalsIgnoringASCIICase("X-Request-ID")
            {
                continue
            }
            appendSanitized(name, to: &output)
            output.append(contentsOf: Connection.colonSpace)
            appendSanitized(field.value, to: &output)
            output.append(contentsOf: Connection.crlf)
        }

        output.append(contentsOf: dateLine)
        if bodyAllowed, !streaming {
            output.append(contentsOf: Connection.contentLengthName)
            // HEAD answers carry the GET's length; a handler that skipped the body may declare it itself.
            if exchange.method == .head, response.body.isEmpty, let declaredLength,
                !declaredLength.isEmpty, declaredLength.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
            {
                output.appendUTF8(declaredLength)
            } else {
                ASCIIDecimal.append(response.body.count, to: &output)
            }
            output.append(contentsOf: Connection.crlf)
        }
        if close {
            output.append(contentsOf: Connection.connectionClose)
        } else if exchange.minorVersion == 0 {
            output.append(contentsOf: Connection.connectionKeepAlive)
        }
        output.append(contentsOf: Connection.requestIDName)
        output.appendUTF8(exchange.requestID)
        output.append(contentsOf: Connection.endOfHead)
        if sendsBody {
            output.append(contentsOf: response.body)
            return response.body.count
        }
        return 0
    }

    func logAccess(_ status: Int, _ bytes: Int, _ exchange: Exchange) {
        let entry = AccessLogEntry(
            method: exchange.method, path: exchange.rawPath, status: status, bytes: bytes,
            durationNanoseconds: MonotonicClock.nanoseconds() &- exchange.startedAt, requestID: exchange.requestID)
        if let writer = loop.context.accessLogWriter { return writer(entry) }
        entry.log(to: loop.context.logger)
    }

    /// Appends header text with control characters (CR, LF, NUL...) replaced by spaces: no response splitting.
    private static func appendSanitized(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 < 0x20 && $0 != HTTPBytes.tab || $0 == 0x7F }) {
                output.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                output.append(byte < 0x20 && byte != HTTPBytes.tab || byte == 0x7F ? HTTPBytes.space : byte)
            }
        }
    }

    static let crlf = Array("\r\n".utf8)
    /// The last field line's CRLF and the empty line.
    static let endOfHead = Array("\r\n\r\n".utf8)
    static let colonSpace = Array(": ".utf8)
    static let contentLengthName = Array("Content-Length: ".utf8)
    static let connectionClose = Array("Connection: close\r\n".utf8)
    static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)
    static let requestIDName = Array("X-Request-ID: ".utf8)
}
