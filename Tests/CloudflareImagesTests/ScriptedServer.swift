import Foundation
import HTTPClient

#if canImport(Glibc)
    import Glibc
    import HTTPFields
    import TestSupport
#endif

/// What the scripted server does with one request.
enum ScriptedAction: Sendable {
    /// Answer after `delay` with a Content-Length framed response.
    case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], delay: Duration = .zero)
    /// Read the request and never answer (until the server stops).
    case hang
    /// Send the status line, headers promising more body than follows, part of the body, then close.
    case closeMidResponse
    /// Close the connection without answering.
    case closeWithoutResponse

    static func json(
        _ status: Int, _ text: String, headers: [(String, String)] = [], delay: Duration = .zero
    ) -> ScriptedAction {
        .respond(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8),
            delay: delay)
    }

    static func text(_ status: Int, _ text: String) -> ScriptedAction {
        .respond(status: status, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
    }
}

/// A request as the scripted server received it.
struct RecordedRequest: Sendable {
    var method: String
    var target: String
    var headers: HTTPHeaders
    var body: [UInt8]
    var connectionID: Int

    var path: String { String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]) }

    /// Query parameters, percent-decoded (`+` as space).
    var query: [String: String] {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [:] }
        var result: [String: String] = [:]
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            result[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return result
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object, or nil.
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// The parts of a `multipart/form-data` body, or nil when the body is not one.
    var formParts: [FormPart]? { MultipartParser.parse(body: body, contentType: headers["Content-Type"] ?? "") }

    /// Text form fields by name.
    var formFields: [String: String] {
        var fields: [String: String] = [:]
        for part in formParts ?? [] where part.filename == nil { fields[part.name] = part.text }
        return fields
    }
}

/// A blocking HTTP/1.1 server on 127.0.0.1 for tests: a thread per connection, keep-alive, one scripted action
/// per request, and counters for accepted connections.
final class ScriptedServer: @unchecked Sendable {
    let port: UInt16
    private let listenFD: Int32
    private let handler: @Sendable (RecordedRequest) -> ScriptedAction

    private let lock = NSCondition()
    private var stopped = false
    private var accepted = 0
    private var live = 0
    private var recorded: [RecordedRequest] = []
    private var openFDs: Set<Int32> = []

    init(handler: @escaping @Sendable (RecordedRequest) -> ScriptedAction) throws {
        self.handler = handler
        (listenFD, port) = try loopbackListener(backlog: 1024)
        let thread = Thread { [self] in
            Thread.current.name = "fixture-accept"
            acceptLoop()
        }
        thread.name = "fixture-accept"
        thread.start()
    }

    /// A server that plays `actions` in order, repeating the last one.
    convenience init(script actions: [ScriptedAction]) throws {
        let index = LockedBox(0)
        try self.init { _ in
            let i = index.update { value in
                defer { value += 1 }
                return value
            }
            return actions[min(i, actions.count - 1)]
        }
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var acceptedConnections: Int { lock.withLock { accepted } }
    var liveConnections: Int { lock.withLock { live } }
    var requests: [RecordedRequest] { lock.withLock { recorded } }

    /// Stops accepting, wakes hanging handlers and shuts every open connection.
    func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))
            for fd in openFDs { shutdown(fd, Int32(SHUT_RDWR)) }
            lock.broadcast()
        }
    }

    private func acceptLoop() {
        acceptConnections(on: listenFD) { client in
            let id: Int? = lock.withLock {
                guard !stopped else { return nil }
                accepted += 1
                live += 1
                openFDs.insert(client)
                return accepted
            }
            guard let id else { return false }
            let thread = Thread { [self] in
                Thread.current.name = "fixture-conn"
                serve(client, id: id)
            }
            thread.name = "fixture-conn"
            thread.stackSize = 256 * 1024
            thread.start()
            return true
        }
    }

    private func serve(_ fd: Int32, id: Int) {
        defer {
            lock.withLock {
                openFDs.remove(fd)
                live -= 1
            }
            close(fd)
        }
        var buffer: [UInt8] = []
        while let request = readRequest(fd, buffer: &buffer, connectionID: id) {
            lock.withLock { recorded.append(request) }
            let action = handler(request)
            switch action {
            case .respond(let status, let headers, let body, let delay):
                if delay > .zero {
                    Thread.sleep(
                        forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                }
                var head = "HTTP/1.1 \(status) Scripted\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                head += "Content-Length: \(body.count)\r\n\r\n"
                guard writeAll(fd, Array(head.utf8) + body) else { return }
                if request.headers["Connection"]?.lowercased() == "close" { return }
            case .hang:
                // Until the server stops or the client goes away (bounded, so a test can never hang).
                let deadline = Date().addingTimeInterval(30)
                while !lock.withLock({ stopped }), Date() < deadline, !peerClosed(fd) {}
                return
            case .closeMidResponse:
                _ = writeAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial".utf8))
                return
            case .closeWithoutResponse:
                return
            }
        }
    }

    private func readRequest(_ fd: Int32, buffer: inout [UInt8], connectionID: Int) -> RecordedRequest? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while true {
            if let end = find(separator, in: buffer) {
                headerEnd = end
                break
            }
            guard readMore(fd, into: &buffer) else { return nil }
        }
        guard let headerEnd else { return nil }
        let headText = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers["Content-Length"] ?? "0") ?? 0
        let bodyStart = headerEnd + 4
        while buffer.count < bodyStart + length {
            guard readMore(fd, into: &buffer) else { return nil }
        }
        let body = Array(buffer[bodyStart..<bodyStart + length])
        buffer.removeFirst(bodyStart + length)
        return RecordedRequest(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body,
            connectionID: connectionID)
    }

    /// Waits up to 50 ms for the peer to close; true once it has.
    private func peerClosed(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 50) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    private func readMore(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[..<n])
        return true
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}

func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
    guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
    for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] {
        if haystack[i..<i + needle.count].elementsEqual(needle) { return i }
    }
    return nil
}
