import Foundation
import SQLite

/// `DjangoExportReader` in the read snapshot `withDjangoExport` holds, on either backend.
final class DjangoExportRun<Session: StoreSession>: DjangoExportReader {
    private let session: Session

    init(session: Session) {
        self.session = session
    }

    func users() throws -> [DjangoTransferUser] {
        var tokens: [String: [APIToken]] = [:]
        try session.stream(
            "SELECT id, user_name, is_admin, label, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at, rowid"
        ) { row in
            guard let id = UUID(canonicalText: row.text(at: 0)) else {
                throw ImageStoreError.corruptRow("api_tokens.id")
            }
            let token = APIToken(
                id: id, userName: row.text(at: 1), isAdmin: row.int64(at: 2) != 0, label: row.text(at: 3),
                createdAt: row.date(at: 4), lastUsedAt: row.optionalDate(at: 5), revokedAt: row.optionalDate(at: 6))
            tokens[token.userName, default: []].append(token)
        }
        var firstImage: [String: Date] = [:]
        try session.stream("SELECT owner, min(created_at) FROM images GROUP BY owner") { row in
            firstImage[row.text(at: 0)] = row.date(at: 1)
        }
        return Set(tokens.keys).union(firstImage.keys).sorted().map { name in
            DjangoTransferUser(name: name, tokens: tokens[name] ?? [], firstImageCreatedAt: firstImage[name])
        }
    }

    func forEachImage(_ body: (ImageRecord) throws -> Void) throws {
        try session.stream("SELECT \(ImageSQL.columns) FROM images ORDER BY id") {
            try body(try session.decodeImage($0))
        }
    }

    func forEachLog(_ body: (UploadLogEntry) throws -> Void) throws {
        try session.stream(
            "SELECT id, image_id, event_type, message, data, timestamp FROM image_upload_logs ORDER BY id"
        ) { row in
            guard let imageID = UUID(canonicalText: row.text(at: 1)) else {
                throw ImageStoreError.corruptRow("image_upload_logs.image_id")
            }
            try body(
                UploadLogEntry(
                    id: row.int64(at: 0), imageID: imageID, eventType: row.text(at: 2), message: row.text(at: 3),
                    data: try JSONText.object(row.bytes(at: 4), column: "image_upload_logs.data"),
                    timestamp: row.date(at: 5)))
        }
    }

    func forEachUsage(_ body: (ImageUsage) throws -> Void) throws {
        try session.stream("SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u ORDER BY u.id") {
            try body(try session.decodeUsage($0))
        }
    }
}
