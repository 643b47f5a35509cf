#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HTTPFields
import HTTPServer
import Logging
import Synchronization

enum TestClientError: Error {
    case connect(Int32)
    case timeout
    case closed
    case malformed(String)
}

/// A parsed response as the test client saw it.
struct TestResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking raw-socket HTTP client with a receive timeout, so no test can hang.
final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeout: Double = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            let code = errno
            Glibc.close(fd)
            throw TestClientError.connect(code)
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Reads more bytes into the buffer; false on EOF or reset, throws on timeout.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw TestClientError.timeout }
            return false
        }
    }

    /// Reads one response. `head` means the request was HEAD (no body follows).
    func readResponse(head: Bool = false) throws -> TestResponse {
        var end: Int?
        while end == nil {
            if let range = findHeadEnd() { end = range; break }
            guard try fill() else { throw TestClientError.closed }
        }
        let headBytes = Array(buffer[0..<end!])
        buffer.removeFirst(end! + 4)
        let lines = String(decoding: headBytes, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestClientError.malformed(lines[0]) }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError.malformed(line) }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = TestResponse(status: status, headers: headers, body: [])
        if head || status < 200 || status == 204 || status == 304 { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            while buffer.count < length { guard try fill() else { throw TestClientError.closed } }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else {
            while try fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// True when the server has closed the connection (EOF or reset) and sent nothing more.
    func isClosed() -> Bool {
        guard buffer.isEmpty else { return false }
        do { return try !fill() } catch { return false }
    }

    /// Everything until EOF (or timeout).
    func readAll() -> [UInt8] {
        while (try? fill()) == true {}
        defer { buffer = [] }
        return buffer
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4)
        where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}

/// Runs blocking client code on its own thread, off Swift's cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Polls `condition` every 10 ms for at most `seconds`.
func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Keeps log records for assertions.
final class LogRecorder: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    let records = Mutex<[Record]>([])

    var logger: Logger {
        Logger(label: "test") { _ in RecordingHandler(recorder: self) }
    }

    var all: [Record] { records.withLock { $0 } }
}

struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let record = LogRecorder.Record(
            level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }
        )
        recorder.records.withLock { $0.append(record) }
    }
}

/// Echoes method, path, query and body; `/slow` sleeps first; `/big` returns 4 MiB.
let echoHandler: Handler = { request in
    if request.path == "/slow" { try await Task.sleep(for: .milliseconds(150)) }
    if request.path == "/big" { return Response(body: [UInt8](repeating: 0x61, count: 4 << 20)) }
    if request.path == "/hello" { return .text(.ok, "hello") }
    var response = Response(status: .ok, body: request.body.isEmpty ? Array("\(request.method) \(request.path)".utf8) : request.body)
    response.headers["X-Path"] = request.path
    response.headers["X-Seen-Request-ID"] = request.requestID
    return response
}

func testConfiguration(
    maxConnections: Int = 16_384, timeouts: Duration = .seconds(10), grace: Duration = .seconds(5),
    accessLog: Bool = false, maxBodyBytes: Int = 1 << 20
) -> HTTPServer.Configuration {
    HTTPServer.Configuration(
        eventLoopCount: 2, maxRequestLineLength: 1024, maxHeaderBytes: 4096, maxHeaderCount: 20,
        maxBodyBytes: maxBodyBytes, headerTimeout: timeouts, bodyTimeout: timeouts, idleTimeout: timeouts,
        maxConnections: maxConnections, shutdownGracePeriod: grace, accessLog: accessLog
    )
}

/// Starts a server on an ephemeral port, runs `body`, and always shuts the server down.
func withServer(
    _ configuration: HTTPServer.Configuration = testConfiguration(),
    logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
    immediate: ImmediateHandler? = nil,
    handler: @escaping Handler = echoHandler,
    _ body: (HTTPServer, Int) async throws -> Void
) async throws {
    let server = HTTPServer(
        configuration: configuration, logger: logger, responder: Responder(immediate: immediate, handler: handler))
    try server.start()
    do {
        try await body(server, server.localPort)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}
