import HTTPFields
import HTTPServer

/// The access log written straight into a ``LogSink``: byte for byte the line ``BufferedLogHandler`` writes for the
/// server's default `logger.info("request", metadata: ...)`, without building, merging and sorting a metadata
/// dictionary for every request.
public enum AccessLogLine {
    public static func writer(label: String, sink: LogSink = .standardError) -> AccessLogWriter {
        let prefix = Self.prefix(label: label)
        return { entry in sink.append { append(entry, prefix: prefix, to: &$0) } }
    }

    /// ` info <label>: http.bytes=`: the part of every line before its first value.
    static func prefix(label: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendUTF8(" info")
        if !label.isEmpty {
            bytes.append(UInt8(ascii: " "))
            bytes.appendUTF8(label)
        }
        bytes.appendUTF8(": http.bytes=")
        return bytes
    }

    /// `prefix`, then `… http.duration_ms=… http.method=… http.path=… http.status=… request_id=… [HTTPServer]
    /// request` and a newline (keys in sorted order, as the handler writes them).
    static func append(_ entry: AccessLogEntry, prefix: [UInt8], to bytes: inout [UInt8]) {
        bytes.append(contentsOf: prefix)
        ASCIIDecimal.append(entry.bytes, to: &bytes)
        bytes.appendUTF8(" http.duration_ms=")
        entry.appendDurationMilliseconds(to: &bytes)
        bytes.appendUTF8(" http.method=")
        bytes.appendUTF8(entry.method.rawValue)
        bytes.appendUTF8(" http.path=")
        LogEscaping.append(entry.path, to: &bytes)
        bytes.appendUTF8(" http.status=")
        ASCIIDecimal.append(entry.status, to: &bytes)
        bytes.appendUTF8(" request_id=")
        LogEscaping.append(entry.requestID, to: &bytes)
        bytes.appendUTF8(" [HTTPServer] request\n")
    }
}
