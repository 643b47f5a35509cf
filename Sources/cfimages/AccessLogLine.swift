import HTTPServer

/// The access log written straight into a ``LogSink``: byte for byte the line ``BufferedLogHandler`` writes for the
/// server's default `logger.info("request", metadata: ...)`, without building, merging and sorting a metadata
/// dictionary for every request.
enum AccessLogLine {
    static func writer(label: String, sink: LogSink = .standardError) -> AccessLogWriter {
        { entry in sink.append { append(entry, label: label, to: &$0) } }
    }

    /// ` info <label>: http.bytes=… http.duration_ms=… http.method=… http.path=… http.status=… request_id=…
    /// [HTTPServer] request` and a newline (keys in sorted order, as the handler writes them).
    static func append(_ entry: AccessLogEntry, label: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: " info".utf8)
        if !label.isEmpty {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: label.utf8)
        }
        bytes.append(contentsOf: ": http.bytes=".utf8)
        bytes.append(contentsOf: String(entry.bytes).utf8)
        bytes.append(contentsOf: " http.duration_ms=".utf8)
        bytes.append(contentsOf: entry.durationMilliseconds.utf8)
        bytes.append(contentsOf: " http.method=".utf8)
        bytes.append(contentsOf: entry.method.rawValue.utf8)
        bytes.append(contentsOf: " http.path=".utf8)
        bytes.append(contentsOf: entry.path.utf8)
        bytes.append(contentsOf: " http.status=".utf8)
        bytes.append(contentsOf: String(entry.status).utf8)
        bytes.append(contentsOf: " request_id=".utf8)
        bytes.append(contentsOf: entry.requestID.utf8)
        bytes.append(contentsOf: " [HTTPServer] request\n".utf8)
    }
}
