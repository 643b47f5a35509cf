import Foundation
import SQLite

extension SQLiteImageRepository {
    public func importedLines(hashes: [String]) async throws -> [String: ImportLedgerEntry] {
        guard !hashes.isEmpty else { return [:] }
        let list = JSONText.encode(hashes)
        let entries = try await database.readSnapshot { connection in
            try connection.query(
                """
                SELECT line_hash, image_id, cloudflare_id, source, line_number, imported_at FROM import_ledger
                WHERE line_hash IN (SELECT value FROM json_each(?))
                """,
                [.text(list)]
            ) { row in
                guard let imageID = UUID(canonicalText: row.text(at: 1)) else {
                    throw ImageStoreError.corruptRow("import_ledger.image_id")
                }
                return ImportLedgerEntry(
                    lineHash: row.text(at: 0), imageID: imageID, cloudflareID: row.text(at: 2), source: row.text(at: 3),
                    lineNumber: Int(row.int64(at: 4)), importedAt: Date(microseconds: row.int64(at: 5)))
            }
        }
        return Dictionary(entries.map { ($0.lineHash, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func insertImported(
        _ image: ImageRecord, log: LogEvent, lineHash: String, source: String, lineNumber: Int
    ) async throws -> ImageRecord {
        let record = image.atStoragePrecision
        let now = clock()
        return try await database.write { connection in
            try Self.insertImage(connection, record, log: log, at: now)
            do {
                try connection.execute(
                    """
                    INSERT INTO import_ledger (line_hash, image_id, cloudflare_id, source, line_number, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(lineHash), ImageSQL.text(record.id), .text(record.cloudflareID), .text(source),
                        .int(lineNumber),
                        .integer(now.microseconds),
                    ])
            } catch let error as SQLiteError where error.isConstraintUnique {
                throw ImageStoreError.duplicateImportLine(lineHash)
            }
            return record
        }
    }
}
