import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback listener that accepts connections and never answers: a Cloudflare that hangs. `stop()` (or deinit)
/// shuts every held connection, so nothing outlives the test.
public final class SilentServer: @unchecked Sendable {
    public let port: UInt16
    private let listenFD: Int32
    private let lock = NSLock()
    private var held: [Int32] = []
    private var stopped = false

    public init() throws {
        let (fd, port) = try loopbackListener()
        listenFD = fd
        self.port = port
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "silent-accept"
        thread.start()
    }

    deinit { stop() }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Connections accepted so far (each one a request that will never be answered).
    public var acceptedConnections: Int { lock.withLock { held.count } }

    public func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))
            for fd in held { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        defer { lock.withLock { for fd in held { close(fd) } } }
        acceptConnections(on: listenFD) { client in
            lock.withLock {
                guard !stopped else { return false }
                held.append(client)
                return true
            }
        }
    }
}
