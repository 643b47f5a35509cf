import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks, and that port.
public func loopbackSocket() throws -> (Int32, UInt16) {
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
public final class RefusingPort: @unchecked Sendable {
    public let port: UInt16
    private let fd: Int32

    public init() throws { (fd, port) = try loopbackSocket() }

    deinit { close(fd) }
}

/// A listening TCP socket on 127.0.0.1 on a port the kernel picks, and that port.
public func loopbackListener(backlog: Int32 = 128) throws -> (Int32, UInt16) {
    let (fd, port) = try loopbackSocket()
    guard listen(fd, backlog) == 0 else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return (fd, port)
}

/// A TCP socket connected to 127.0.0.1:`port`, with send and receive timeouts of `timeout` seconds so no test
/// can hang on it; throws the `errno` of a failed connect.
public func loopbackConnection(port: Int, timeout: Double = 5) throws(LoopbackConnectError) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw LoopbackConnectError(code: errno) }
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
    guard result == 0 else {
        let code = errno
        Glibc.close(fd)
        throw LoopbackConnectError(code: code)
    }
    return fd
}

/// A failed loopback connect, with its `errno`.
public struct LoopbackConnectError: Error, Equatable {
    public let code: Int32
}

/// Accepts connections on `listener` until it is shut down, handing each to `take`; one `take` refuses (returns
/// false) is closed and ends the loop. The listener is closed when the loop ends.
public func acceptConnections(on listener: Int32, _ take: (Int32) -> Bool) {
    defer { close(listener) }
    while true {
        let client = accept(listener, nil, nil)
        if client < 0 {
            if errno == EINTR { continue }
            return
        }
        guard take(client) else {
            close(client)
            return
        }
    }
}
