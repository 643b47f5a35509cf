import Foundation

#if canImport(Glibc)
    import Glibc
    import TestSupport
#endif

/// A blocking HTTP/1.1 origin on 127.0.0.1 for the emulator's `url` fetches: one canned answer per connection
/// (then close), recording every request head and whether each answer was written to the end.
final class LocalOrigin: @unchecked Sendable {
    struct Answer: Sendable {
        var status = 200
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        /// With a `Content-Length`, or delimited by closing the connection.
        var announcesLength = true
    }

    /// How writing one answer ended.
    enum Outcome: Equatable, Sendable {
        case completed
        /// The peer closed the connection after `sent` body bytes had been written.
        case cutOff(sent: Int)
    }

    let port: UInt16
    private let listenFD: Int32
    private let answer: Answer
    private let lock = NSLock()
    private var heads: [String] = []
    private var results: [Outcome] = []
    private var stopped = false

    init(_ answer: Answer) throws {
        self.answer = answer
        (listenFD, port) = try loopbackListener(backlog: 64)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "local-origin"
        thread.start()
    }

    deinit { stop() }

    func url(_ path: String = "/image.png") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The request heads received so far (request line and header lines).
    var requests: [String] { lock.withLock { heads } }
    var outcomes: [Outcome] { lock.withLock { results } }

    func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))
        }
    }

    /// Waits (bounded) until `count` answers have been written or cut off.
    func waitForOutcomes(_ count: Int, timeout: Duration = .seconds(20)) async -> [Outcome] {
        _ = await eventually(timeout: timeout) { outcomes.count >= count }
        return outcomes
    }

    private func acceptLoop() {
        acceptConnections(on: listenFD) { client in
            Thread { [self] in serve(client) }.start()
            return true
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let head = readHead(fd) else { return }
        lock.withLock { heads.append(head) }
        var text = "HTTP/1.1 \(answer.status) Origin\r\nConnection: close\r\n"
        for (name, value) in answer.headers { text += "\(name): \(value)\r\n" }
        if answer.announcesLength { text += "Content-Length: \(answer.body.count)\r\n" }
        guard send(fd, Array((text + "\r\n").utf8)) else { return record(.cutOff(sent: 0)) }
        var sent = 0
        while sent < answer.body.count {
            let end = min(answer.body.count, sent + 65_536)
            guard send(fd, Array(answer.body[sent..<end])) else { return record(.cutOff(sent: sent)) }
            sent = end
        }
        record(.completed)
    }

    private func record(_ outcome: Outcome) { lock.withLock { results.append(outcome) } }

    private func readHead(_ fd: Int32) -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end = Array("\r\n\r\n".utf8)
        while received.count < 65_536 {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[..<count]
            if let range = received.firstRange(of: end) {
                return String(decoding: received[..<range.lowerBound], as: UTF8.self)
            }
        }
        return nil
    }

    /// Writes everything; false once the peer has closed or reset the connection.
    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
