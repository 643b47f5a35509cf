import Foundation

#if canImport(Glibc)
    import Glibc
#endif

public enum TestClientError: Error {
    case connect(Int32)
    case timeout
    case closed
    case malformed(String)
}

/// A parsed response as the test client saw it.
public struct RawResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking raw-socket HTTP client with a receive timeout, so no test can hang.
public final class TestClient {
    public let fd: Int32
    private var buffer: [UInt8] = []

    public init(port: Int, timeout: Double = 5) throws {
        do {
            fd = try loopbackConnection(port: port, timeout: timeout)
        } catch {
            throw TestClientError.connect(error.code)
        }
    }

    deinit { Glibc.close(fd) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            offset += n
        }
    }

    public func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

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
    public func readResponse(head: Bool = false) throws -> RawResponse {
        var end: Int?
        while end == nil {
            if let range = findHeadEnd() {
                end = range
                break
            }
            guard try fill() else { throw TestClientError.closed }
        }
        let headBytes = Array(buffer[0..<end!])
        buffer.removeFirst(end! + 4)
        let lines = String(decoding: headBytes, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestClientError.malformed(lines[0])
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError.malformed(line) }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
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
    public func isClosed() -> Bool {
        guard buffer.isEmpty else { return false }
        do { return try !fill() } catch { return false }
    }

    /// What has arrived once it holds `marker` (or at EOF or timeout), leaving nothing buffered.
    public func read(until marker: String) -> [UInt8] {
        let needle = Array(marker.utf8)
        while !buffer.contains(needle), (try? fill()) == true {}
        defer { buffer = [] }
        return buffer
    }

    /// Everything until EOF (or timeout).
    public func readAll() -> [UInt8] {
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
