import Base16
import Crypto
import Foundation
import HTTPFields
import HTTPServer
import ImageStore
import ImagesAPI

/// Console sign-in state: a random session id in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` when the public
/// URL is https), stored as its SHA-256 only, with idle and absolute expiry, and a CSRF token per session.
struct SessionManager: Sendable {
    static let cookieName = "cfimages_session"
    /// Before sign-in: the value the sign-in form must echo (double submit), so no other site can sign a browser in.
    static let signInCookieName = "cfimages_signin"

    let store: any ConsoleSessionStore
    let clock: @Sendable () -> Date
    let idleTimeout: TimeInterval
    let absoluteTimeout: TimeInterval
    let secureCookies: Bool
    let cookiePath: String

    /// `last_seen_at` is rewritten at most this often, so most page views only read.
    static let touchInterval: TimeInterval = 30

    /// The signed-in session of a request, or nil (no cookie, unknown, expired or its token revoked).
    func session(_ request: Request) async throws -> ConsoleSession? {
        guard let id = Self.cookie(Self.cookieName, in: request), !id.isEmpty, id.utf8.count <= 128 else { return nil }
        let now = clock()
        return try await store.session(
            idHash: Self.hash(id), now: now, idleSince: now.addingTimeInterval(-idleTimeout),
            createdSince: now.addingTimeInterval(-absoluteTimeout),
            touchBefore: now.addingTimeInterval(-Self.touchInterval))
    }

    /// Opens a session for `identity` and returns the cookie that carries it.
    func open(_ identity: AuthenticatedUser) async throws -> String {
        let id = try SecureRandom.hexString(byteCount: 32)
        let csrf = try SecureRandom.hexString(byteCount: 32)
        let now = clock()
        _ = try await store.pruneSessions(
            idleSince: now.addingTimeInterval(-idleTimeout), createdSince: now.addingTimeInterval(-absoluteTimeout))
        try await store.createSession(idHash: Self.hash(id), tokenID: identity.tokenID, csrfToken: csrf, at: now)
        return cookie(Self.cookieName, id)
    }

    /// Ends the request's session; returns the cookie that clears it in the browser.
    func close(_ request: Request) async throws -> String {
        if let id = Self.cookie(Self.cookieName, in: request), !id.isEmpty {
            _ = try await store.deleteSession(idHash: Self.hash(id))
        }
        return cookie(Self.cookieName, "", maxAge: 0)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        var parts = ["\(name)=\(value)", "Path=\(cookiePath)", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    static func hash(_ id: String) -> String { Hex.encode(SHA256.hash(id)) }

    /// Whether `sent` is `expected` (compared in constant time); an empty token never matches.
    static func tokensMatch(_ sent: String?, _ expected: String) -> Bool {
        guard let sent, !sent.isEmpty, !expected.isEmpty else { return false }
        return ConstantTime.equals(Array(sent.utf8), Array(expected.utf8))
    }

    /// A cookie's value from the request's `Cookie` headers.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers.values(for: "Cookie") {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name { return String(trimmed[trimmed.index(after: equals)...]) }
            }
        }
        return nil
    }
}
