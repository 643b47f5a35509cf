import Foundation
import ImageStore
import Testing

struct ConcurrencyTests {
    @Test(arguments: RepositoryBackend.all) func readersSeeConsistentSnapshotsDuringWrites(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<150 {
                    _ = try await repo.insert(.sample("w-\(i)", owner: i % 2 == 0 ? "alice" : "bob"), log: .created)
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    var lastCount = 0
                    for _ in 0..<40 {
                        let page = try await repo.list(ImageQuery(owner: "alice", limit: nil))
                        #expect(page.count == page.items.count)
                        #expect(page.count >= lastCount)
                        lastCount = page.count
                        let counts = try await repo.counts(owner: nil)
                        #expect(counts.total <= 150)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await repo.counts(owner: "alice").total == 75)
    }
}
