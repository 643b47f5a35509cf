import Foundation
import ImageStore
import PostgreSQL
import TestSupport
import Testing

/// Two instances on one PostgreSQL database: what one process guarantees on SQLite holds across them.
@Suite(.enabled(if: PostgreSQLTestServer.isEnabled))
struct SharedDatabaseTests {
    /// Both instances handed the same delivery at once: it is applied exactly once.
    @Test func aWebhookDeliveredToTwoInstancesIsAppliedOnce() async throws {
        let store = try await BackendStore(.postgresql)
        let other = try #require(store.otherInstance())
        for round in 0..<20 {
            let image = try await store.repository.insert(.sample("wh-\(round)"), log: .created)
            let repositories: [any ImageRepository] = [store.repository, other]
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for repository in repositories {
                    group.addTask {
                        let outcome = try await repository.applyWebhook(
                            eventKey: "event-\(round)", cloudflareID: image.cloudflareID
                        ) {
                            $0.status = .uploaded
                            return LogEvent("upload_confirmed")
                        }
                        if case .applied = outcome { return true }
                        return false
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1, "round \(round): \(outcomes)")
            #expect(try await store.repository.logs(imageID: image.id, limit: nil).count == 2)
        }
    }

    /// A write on one instance changes the generation the other reads, and the other lists it at once.
    @Test func writesOnOneInstanceAreSeenByTheOther() async throws {
        let store = try await BackendStore(.postgresql)
        let other = try #require(store.otherInstance())
        let before = try await other.imagesGeneration()
        _ = try await store.repository.insert(.sample("seen"), log: .created)
        #expect(try await other.imagesGeneration() > before)
        #expect(try await other.list(ImageQuery()).items.map(\.cloudflareID) == ["seen"])
        let issued = try await other.createToken(userName: "alice", isAdmin: false, label: "")
        #expect(try await store.repository.authenticate(key: issued.key)?.userName == "alice")
        #expect(try await store.repository.revokeToken(id: issued.token.id, userName: nil))
        #expect(try await other.authenticate(key: issued.key) == nil)
    }

    /// One instance at a time runs exclusive work; the other skips it while it runs and may run it afterwards.
    @Test func exclusiveWorkRunsOnOneInstanceAtATime() async throws {
        let store = try await BackendStore(.postgresql)
        let first = try #require(store.repository as? PostgreSQLImageRepository)
        let second = try #require(store.otherInstance())
        let inside = try await first.exclusively("sweep") {
            try await second.exclusively("sweep") { 1 }
        }
        #expect(inside == .some(nil))
        #expect(try await second.exclusively("sweep") { 2 } == 2)
        #expect(try await second.exclusively("other") { 3 } == 3)
    }

    /// Migrations started by several instances at once are applied once (the advisory lock), none failing.
    @Test func instancesMigratingTogetherApplyEachMigrationOnce() async throws {
        let (schema, url) = try PostgreSQLTestServer.makeSchema(prefix: "mig")
        defer { PostgreSQLTestServer.dropSchema(schema) }
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<4 {
                group.addTask {
                    let pool = PostgreSQLPool(url: url, size: 1, name: "mig-\(index)")
                    defer { pool.close() }
                    return try await Migrator(directory: TestPaths.repository + "/Migrations", pool: pool).apply().count
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let files = try Migration.load(from: TestPaths.postgresqlMigrations).count
        #expect(applied.sorted() == [0, 0, 0, files])
        let pool = PostgreSQLPool(url: url, size: 1)
        defer { pool.close() }
        #expect(try await Migrator(directory: TestPaths.repository + "/Migrations", pool: pool).isCurrent())
    }
}
