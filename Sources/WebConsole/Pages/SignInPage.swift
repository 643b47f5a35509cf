import Crypto
import Foundation
import HTTPServer
import ImagesAPI

/// Sign-in with an API key (admin or user), exchanged for a server-side session; sign-out ends it.
extension ConsoleContext {
    func home(_ request: Request) async throws -> Response {
        let signedIn = try await sessions.session(request) != nil
        return ConsoleResponse.redirect(base + (signedIn ? "/images" : "/sign-in"))
    }

    func signInForm(_ request: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let check = try SecureRandom.hexString(byteCount: 16)
        let next = Self.safeNext(request.query["next"] ?? FormFields(request)["next"], base: base)
        let notice: HTML =
            error.map { "<p class=\"notice error\" role=\"alert\" id=\"sign-in-error\">\($0)</p>" } ?? .empty
        let body: HTML = """
            <div class="signin panel"><h1>Sign in to cfimages</h1>\(notice)\
            <form method="post" action="\(base)/sign-in">\
            <input type="hidden" name="check" value="\(check)"><input type="hidden" name="next" value="\(next)">\
            <p><label for="key">API key</label><input type="password" id="key" name="key" autocomplete="off" required autofocus></p>\
            <p class="small muted">Use the key of an API token: <code>cfimages token create NAME</code> (add <code>--admin</code> for an administrator).</p>\
            <button type="submit" id="sign-in">Sign in</button></form></div>
            """
        return ConsoleResponse.page(
            Layout.bare(title: "Sign in", base: base, body: body), status: status, csp: csp,
            cookies: [sessions.cookie(SessionManager.signInCookieName, check, maxAge: 3_600)])
    }

    func signIn(_ request: Request) async throws -> Response {
        let form = FormFields(request)
        guard
            SessionManager.tokensMatch(
                form["check"], SessionManager.cookie(SessionManager.signInCookieName, in: request) ?? "")
        else {
            return try await signInForm(
                request, error: "The sign-in form was out of date. Enter the key again.", status: .forbidden)
        }
        let key = (form["key"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.utf8.count <= 256, let identity = try await api.identity(forKey: key) else {
            return try await signInForm(
                request, error: "That key is not a valid API token (or it was revoked).", status: .unauthorized)
        }
        let cookie = try await sessions.open(identity)
        return ConsoleResponse.redirect(
            Self.safeNext(form["next"], base: base),
            cookies: [cookie, sessions.cookie(SessionManager.signInCookieName, "", maxAge: 0)])
    }

    func signOut(_ visit: Visit) async throws -> Response {
        let cookie = try await sessions.close(visit.request)
        return ConsoleResponse.redirect(base + "/sign-in", cookies: [cookie])
    }

    /// Where to go after sign-in: a console path only (never another site), the gallery by default.
    static func safeNext(_ next: String?, base: String) -> String {
        guard let next, next.hasPrefix(base + "/"), !next.contains("//"), !next.contains("\\"),
            !next.hasPrefix(base + "/sign-")
        else { return base + "/images" }
        return next
    }
}
