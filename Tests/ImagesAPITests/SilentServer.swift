import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback listener that accepts connections and never answers: a Cloudflare that hangs. `stop()` (or deinit)
/// shuts every held connection, so nothing outlives the test.
final class SilentServer: @unchecked Sendable {
    let port: UInt16
    private let listenFD: Int32
    private let lock = NSLock()
    private var held: [Int32] = []
    private var stopped = false

    init() throws {
        let (fd, port) = try loopbackSocket()
        guard listen(fd, 128) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        listenFD = fd
        self.port = port
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "silent-accept"
        thread.start()
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Connections accepted so far (each one a request that will never be answered).
    var acceptedConnections: Int { lock.withLock { held.count } }

    func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))
            for fd in held { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        defer {
            close(listenFD)
            lock.withLock { for fd in held { close(fd) } }
        }
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let keep = lock.withLock {
                guard !stopped else { return false }
                held.append(client)
                return true
            }
            if !keep {
                close(client)
                return
            }
        }
    }
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks, and that port.
func loopbackSocket() throws -> (Int32, UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

/// A loopback port that refuses connections: bound but never listening, and held until released, so no server
/// started meanwhile by another test can take it (a port merely closed again could be handed out at once).
final class RefusingPort: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32

    init() throws { (fd, port) = try loopbackSocket() }

    deinit { close(fd) }
}
