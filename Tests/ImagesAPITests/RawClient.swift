#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One raw HTTP exchange over a loopback socket, for requests a real client refuses to send (CR/LF or invalid UTF-8
/// in the request line or headers). The request should ask for `Connection: close`; the answer is read until EOF
/// or a 5 s receive timeout, on a thread of its own.
enum RawClient {
    struct Reply: Sendable {
        /// 0 when the server closed without answering.
        var status: Int
        var head: String
        var body: [UInt8]
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error { let code: Int32 }

    static func exchange(port: Int, _ request: [UInt8]) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try exchangeBlocking(port: port, request) }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// A request with the given raw request line, headers (each a raw line) and body; adds Host,
    /// Content-Length and `Connection: close`.
    static func request(_ line: [UInt8], headers: [[UInt8]] = [], body: [UInt8] = []) -> [UInt8] {
        var bytes = line + Array("\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        for header in headers { bytes += header + Array("\r\n".utf8) }
        if !body.isEmpty { bytes += Array("Content-Length: \(body.count)\r\n".utf8) }
        return bytes + Array("\r\n".utf8) + body
    }

    private static func exchangeBlocking(port: Int, _ request: [UInt8]) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(code: errno) }
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(code: errno) }
        var offset = 0
        while offset < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + offset, request.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            offset += n
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n > 0 { received += chunk[0..<n]; continue }
            if n < 0, errno == EINTR { continue }
            break
        }
        guard let end = received.indices.dropLast(3).first(where: {
            received[$0] == 13 && received[$0 + 1] == 10 && received[$0 + 2] == 13 && received[$0 + 3] == 10
        }) else { return Reply(status: 0, head: String(decoding: received, as: UTF8.self), body: []) }
        let head = String(decoding: received[..<end], as: UTF8.self)
        let status = head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return Reply(status: status, head: head, body: Array(received[(end + 4)...]))
    }
}
