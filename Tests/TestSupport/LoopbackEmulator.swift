import CloudflareEmulator
import HTTPServer
import Logging

/// A real `CloudflareEmulator` on an `HTTPServer` of its own on 127.0.0.1:0, mounted at `mount`, its public base URL
/// set to where it listens. `guarding` may put something in front of its responder (per-endpoint faults).
public final class LoopbackEmulator: Sendable {
    public let emulator: CloudflareEmulator
    public let server: HTTPServer
    /// The origin and the mount path: what `publicBaseURL` is.
    public let base: String

    public init(
        configuration: CloudflareEmulator.Configuration, mount: String = "", logger: Logger,
        guarding: (Responder) -> Responder = { $0 }
    ) throws {
        emulator = try CloudflareEmulator(configuration: configuration, logger: logger)
        server = HTTPServer(
            configuration: .init(
                host: "127.0.0.1", port: 0, eventLoopCount: 1, shutdownGracePeriod: .seconds(2),
                accessLog: false),
            logger: logger, responder: guarding(emulator.makeRouter(mountPath: mount).responder))
        do {
            try server.start()
        } catch {
            emulator.close()
            throw error
        }
        base = "http://127.0.0.1:\(server.localPort)\(mount)"
        emulator.setPublicBaseURL(base)
    }

    /// Stops the server and closes the emulator's state.
    public func stop() async {
        await server.shutdown()
        emulator.close()
    }
}
