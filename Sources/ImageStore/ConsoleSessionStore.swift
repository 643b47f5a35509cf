import Foundation

/// Where console sessions live. Sessions are keyed by a hash of their id; a session of a revoked token is never
/// returned.
public protocol ConsoleSessionStore: Sendable {
    /// Stores a new session for `tokenID` under `idHash`.
    func createSession(idHash: String, tokenID: UUID, csrfToken: String, at: Date) async throws

    /// The session, when it exists, its token is not revoked, it was seen after `idleSince` and created after
    /// `createdSince`; its `last_seen_at` becomes `now` when older than `touchBefore`. Expired rows are removed.
    func session(
        idHash: String, now: Date, idleSince: Date, createdSince: Date, touchBefore: Date
    ) async throws
        -> ConsoleSession?

    /// Ends one session (sign-out); true when it existed.
    func deleteSession(idHash: String) async throws -> Bool

    /// Removes every session idle since `idleSince` or created before `createdSince`; returns how many.
    func pruneSessions(idleSince: Date, createdSince: Date) async throws -> Int
}
