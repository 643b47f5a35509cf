import Foundation

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// How many of this process's threads carry `name` (as the kernel keeps it: the first 15 bytes).
func threadCount(named name: String) -> Int {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    let wanted = String(name.utf8.prefix(15))!
    return entries.filter { tid in
        let comm = (try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8)) ?? ""
        return comm.trimmingCharacters(in: .newlines) == wanted
    }.count
}

/// A loopback port that refuses connections: bound but never listening, and held until released, so no server
/// started meanwhile by another test can take it.
final class RefusingPort: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32

    init() {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        port = boundLoopbackPort(fd)
    }

    deinit { close(fd) }
}

/// Binds `fd` to 127.0.0.1 on a port the kernel picks and returns the port.
private func boundLoopbackPort(_ fd: Int32) -> UInt16 {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            _ = bind(fd, pointer, length)
            return getsockname(fd, pointer, &length)
        }
    }
    return UInt16(bigEndian: address.sin_port)
}
