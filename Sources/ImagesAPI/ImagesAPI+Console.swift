import Configuration
import Foundation
import HTTPServer
import ImageStore

/// The façade the web console uses: every page asks the API itself, in-process, so listing, filters, deletion with
/// its in-use protection, status checks, upload URLs, stats and readiness mean exactly what the REST API means.
extension ImagesAPI {
    /// Answers `request` (a path under the prefix, or `/readyz`, `/metrics`) as the API would for a request carrying
    /// `identity`'s token: same routes, same rules, same errors.
    public func respond(to request: Request, as identity: AuthenticatedUser) async -> Response {
        let caller = Caller(userName: identity.userName, isAdmin: identity.isAdmin)
        do {
            return try await Authenticator.$delegated.withValue(caller) { try await handler(request) }
        } catch {
            return ErrorResponse.detail(.internalServerError, "Internal server error.").response
        }
    }

    /// The identity behind an API key, or nil for an unknown or revoked one (sign-in).
    public func identity(forKey key: String) async throws -> AuthenticatedUser? {
        try await context.repository.authenticate(key: key)
    }

    /// Every token (admins' token page), newest first.
    public func tokens() async throws -> [APIToken] { try await context.repository.tokens(userName: nil) }

    /// A new token; its key is in the result only.
    public func createToken(userName: String, isAdmin: Bool, label: String) async throws -> IssuedToken {
        try await context.repository.createToken(userName: userName, isAdmin: isAdmin, label: label)
    }

    /// Revokes a token (effective at once in this process) and reports whether one was revoked.
    public func revokeToken(id: UUID) async throws -> Bool {
        let revoked = try await context.repository.revokeToken(id: id, userName: nil)
        invalidateTokenCache()
        return revoked
    }

    /// The settings the API runs with (upload limits, prefix, delivery), for pages that show or check them.
    public var settings: Configuration.Settings { context.settings }
}
