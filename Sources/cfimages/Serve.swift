import ArgumentParser
import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPServer
import ImageStore
import ImagesAPI
import LogOutput
import Logging
import WebConsole

/// `cfimages serve`: migrate, then serve the API (and, with no Cloudflare account configured, the built-in emulator
/// under `/_emulator` on the same port) until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the service (applies pending migrations first).")

    func run() async throws {
        TerminationSignal.prepare()
        let context = try await ServiceContext.open()
        defer { context.store.close() }
        var settings = context.settings
        let logger = context.logger

        // The handler is bound after `start()`: with port 0 the emulator's URLs need the port the kernel picked.
        let slot = HandlerSlot()
        let metrics = ServiceMetrics()
        let server = HTTPServer(
            configuration: .init(
                host: settings.host, port: settings.port,
                eventLoopCount: settings.eventLoops ?? ProcessInfo.processInfo.activeProcessorCount,
                bodyLimit: ImagesAPI.bodyLimit(
                    settings: settings,
                    emulatorMountPath: settings.usesEmbeddedEmulator ? EmbeddedEmulator.mountPath : nil),
                accessLog: settings.accessLog),
            logger: logger,
            observer: metrics.requestObserver,
            accessLogWriter: logger.logLevel <= .info ? AccessLogLine.writer(label: logger.label) : nil,
            responder: slot.responder
        )
        metrics.track(server: server)
        do {
            try server.start()
        } catch {
            throw CommandFailure("Cannot listen on \(settings.host):\(settings.port): \(error)")
        }
        let origin = "http://\(Self.advertisedHost(settings.host)):\(server.localPort)"

        var emulator: CloudflareEmulator?
        var mounts: [Responder.Mount] = []
        let cloudflareConfiguration: CloudflareClient.Configuration
        if settings.usesEmbeddedEmulator {
            let embedded = try EmbeddedEmulator.make(settings: &settings, origin: origin, logger: logger)
            emulator = embedded.emulator
            mounts.append(embedded.mount)
            cloudflareConfiguration = embedded.clientConfiguration(settings)
            let warning =
                "NO CLOUDFLARE ACCOUNT CONFIGURED: serving the built-in Cloudflare emulator; images stay on"
                + " this machine. Set CLOUDFLARE_IMAGES_ACCOUNT_ID, CLOUDFLARE_IMAGES_API_TOKEN and"
                + " CLOUDFLARE_IMAGES_ACCOUNT_HASH for a real account (CFIMAGES_REQUIRE_CLOUDFLARE=true makes this an error)"
            logger.warning(
                "\(warning)",
                metadata: ["url": "\(origin)\(EmbeddedEmulator.mountPath)"])
        } else {
            cloudflareConfiguration = CloudflareClientFactory.configuration(settings)
        }
        if let refusal = settings.webhookRefusal {
            logger.warning("Every webhook delivery will be refused", metadata: ["reason": "\(refusal)"])
        }
        defer { emulator?.close() }

        // Cloudflare calls take tens of milliseconds each, so throughput is concurrency: allow many connections
        // (and keep them) rather than queue behind the default 32.
        let http = try HTTPClient(configuration: .init(maxConnectionsPerHost: 512, maxCachedConnections: 512))
        let cloudflare = try CloudflareClient(
            configuration: cloudflareConfiguration, httpClient: http,
            sharedBudget: context.sharedCloudflareBudget(cloudflareConfiguration),
            logger: Logger(label: "cfimages.cloudflare"),
            observer: metrics.cloudflareObserver)
        let probe = try CloudflareClient(
            configuration: ReadinessCheck.probeConfiguration(cloudflareConfiguration, timeout: .seconds(2)),
            httpClient: http, budget: cloudflare.budget, sharedBudget: cloudflare.sharedBudget,
            logger: Logger(label: "cfimages.cloudflare"), observer: metrics.cloudflareObserver)
        let readiness = ReadinessCheck(
            repository: context.repository, migrator: try ServiceContext.migrator(settings, store: context.store),
            cloudflare: probe, cloudflareIsEmulator: emulator != nil)
        let api = ImagesAPI(
            settings: settings, repository: context.repository, cloudflare: cloudflare, logger: logger,
            metrics: metrics, readiness: readiness)
        let metricsServer = try settings.metricsAddress.map {
            try MetricsListener.start(address: $0, responder: api.metricsResponder, logger: logger)
        }
        let console = WebConsole(
            api: api, sessions: context.store.consoleSessions, uploads: context.store.uploadHistory,
            imageSources: emulator == nil ? [] : [origin], connectSources: emulator == nil ? [] : [origin])
        mounts.append(console.mount)
        slot.set(api.responder(mounting: mounts))
        let sweeper = api.makeSweeper()
        await sweeper.start()
        let eventWorker = api.makeEventWorker(httpClient: http)
        eventWorker?.start()
        logger.notice("cfimages serving", metadata: ["url": "\(origin)\(settings.pathPrefix)/api/"])

        let signal = await TerminationSignal.wait()
        logger.notice("Shutting down", metadata: ["signal": "\(signal)"])
        await sweeper.stop()
        await eventWorker?.stop()
        await metricsServer?.shutdown()
        await server.shutdown()
    }

    static func advertisedHost(_ host: String) -> String {
        host == "0.0.0.0" || host == "::" || host.isEmpty ? "127.0.0.1" : host.contains(":") ? "[\(host)]" : host
    }
}
