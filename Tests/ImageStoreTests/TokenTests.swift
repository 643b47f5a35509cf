import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

struct TokenTests {
    @Test(arguments: RepositoryBackend.all) func createStoresOnlyTheHash(_ backend: RepositoryBackend) async throws {
        let store = try await BackendStore(backend)
        let issued = try await store.repository.createToken(userName: "alice", isAdmin: false, label: "ci")
        #expect(issued.key.count == 40 && issued.key.allSatisfy(\.isHexDigit))
        #expect(issued.token.userName == "alice" && !issued.token.isAdmin && issued.token.label == "ci")
        let rows = try store.texts(
            "SELECT id || '|' || token_hash || '|' || user_name || '|' || is_admin || '|' || label || '|' || created_at FROM api_tokens"
        )
        #expect(rows.count == 1)
        #expect(!(rows.first??.contains(issued.key) ?? true))
        // SHA-256 hex, checked against the value Python's hashlib gives for the same key.
        #expect(try store.texts("SELECT token_hash FROM api_tokens") == [SQLiteImageRepository.sha256Hex(issued.key)])
        #expect(
            SQLiteImageRepository.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        let another = try await store.repository.createToken(userName: "alice", isAdmin: false, label: "")
        #expect(another.key != issued.key)
    }

    @Test(arguments: RepositoryBackend.all) func authenticateRevokeAndList(_ backend: RepositoryBackend) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let admin = try await repo.createToken(userName: "root", isAdmin: true, label: "")
        store.clock.advance(1)
        let user = try await repo.createToken(userName: "alice", isAdmin: false, label: "")
        let found = try await repo.authenticate(key: admin.key)
        #expect(found == AuthenticatedUser(tokenID: admin.token.id, userName: "root", isAdmin: true))
        #expect(try await repo.authenticate(key: user.key)?.isAdmin == false)
        #expect(try await repo.authenticate(key: "wrong") == nil)
        #expect(try await repo.authenticate(key: "") == nil)

        #expect(try await repo.tokens(userName: nil).map(\.userName) == ["alice", "root"])
        #expect(try await repo.tokens(userName: "alice").map(\.id) == [user.token.id])

        #expect(try await !repo.revokeToken(id: user.token.id, userName: "root"))
        #expect(try await repo.revokeToken(id: user.token.id, userName: "alice"))
        #expect(try await !repo.revokeToken(id: user.token.id, userName: nil))
        #expect(try await repo.authenticate(key: user.key) == nil)
        #expect(try await repo.tokens(userName: "alice").first?.isRevoked == true)
    }

    @Test(arguments: RepositoryBackend.all) func lastUsedIsUpdatedAtMostOnceAMinute(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let issued = try await repo.createToken(userName: "alice", isAdmin: false, label: "")
        func lastUsed() async throws -> Date? { try await repo.tokens(userName: "alice").first?.lastUsedAt }
        #expect(try await lastUsed() == nil)
        _ = try await repo.authenticate(key: issued.key)
        let first = store.clock.now
        #expect(try await lastUsed() == first)
        store.clock.advance(30)
        _ = try await repo.authenticate(key: issued.key)
        #expect(try await lastUsed() == first)
        store.clock.advance(31)
        _ = try await repo.authenticate(key: issued.key)
        #expect(try await lastUsed() == store.clock.now)
    }

    @Test(arguments: RepositoryBackend.all) func injectedKeyGenerator(_ backend: RepositoryBackend) async throws {
        let store = try await BackendStore(backend, randomKey: { "fixed-key" })
        let issued = try await store.repository.createToken(userName: "bob", isAdmin: false, label: "")
        #expect(issued.key == "fixed-key")
        #expect(try await store.repository.authenticate(key: "fixed-key")?.userName == "bob")
        // The same key again collides on the hash: an error, never a second owner for one key.
        let error = await #expect(throws: ImageStoreError.self) {
            try await store.repository.createToken(userName: "eve", isAdmin: true, label: "")
        }
        guard case .constraintViolation(let failure)? = error else {
            Issue.record("expected a constraint violation, got \(String(describing: error))")
            return
        }
        #expect(failure.message.contains("api_tokens"))
    }
}
