import Foundation
import SQLite

/// `DjangoTransferStore`: imports run on the writer connection in batches the caller commits; exports read one
/// snapshot on a reader.
extension SQLiteImageRepository: DjangoTransferStore {
    public func withDjangoImport<T: Sendable>(
        dryRun: Bool, _ body: @escaping @Sendable (any DjangoImportWriter) throws -> T
    ) async throws -> T {
        let hashToken = hashToken
        let now = clock()
        return try await database.writeWithoutTransaction { connection in
            // A larger page cache for the run: index pages touched by one batch are then mostly written once per
            // commit instead of read back from the file (restored after, the writer serves everything else).
            let cacheSize = try connection.scalar("PRAGMA cache_size")?.int64Value ?? -2000
            try connection.execute("PRAGMA cache_size = \(Self.djangoImportCacheKiB)")
            defer { try? connection.execute("PRAGMA cache_size = \(cacheSize)") }
            return try DjangoImportRun(
                session: SQLiteStoreSession(connection), hashToken: hashToken, now: now, dryRun: dryRun
            )
            .run(body)
        }
    }

    /// The writer's page cache during an import, in KiB (SQLite's negative form).
    static let djangoImportCacheKiB = -65_536

    public func withDjangoExport<T: Sendable>(
        _ body: @escaping @Sendable (any DjangoExportReader) throws -> T
    ) async throws -> T {
        try await database.readSnapshot { connection in
            try body(DjangoExportRun(session: SQLiteStoreSession(connection)))
        }
    }
}
