import Foundation
import PostgreSQL

/// `DjangoTransferStore` on PostgreSQL: an import runs on one connection of the pool in batches the caller commits
/// (other instances go on serving meanwhile: run it before they take traffic, as the README's move from Django
/// says); an export reads one `REPEATABLE READ` snapshot, streamed through cursors.
extension PostgreSQLImageRepository: DjangoTransferStore {
    public func withDjangoImport<T: Sendable>(
        dryRun: Bool, _ body: @escaping @Sendable (any DjangoImportWriter) throws -> T
    ) async throws -> T {
        let hashToken = hashToken
        let now = clock()
        return try await database.withSession { session in
            try DjangoImportRun(
                session: PostgreSQLStoreSession(session), hashToken: hashToken, now: now, dryRun: dryRun
            )
            .run(body)
        }
    }

    public func withDjangoExport<T: Sendable>(
        _ body: @escaping @Sendable (any DjangoExportReader) throws -> T
    ) async throws -> T {
        try await database.readSnapshot { session in
            try body(DjangoExportRun(session: PostgreSQLStoreSession(session)))
        }
    }
}
