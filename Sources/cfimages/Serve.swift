import ArgumentParser
import CloudflareEmulator
import CloudflareImages
import Configuration
import Crypto
import Foundation
import HTTPServer
import ImagesAPI
import Logging
import Synchronization

/// `cfimages serve`: migrate, then serve the API (and, with no Cloudflare account configured, the built-in emulator
/// under `/_emulator` on the same port) until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the service (applies pending migrations first).")

    func run() async throws {
        TerminationSignal.prepare()
        let context = try await ServiceContext.open()
        defer { context.database.close() }
        var settings = context.settings
        let logger = context.logger

        // The handler is bound after `start()`: with port 0 the emulator's URLs need the port the kernel picked.
        let slot = HandlerSlot()
        let server = HTTPServer(
            configuration: .init(
                host: settings.host, port: settings.port,
                eventLoopCount: settings.eventLoops ?? ProcessInfo.processInfo.activeProcessorCount,
                accessLog: settings.accessLog),
            logger: logger,
            handler: { try await slot.handle($0) }
        )
        do {
            try server.start()
        } catch {
            throw CommandFailure("Cannot listen on \(settings.host):\(settings.port): \(error)")
        }
        let origin = "http://\(Self.advertisedHost(settings.host)):\(server.localPort)"

        var emulator: CloudflareEmulator?
        var emulatorRouter: Router?
        let cloudflareConfiguration: CloudflareClient.Configuration
        if settings.usesEmbeddedEmulator {
            let embedded = try EmbeddedEmulator.make(settings: &settings, origin: origin, logger: logger)
            emulator = embedded.emulator
            emulatorRouter = embedded.router
            cloudflareConfiguration = embedded.clientConfiguration(settings)
            logger.notice("No Cloudflare account configured: using the built-in emulator", metadata: ["url": "\(origin)\(EmbeddedEmulator.mountPath)"])
        } else {
            cloudflareConfiguration = CloudflareClientFactory.configuration(settings)
        }
        defer { emulator?.close() }

        let cloudflare = try CloudflareClient(configuration: cloudflareConfiguration, logger: Logger(label: "cfimages.cloudflare"))
        let api = ImagesAPI(settings: settings, repository: context.repository, cloudflare: cloudflare, logger: logger)
        let apiHandler = api.handler
        if let emulatorRouter {
            let mount = EmbeddedEmulator.mountPath + "/"
            slot.set { request in
                request.path.hasPrefix(mount) ? try await emulatorRouter.respond(to: request) : try await apiHandler(request)
            }
        } else {
            slot.set(apiHandler)
        }
        let sweeper = api.makeSweeper()
        await sweeper.start()
        logger.notice("cfimages serving", metadata: ["url": "\(origin)\(settings.pathPrefix)/api/"])

        let signal = await TerminationSignal.wait()
        logger.notice("Shutting down", metadata: ["signal": "\(signal)"])
        await sweeper.stop()
        await server.shutdown()
    }

    static func advertisedHost(_ host: String) -> String {
        host == "0.0.0.0" || host == "::" || host.isEmpty ? "127.0.0.1" : host.contains(":") ? "[\(host)]" : host
    }
}

/// A handler installed after the server started; until then requests get 503.
///
/// The handler sits in a class box: a bare function value in `Mutex<Handler?>` is reabstracted on every `inout`
/// access, and each `withLock` wrapped it in two more thunks, so every request ran through a longer chain (memory
/// and latency grew without bound under load).
final class HandlerSlot: Sendable {
    private final class Installed: Sendable {
        let handler: Handler
        init(_ handler: @escaping Handler) { self.handler = handler }
    }

    private let installed = Mutex<Installed?>(nil)

    func set(_ newValue: @escaping Handler) { installed.withLock { $0 = Installed(newValue) } }

    func handle(_ request: Request) async throws -> Response {
        guard let current = installed.withLock({ $0 }) else {
            return HTTPError(.serviceUnavailable, "Starting up.").response
        }
        return try await current.handler(request)
    }
}
