import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `StreamLogHandler`'s line format (`<time> <level> <label>: k=v ... [<source>] <message>`, metadata keys sorted,
/// local time to the second) written to standard error through a shared ``LogSink`` buffer instead of one locked,
/// flushed `fwrite` per line. Control characters in keys, values and the message are escaped (``LogEscaping``). Warnings and worse are written through at once, with everything queued before them.
public struct BufferedLogHandler: LogHandler {
    let label: String
    let sink: LogSink
    public var logLevel: Logger.Level = .info
    public var metadata = Logger.Metadata()
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, sink: LogSink = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = ""
        line.reserveCapacity(256)
        line += " \(event.level)"
        if !label.isEmpty { line += " " + label }
        line += ":"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " " + LogEscaping.escaped(key) + "=" + LogEscaping.escaped("\(value)")
        }
        line += " [\(event.source)] " + LogEscaping.escaped("\(event.message)") + "\n"
        sink.append(line, flushNow: event.level >= .warning)
    }
}
