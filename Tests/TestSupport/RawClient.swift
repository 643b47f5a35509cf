import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One raw HTTP exchange over a loopback socket, for requests a real client refuses to send (CR/LF or invalid UTF-8
/// in the request line or headers). The request should ask for `Connection: close`; the answer is read until EOF
/// or a receive timeout (5 s unless given), on a thread of its own (through ``TestClient``).
public enum RawClient {
    public struct Reply: Sendable {
        /// 0 when the server closed without answering.
        public var status: Int
        public var head: String
        public var body: [UInt8]
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public static func exchange(port: Int, _ request: [UInt8], timeout: Double = 5) async throws -> Reply {
        try await blocking { try exchangeBlocking(port: port, request, timeout: timeout) }
    }

    /// A request with the given raw request line, headers (each a raw line) and body; adds Host,
    /// Content-Length and `Connection: close`.
    public static func request(_ line: [UInt8], headers: [[UInt8]] = [], body: [UInt8] = []) -> [UInt8] {
        var bytes = line + Array("\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        for header in headers { bytes += header + Array("\r\n".utf8) }
        if !body.isEmpty { bytes += Array("Content-Length: \(body.count)\r\n".utf8) }
        return bytes + Array("\r\n".utf8) + body
    }

    private static func exchangeBlocking(port: Int, _ request: [UInt8], timeout: Double) throws -> Reply {
        let client = try TestClient(port: port, timeout: timeout)
        client.send(request)
        let received = client.readAll()
        guard
            let end = received.indices.dropLast(3).first(where: {
                received[$0] == 13 && received[$0 + 1] == 10 && received[$0 + 2] == 13 && received[$0 + 3] == 10
            })
        else { return Reply(status: 0, head: String(decoding: received, as: UTF8.self), body: []) }
        let head = String(decoding: received[..<end], as: UTF8.self)
        let status = head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return Reply(status: status, head: head, body: Array(received[(end + 4)...]))
    }
}
