import Foundation
import HTTPServer
import ImageStore
import ImagesAPI

/// The web console under `<prefix>/console/`: server-rendered pages over the API (``ImagesAPI/respond(to:as:)``),
/// a session per sign-in, a CSRF token on every state-changing request, and its own CSS and JS from `static/`.
///
/// ```swift
/// let console = WebConsole(api: api, sessions: SQLiteConsoleSessionStore(database: database))
/// let responder = api.responder(mounting: [console.mount])
/// ```
public final class WebConsole: Sendable {
    let context: ConsoleContext
    private let router: Router

    /// - Parameters:
    ///   - imageSources, connectSources: origins besides this one that pages may show images from and upload to
    ///     (the embedded emulator's); Cloudflare's delivery and upload hosts are always allowed.
    ///   - now: the clock of session expiry (injectable for tests).
    ///   - uploads: uploads per day for the stats chart (none: the chart is left out).
    public init(
        api: ImagesAPI, sessions store: any ConsoleSessionStore, uploads: (any UploadHistory)? = nil,
        imageSources: [String] = [], connectSources: [String] = [], now: @escaping @Sendable () -> Date = Date.init
    ) {
        let context = ConsoleContext(
            api: api, store: store, uploads: uploads, imageSources: imageSources, connectSources: connectSources,
            now: now)
        self.context = context
        self.router = context.makeRouter()
    }

    /// Whether a raw path is the console's (`<prefix>/console` and below).
    public func handles(_ rawPath: String) -> Bool { rawPath == context.base || rawPath.hasPrefix(context.base + "/") }

    /// The console's mount point, `<prefix>/console/`.
    public var mountPath: String { context.base + "/" }

    /// Answers a console request; unexpected errors are an error page that says what to do.
    public var handler: Handler {
        { [router, context] request in
            do {
                return try await router.respond(to: request)
            } catch {
                return context.errorPage(
                    .internalServerError,
                    "Something went wrong on the server. Try again; if it keeps failing, check the service log.")
            }
        }
    }
}

extension WebConsole {
    /// The console's part of the service: it claims its own paths in front of the API (the one place it is wired
    /// into a server: `api.responder(mounting: [console.mount])`).
    public var mount: Responder.Mount {
        Responder.Mount(claiming: { [self] in handles($0) }, Responder(handler: handler))
    }
}
