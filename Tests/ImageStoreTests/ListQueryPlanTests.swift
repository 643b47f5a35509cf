import Foundation
import SQLite
import TestSupport
import Testing

@testable import ImageStore

/// The list shapes the store calls indexed (`ImageListSQL.isIndexedPage`: counted from the counters, and a page
/// read on the caller's thread) must be served by an index in list order, whatever the owner, status and orphan
/// filters: on SQLite the plan searches an index and needs no temporary B-tree to sort; on PostgreSQL it reads an
/// index and has no sort step, for the first page and for a deep page's seek from a cached boundary.
struct ListQueryPlanTests {
    /// Every indexed list shape in `dialect`, with a label for failures.
    static func indexedShapes(_ dialect: SQLDialect) throws -> [(label: String, sql: ImageListSQL)] {
        var shapes: [(String, ImageListSQL)] = []
        for owner in [nil, "alice"] as [String?] {
            for status in [nil] + ImageStatus.allCases.map(Optional.some) {
                for orphaned in [nil, true] as [Bool?] {
                    for field in ImageOrdering.Field.allCases {
                        for descending in [false, true] {
                            var query = ImageQuery(
                                owner: owner, status: status, orphaned: orphaned, limit: 20, offset: 0)
                            query.ordering = ImageOrdering(field, descending: descending)
                            let sql = try ImageListSQL(query, dialect: dialect)
                            guard sql.isIndexedPage else { continue }
                            shapes.append(
                                (
                                    "owner \(owner ?? "-") status \(status?.rawValue ?? "-") orphaned "
                                        + "\(orphaned.map(String.init) ?? "-") \(field.rawValue) \(descending ? "desc" : "asc")",
                                    sql
                                ))
                        }
                    }
                }
            }
        }
        return shapes
    }

    /// A populated, analysed database: the planner's choice then is the one production sees.
    static func populate(_ repository: any ImageRepository) async throws {
        for i in 0..<400 {
            var image = ImageRecord.sample(
                "plan-\(i)", owner: ["alice", "bob"][i % 2], status: ImageStatus.allCases[i % 5])
            image.uploadedAt = i % 3 == 0 ? nil : Date(timeIntervalSince1970: 1_750_000_000 + Double(i))
            _ = try await repository.insert(image, log: .created)
        }
    }

    @Test func everyIndexedShapeIsAnIndexSearchInListOrder() async throws {
        let store = try await TestStore()
        try await Self.populate(store.repository)
        try await store.database.write { try $0.execute("ANALYZE") }
        let inspect = try store.inspect()
        let shapes = try Self.indexedShapes(.sqlite)
        for (label, sql) in shapes {
            let steps = try inspect.query("EXPLAIN QUERY PLAN " + sql.pageSQL, sql.pageBindings).map { row in
                row.values.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
            }
            #expect(
                steps.contains { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") },
                "\(label): \(steps)")
            #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(label): \(steps)")
            #expect(!steps.contains { $0.hasPrefix("SCAN images") && !$0.contains("INDEX") }, "\(label): \(steps)")
        }
        #expect(shapes.count >= 20)
    }

    /// Its `NULLS` clause, said of a NOT NULL column, once kept every page ordered by `created_at` from its index.
    @Test func everyIndexedShapeReadsAnIndexInOrderOnPostgreSQL() async throws {
        guard PostgreSQLTestServer.isEnabled else { return }
        let store = try await BackendStore(.postgresql)
        try await Self.populate(store.repository)
        try store.execute("ANALYZE images")
        let shapes = try Self.indexedShapes(.postgresql)
        for (label, sql) in shapes {
            let steps = try store.postgreSQLPlan(Self.inlined(sql.pageSQL, sql.pageBindings))
            #expect(steps.contains { $0.contains("Index") }, "\(label): \(steps)")
            #expect(!steps.contains { $0.contains("Sort") }, "\(label): \(steps)")
            // A deep page's seek from a cached boundary, in each run of the ordering, is an index range too.
            let boundaries =
                [ListBoundary(key: .integer(1_750_000_000_000_000), rowid: 200)]
                + (sql.columnHoldsNulls ? [ListBoundary(key: .null, rowid: 100)] : [])
            for boundary in boundaries {
                let seek = sql.seek(select: sql.boundarySelect, sql.condition(after: boundary), limit: 1, offset: 255)
                let seekSteps = try store.postgreSQLPlan(Self.inlined(seek.sql, seek.bindings))
                #expect(seekSteps.contains { $0.contains("Index") }, "\(label) seek: \(seekSteps)")
                #expect(!seekSteps.contains { $0.contains("Sort") }, "\(label) seek: \(seekSteps)")
            }
        }
        #expect(shapes.count >= 20)
    }

    /// `sql` with each `?` replaced by its binding as a literal (the test's own values: no quotes inside).
    static func inlined(_ sql: String, _ bindings: [SQLiteValue]) -> String {
        var values = bindings.makeIterator()
        var out = ""
        for character in sql {
            guard character == "?" else {
                out.append(character)
                continue
            }
            switch values.next() {
            case .integer(let n)?: out += String(n)
            case .text(let text)?: out += "'" + text + "'"
            default: out += "NULL"
            }
        }
        return out
    }
}
