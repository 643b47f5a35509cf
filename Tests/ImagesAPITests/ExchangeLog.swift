import Foundation
import HTTPFields
import HTTPServer
import JSON
import Testing

/// Every exchange ``sendRequest`` makes, one JSON line each, written to the file `CFIMAGES_EXCHANGE_LOG` names
/// (appended to, so the runs of one `make test` share it; nothing is written without it). `make test` empties it,
/// sets it for its `swift test` runs, then validates each line against openapi.yaml
/// (scripts/openapi-conformance/check_exchanges.py, which states the rules).
///
/// A line: `{"test", "method", "url", "request_headers": [[name, value]], "request_body" (base64), "status",
/// "response_headers": [[name, value]], "response_body" (base64)}`; a body over ``maxBody`` bytes is left out and
/// `"..._body_truncated": true` said instead. Lines are written with one `write` each on an `O_APPEND` descriptor
/// under a lock, so tests running in parallel never interleave them.
final class ExchangeLog: @unchecked Sendable {
    static let shared: ExchangeLog? = ProcessInfo.processInfo.environment["CFIMAGES_EXCHANGE_LOG"]
        .flatMap { $0.isEmpty ? nil : ExchangeLog(path: $0) }

    static let maxBody = 256 * 1024

    private let descriptor: Int32
    private let lock = NSLock()

    private init?(path: String) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0 { return nil }
    }

    func record(
        method: String, url: String, requestHeaders: HTTPHeaders, requestBody: [UInt8]?,
        status: Int, responseHeaders: HTTPHeaders, responseBody: [UInt8]
    ) {
        var writer = JSONWriter(capacity: 512 + responseBody.count * 4 / 3)
        writer.beginObject()
        writer.key("test")
        writer.string(Test.current.map { "\($0.id)" } ?? "")
        writer.key("method")
        writer.string(method)
        writer.key("url")
        writer.string(url)
        Self.write(headers: requestHeaders, as: "request_headers", into: &writer)
        Self.write(body: requestBody ?? [], as: "request_body", into: &writer)
        writer.key("status")
        writer.int(status)
        Self.write(headers: responseHeaders, as: "response_headers", into: &writer)
        Self.write(body: responseBody, as: "response_body", into: &writer)
        writer.endObject()
        var line = writer.bytes
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        line.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private static func write(headers: HTTPHeaders, as key: StaticString, into writer: inout JSONWriter) {
        writer.key(key)
        writer.beginArray()
        for (name, value) in headers {
            writer.beginArray()
            writer.string(name)
            // Never a secret in the log: the key is replaced, its scheme kept (the checker needs to know one was sent).
            if name.lowercased() == "authorization" {
                writer.string(String(value.prefix { $0 != " " }) + " <redacted>")
            } else {
                writer.string(value)
            }
            writer.endArray()
        }
        writer.endArray()
    }

    private static func write(body: [UInt8], as key: String, into writer: inout JSONWriter) {
        if body.count > maxBody {
            writer.key(key + "_truncated")
            writer.bool(true)
            return
        }
        writer.key(key)
        writer.string(Data(body).base64EncodedString())
    }
}
