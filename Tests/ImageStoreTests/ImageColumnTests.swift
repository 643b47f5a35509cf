import Foundation
import JSON
import SQLite
import Testing

@testable import ImageStore

/// `ImageColumn` is the one list of `images` columns that every statement of `ImageSQL` derives from: it must name
/// exactly the migrated table's columns, and a row written by the derived statements must read back field for field.
struct ImageColumnTests {
    @Test func namesExactlyTheColumnsOfTheMigratedTable() async throws {
        let store = try await TestStore()
        let inspect = try store.inspect()
        let schema = try inspect.query("SELECT name FROM pragma_table_info('images')").compactMap {
            $0.values.first?.stringValue
        }
        #expect(Set(ImageColumn.allCases.map(\.name)) == Set(schema))
        #expect(ImageColumn.allCases.count == schema.count)
    }

    @Test func statementsAreDerivedFromTheColumns() {
        #expect(
            ImageSQL.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                == ImageColumn.allCases.map(\.name))
        #expect(ImageColumn.allCases.enumerated().allSatisfy { $0.offset == $0.element.index })
        #expect(ImageSQL.insert.hasPrefix("INSERT INTO images (id, cloudflare_id,"))
        #expect(!ImageSQL.insert.contains("usage_count") && !ImageSQL.update.contains("created_at"))
        let assignments = ImageSQL.updated.enumerated().map { "\($1.name) = ?\($0 + 1)" }
        #expect(assignments.allSatisfy { ImageSQL.update.contains($0) })
        #expect(ImageSQL.update.hasSuffix("WHERE id = ?\(ImageSQL.updated.count + 1)"))
    }

    @Test func everyFieldRoundTripsThroughTheDerivedStatements() async throws {
        let store = try await TestStore()
        var image = ImageRecord.sample("columns", owner: "alice", status: .uploaded)
        image.fileSize = 1234
        image.width = 640
        image.height = 480
        image.uploadedAt = Date(timeIntervalSince1970: 1_750_000_123.456789)
        image.metadata = ["k": .string("v")]
        image.cloudflareMetadata = ["n": .int(1)]
        image.variants = ["https://x/public"]
        image.requireSignedURLs = true
        let stored = try await store.repository.insert(image, log: .created)
        #expect(try await store.repository.image(.id(image.id), owner: nil) == stored)
        let updated = try await store.repository.update(.id(image.id), owner: nil) { record in
            record.filename = "renamed.png"
            record.height = nil
            record.status = .failed
            return LogEvent("changed")
        }
        #expect(try await store.repository.image(.id(image.id), owner: nil) == updated)
        #expect(updated?.filename == "renamed.png" && updated?.height == nil && updated?.createdAt == stored.createdAt)
    }
}
