import Configuration
import Foundation
import HTTPFields
import HTTPServer
import ImageStore
import ImagesAPI
import JSON

/// What every page shares; pages are extensions of this type, one file each under `Pages/`.
final class ConsoleContext: Sendable {
    let api: ImagesAPI
    let sessions: SessionManager
    /// `<prefix>/console`, no trailing slash.
    let base: String
    let csp: String
    let uploads: (any UploadHistory)?
    let clock: @Sendable () -> Date

    init(
        api: ImagesAPI, store: any ConsoleSessionStore, uploads: (any UploadHistory)?, imageSources: [String],
        connectSources: [String], now: @escaping @Sendable () -> Date
    ) {
        let settings = api.settings
        self.api = api
        self.uploads = uploads
        self.clock = now
        self.base = settings.pathPrefix + "/console"
        self.sessions = SessionManager(
            store: store, clock: now, idleTimeout: TimeInterval(settings.consoleIdleMinutes) * 60,
            absoluteTimeout: TimeInterval(settings.consoleSessionHours) * 3_600,
            secureCookies: settings.publicURL?.lowercased().hasPrefix("https://") ?? false, cookiePath: base + "/")
        var images = ["https://imagedelivery.net"] + imageSources
        if let delivery = settings.deliveryURL, let origin = Self.origin(of: delivery) { images.append(origin) }
        func unique(_ origins: [String]) -> [String] {
            var seen = Set<String>()
            return origins.filter { seen.insert($0).inserted }
        }
        self.csp = ConsoleResponse.contentSecurityPolicy(
            imageSources: unique(images), connectSources: unique(["https://upload.imagedelivery.net"] + connectSources))
    }

    static func origin(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let host = url[scheme.upperBound...].prefix { $0 != "/" }
        return host.isEmpty ? nil : String(url[..<scheme.upperBound]) + host
    }

    func makeRouter() -> Router {
        Router(prefix: base) { routes in
            routes.get("", { [self] request in try await self.home(request) })
            routes.get("sign-in", { [self] request in try await self.signInForm(request) })
            routes.post("sign-in", { [self] request in try await self.signIn(request) })
            routes.post("sign-out", signedIn { visit in try await self.signOut(visit) })
            routes.get("images", signedIn { visit in try await self.gallery(visit) })
            routes.post("images/bulk", signedIn { visit in try await self.bulkAction(visit) })
            routes.get("images/:id", signedIn { visit in try await self.detail(visit) })
            routes.get("images/:id/url", signedIn { visit in try await self.playgroundURL(visit) })
            routes.post("images/:id/check-status", signedIn(json: true) { visit in try await self.checkStatus(visit) })
            routes.get("upload", signedIn { visit in try await self.uploadPage(visit) })
            routes.post("upload-url", signedIn(json: true) { visit in try await self.uploadURL(visit) })
            routes.get("stats", signedIn { visit in try await self.statsPage(visit) })
            routes.get("tokens", signedIn(admin: true) { visit in try await self.tokensPage(visit) })
            routes.post("tokens", signedIn(admin: true) { visit in try await self.createToken(visit) })
            routes.post("tokens/:token/revoke", signedIn(admin: true) { visit in try await self.revokeToken(visit) })
            routes.get("health", signedIn(admin: true) { visit in try await self.healthPage(visit) })
            routes.get("static/:file", { request in Self.asset(request) })
        }
    }

    // MARK: Shared steps

    /// Runs `body` for a signed-in visit: without a session a page redirects to sign-in (JSON answers 401); a
    /// state-changing request must carry the session's CSRF token (a form's `csrf` field, or `X-CSRF-Token`), else
    /// 403; admin pages refuse other users with 403.
    func signedIn(
        json: Bool = false, admin: Bool = false, _ body: @escaping @Sendable (Visit) async throws -> Response
    ) -> Handler {
        { [self] request in
            guard let session = try await sessions.session(request) else {
                if json {
                    return ConsoleResponse.json(
                        Array(#"{"detail": "Signed out: sign in again."}"#.utf8), status: .unauthorized, csp: csp)
                }
                if request.method != .get && request.method != .head {
                    return errorPage(.forbidden, "You are signed out. Sign in and try again.")
                }
                return ConsoleResponse.redirect(base + "/sign-in?next=" + URLQuery.encode(request.target))
            }
            let visit = Visit(request: request, session: session, form: json ? FormFields() : FormFields(request))
            if request.method != .get && request.method != .head {
                let sent = json ? request.headers["X-CSRF-Token"] : visit.form["csrf"]
                guard SessionManager.tokensMatch(sent, session.csrfToken) else {
                    if json {
                        return ConsoleResponse.json(
                            Array(#"{"detail": "Missing or wrong CSRF token: reload the page."}"#.utf8),
                            status: .forbidden, csp: csp)
                    }
                    return errorPage(
                        .forbidden,
                        "This form was not sent by the console, or it is out of date. Go back, reload the page and try again.",
                        visit: visit)
                }
            }
            if admin && !session.isAdmin {
                return errorPage(
                    .forbidden, "This page is for administrators. Sign in with an admin token to use it.", visit: visit)
            }
            return try await body(visit)
        }
    }

    /// An API call made for the visit's user; the answer and its JSON body (nil when it has none or is not JSON).
    func call(
        _ visit: Visit, _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil
    ) async -> (status: Int, json: JSONValue?) {
        var target = api.settings.pathPrefix + "/api/" + path
        if !query.isEmpty { target += "?" + URLQuery.encode(query) }
        var headers = HTTPHeaders()
        if let host = visit.request.headers["Host"] { headers.add("Host", host) }
        var bytes: [UInt8] = []
        if let body {
            headers.add("Content-Type", "application/json")
            bytes = body.jsonBytes
        }
        let request = Request(
            method: method, target: target, headers: headers, body: bytes, requestID: visit.request.requestID)
        let response = await api.respond(to: request, as: visit.identity)
        return (response.status.code, response.body.isEmpty ? nil : try? JSONValue.parse(response.body))
    }

    func page(
        _ visit: Visit, _ title: String, current: Layout.Section?, _ body: HTML, status: HTTPStatus = .ok
    ) -> Response {
        ConsoleResponse.page(
            Layout.page(title: title, current: current, visit: visit, base: base, body: body), status: status, csp: csp)
    }

    func errorPage(_ status: HTTPStatus, _ message: String, visit: Visit? = nil) -> Response {
        let body: HTML =
            "<h1>\(status.reason)</h1><p class=\"notice error\" role=\"alert\">\(message)</p><p><a href=\"\(base)/images\">Back to the gallery</a></p>"
        let html =
            visit.map { Layout.page(title: status.reason, current: nil, visit: $0, base: base, body: body) }
            ?? Layout.bare(title: status.reason, base: base, body: body)
        return ConsoleResponse.page(html, status: status, csp: csp)
    }

    /// The message of an API error body (`{"detail"}`, `{"error"}` or field errors).
    static func message(_ json: JSONValue?) -> String {
        guard let object = json?.objectValue else { return "The request failed." }
        if let detail = object["detail"]?.stringValue { return detail }
        if let error = object["error"]?.stringValue { return error }
        return object.sorted { $0.key < $1.key }.map { key, value in
            let messages: [String]
            if case .array(let items) = value {
                messages = items.compactMap(\.stringValue)
            } else {
                messages = [value.jsonText]
            }
            return "\(key): \(messages.joined(separator: " "))"
        }.joined(separator: "; ")
    }

    static func asset(_ request: Request) -> Response {
        guard let (asset, immutable) = AssetCatalog.lookup(request.pathParameters["file"] ?? "") else {
            return Response.text(.notFound, "Not found.")
        }
        var headers: HTTPHeaders = [
            "Content-Type": asset.contentType, "X-Content-Type-Options": "nosniff",
            "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=300",
        ]
        if !immutable { headers.add("Access-Control-Allow-Origin", "*") }
        return Response(status: .ok, headers: headers, body: asset.bytes)
    }
}
