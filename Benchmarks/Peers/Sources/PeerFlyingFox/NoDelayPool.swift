import Foundation
import FlyingSocks
#if canImport(Glibc)
import Glibc
#endif

/// FlyingFox exposes no hook on accepted sockets, and without `TCP_NODELAY` its separate header and body writes stall
/// on Nagle + delayed ACK (~40 ms per response). Every socket the server waits on passes through its pool, so this
/// pool sets `TCP_NODELAY` on each one it sees: the listening socket first (Linux copies the flag to the sockets
/// `accept` returns) and every connection again (a cheap setsockopt, for kernels that do not copy it).
struct NoDelayPool: AsyncSocketPool {
    let base: any AsyncSocketPool

    init(wrapping base: some AsyncSocketPool) { self.base = base }

    func prepare() async throws { try await base.prepare() }
    func run() async throws { try await base.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        try? socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: Int32(TCP_NODELAY)))
        try await base.suspendSocket(socket, untilReadyFor: events)
    }
}
