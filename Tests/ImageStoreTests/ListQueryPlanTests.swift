import Foundation
import SQLite
import Testing
@testable import ImageStore

/// The list shapes the store calls indexed (`ImageListSQL.isIndexedPage`: counted from the counters, and a page
/// read on the caller's thread) must be served by an index in list order: SQLite's plan for their page query
/// searches an index and needs no temporary B-tree to sort, whatever the owner, status and orphan filters.
struct ListQueryPlanTests {
    func plan(_ store: TestStore, _ query: ImageQuery) throws -> [String] {
        let sql = try ImageListSQL(query)
        let inspect = try store.inspect()
        return try inspect.query("EXPLAIN QUERY PLAN " + sql.pageSQL, sql.pageBindings).map { row in
            row.values.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
        }
    }

    @Test func everyIndexedShapeIsAnIndexSearchInListOrder() async throws {
        let store = try await TestStore()
        // A populated, analysed database: the planner's choice then is the one production sees.
        for i in 0..<400 {
            var image = ImageRecord.sample("plan-\(i)", owner: ["alice", "bob"][i % 2], status: ImageStatus.allCases[i % 5])
            image.uploadedAt = i % 3 == 0 ? nil : Date(timeIntervalSince1970: 1_750_000_000 + Double(i))
            _ = try await store.repository.insert(image, log: .created)
        }
        try await store.database.write { try $0.execute("ANALYZE") }
        var checked = 0
        for owner in [nil, "alice"] as [String?] {
            for status in [nil] + ImageStatus.allCases.map(Optional.some) {
                for orphaned in [nil, true] as [Bool?] {
                    for field in ImageOrdering.Field.allCases {
                        for descending in [false, true] {
                            var query = ImageQuery(owner: owner, status: status, orphaned: orphaned, limit: 20, offset: 0)
                            query.ordering = ImageOrdering(field, descending: descending)
                            let sql = try ImageListSQL(query)
                            guard sql.isIndexedPage else { continue }
                            let steps = try plan(store, query)
                            let label = "owner \(owner ?? "-") status \(status?.rawValue ?? "-") orphaned \(orphaned.map(String.init) ?? "-") \(field.rawValue) \(descending ? "desc" : "asc")"
                            #expect(steps.contains { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") }, "\(label): \(steps)")
                            #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(label): \(steps)")
                            #expect(!steps.contains { $0.hasPrefix("SCAN images") && !$0.contains("INDEX") }, "\(label): \(steps)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked >= 20)
    }
}
