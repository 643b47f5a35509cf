import Foundation
import SQLite

/// The usage registry: `image_usages` rows, their image counters (triggers in migration 0005) and orphans.
extension SQLiteImageRepository {
    static let usageColumns =
        "u.id, u.cloudflare_id, u.image_id, u.content_type, u.object_id, u.field_name, u.source, u.created_at, u.updated_at"

    static func decodeUsage(_ row: Statement) throws -> ImageUsage {
        guard let source = ImageUsage.Source(rawValue: row.text(at: 6)) else {
            throw ImageStoreError.corruptRow("image_usages.source")
        }
        var imageID: UUID?
        if !row.isNull(at: 2) {
            guard let id = row.withUTF8(at: 2, { UUID(canonicalUTF8: $0) }) else {
                throw ImageStoreError.corruptRow("image_usages.image_id")
            }
            imageID = id
        }
        return ImageUsage(
            id: row.int64(at: 0), cloudflareID: row.text(at: 1), imageID: imageID, contentType: row.text(at: 3),
            objectID: row.text(at: 4), fieldName: row.text(at: 5), source: source,
            createdAt: Date(microseconds: row.int64(at: 7)), updatedAt: Date(microseconds: row.int64(at: 8)))
    }

    public func usages(_ query: UsageQuery) async throws -> UsagePage {
        guard query.offset >= 0 else { throw ImageStoreError.invalidQuery("offset must not be negative") }
        if let limit = query.limit, limit < 0 { throw ImageStoreError.invalidQuery("limit must not be negative") }
        var conditions: [String] = []
        var bindings: [SQLiteValue] = []
        var join = ""
        if let owner = query.owner {
            join = " JOIN images i ON i.id = u.image_id"
            conditions.append("i.owner = ?")
            bindings.append(.text(owner))
        }
        let equalities: [(column: String, value: SQLiteValue?)] = [
            ("u.id", query.usageID.map { .integer($0) }),
            ("u.image_id", query.imageID.map(ImageSQL.text)),
            ("u.content_type", query.contentType.map { .text($0) }),
            ("u.object_id", query.objectID.map { .text($0) }),
            ("u.field_name", query.fieldName.map { .text($0) }),
        ]
        for case let (column, value?) in equalities {
            conditions.append("\(column) = ?")
            bindings.append(value)
        }
        if query.unregisteredOnly { conditions.append("u.image_id IS NULL") }
        for term in (query.search ?? "").split(whereSeparator: \.isWhitespace) {
            let pattern = ImageListSQL.containsPattern(String(term))
            conditions.append(
                "(u.cloudflare_id LIKE ? ESCAPE '\\' OR u.field_name LIKE ? ESCAPE '\\' OR u.object_id LIKE ? ESCAPE '\\')"
            )
            bindings += [.text(pattern), .text(pattern), .text(pattern)]
        }
        // Unfiltered counts come from the counters the triggers keep, never from a scan of the usages.
        let unfiltered = conditions.count == (query.owner == nil ? 0 : 1) && query.usageID == nil
        var counterQuery: (String, [SQLiteValue])?
        if unfiltered, let owner = query.owner {
            counterQuery = ("SELECT coalesce(sum(usage_count), 0) FROM image_counts WHERE owner = ?", [.text(owner)])
        } else if unfiltered {
            counterQuery = (
                "SELECT (SELECT coalesce(sum(usage_count), 0) FROM image_counts) "
                    + "+ (SELECT count(*) FROM image_usages WHERE image_id IS NULL)", []
            )
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let direction = query.descending ? "DESC" : "ASC"
        let column = query.ordering == .createdAt ? "u.created_at" : "u.updated_at"
        let scanCountSQL = "SELECT count(*) FROM image_usages u\(join)\(filter)"
        let pageSQL =
            "SELECT \(Self.usageColumns) FROM image_usages u\(join)\(filter) ORDER BY \(column) \(direction), u.id \(direction) LIMIT ? OFFSET ?"
        let countQuery = counterQuery ?? (scanCountSQL, bindings)
        let pageBindings = bindings + [.integer(Int64(query.limit ?? -1)), .integer(Int64(query.offset))]
        let body: @Sendable (Connection) throws -> UsagePage = { connection in
            let count = Int(try connection.scalar(countQuery.0, countQuery.1)?.int64Value ?? 0)
            let items = try connection.query(pageSQL, pageBindings, map: Self.decodeUsage)
            return UsagePage(count: count, items: items)
        }
        // The usages of one image, one object or one id are a few index entries: read on the caller's thread.
        let pointRead =
            query.usageID != nil || query.imageID != nil || (query.contentType != nil && query.objectID != nil)
        return try await pointRead ? database.readRecentSnapshot(body) : database.readSnapshot(body)
    }

    public func recordUsages(_ references: [UsageReference], at now: Date) async throws -> UsageWriteSummary {
        let stamp = now.microseconds
        return try await database.write { connection in
            var summary = UsageWriteSummary()
            for reference in references {
                let imageID = try connection.scalar(
                    "SELECT id FROM images WHERE cloudflare_id = ?", [.text(reference.cloudflareID)])?.stringValue
                let existing = try connection.first(
                    "SELECT \(Self.usageColumns) FROM image_usages u WHERE content_type = ? AND object_id = ? AND field_name = ?",
                    [.text(reference.contentType), .text(reference.objectID), .text(reference.fieldName)],
                    map: Self.decodeUsage)
                if let existing {
                    if existing.source == .manual, reference.source == .auto {
                        summary.keptManual += 1
                        summary.usages.append(existing)
                        continue
                    }
                    let same =
                        existing.cloudflareID == reference.cloudflareID
                        && existing.imageID?.lowercasedText == imageID && existing.source == reference.source
                    try connection.execute(
                        "UPDATE image_usages SET cloudflare_id = ?, image_id = ?, source = ?, updated_at = ? WHERE id = ?",
                        [
                            .text(reference.cloudflareID), .text(imageID), .text(reference.source.rawValue),
                            .integer(stamp),
                            .integer(existing.id),
                        ])
                    if same { summary.unchanged += 1 } else { summary.changed += 1 }
                    var stored = existing
                    stored.cloudflareID = reference.cloudflareID
                    stored.imageID = imageID.flatMap(UUID.init(uuidString:))
                    stored.source = reference.source
                    stored.updatedAt = Date(microseconds: stamp)
                    try EventOutbox.record(SQLiteStoreSession(connection), usage: existing, to: stored, at: now)
                    summary.usages.append(stored)
                } else {
                    try connection.execute(
                        """
                        INSERT INTO image_usages (content_type, object_id, field_name, source, cloudflare_id, image_id, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            .text(reference.contentType), .text(reference.objectID), .text(reference.fieldName),
                            .text(reference.source.rawValue), .text(reference.cloudflareID), .text(imageID),
                            .integer(stamp),
                            .integer(stamp),
                        ])
                    summary.created += 1
                    let created = ImageUsage(
                        id: connection.lastInsertRowID, cloudflareID: reference.cloudflareID,
                        imageID: imageID.flatMap(UUID.init(uuidString:)), contentType: reference.contentType,
                        objectID: reference.objectID, fieldName: reference.fieldName, source: reference.source,
                        createdAt: Date(microseconds: stamp), updatedAt: Date(microseconds: stamp))
                    try EventOutbox.record(SQLiteStoreSession(connection), usage: nil, to: created, at: now)
                    summary.usages.append(created)
                }
            }
            return summary
        }
    }

    public func removeUsages(
        contentType: String, objectID: String, fieldName: String?, source: ImageUsage.Source?, owner: String?,
        at now: Date
    ) async throws -> Int {
        try await deleteUsages(
            UsageSQL.removal(
                contentType: contentType, objectID: objectID, fieldName: fieldName, source: source, owner: owner),
            at: now)
    }

    public func pruneUsages(
        contentType: String, objectID: String?, untouchedSince cutoff: Date, owner: String?, at now: Date
    ) async throws -> Int {
        try await deleteUsages(
            UsageSQL.pruning(contentType: contentType, objectID: objectID, untouchedSince: cutoff, owner: owner),
            at: now)
    }

    /// Deletes the matching rows; the images they pointed at lost a reference now (and are told so).
    private func deleteUsages(_ condition: UsageSQL.Condition, at now: Date) async throws -> Int {
        try await database.write { connection in
            let removed = try connection.query(
                UsageSQL.selectTracked(condition), condition.bindings, map: Self.decodeUsage)
            try connection.execute(UsageSQL.touchImages(condition), [.integer(now.microseconds)] + condition.bindings)
            try connection.execute(UsageSQL.delete(condition), condition.bindings)
            let changes = connection.changes
            for usage in removed {
                try EventOutbox.record(SQLiteStoreSession(connection), usage: usage, to: nil, at: now)
            }
            return changes
        }
    }

    public func orphans(unreferencedBefore cutoff: Date, limit: Int) async throws -> ImagePage {
        let bound = Int64(cutoff.microseconds)
        let filter = """
            FROM images WHERE usage_count = 0 AND status = 'uploaded' AND (last_referenced_at < ?1
            OR (last_referenced_at IS NULL AND created_at < ?1))
            """
        return try await database.readSnapshot { connection in
            let count = Int(try connection.scalar("SELECT count(*) \(filter)", [.integer(bound)])?.int64Value ?? 0)
            let items = try connection.query(
                "SELECT \(ImageSQL.columns) \(filter) ORDER BY created_at, rowid LIMIT ?2",
                [.integer(bound), .int(max(0, limit))],
                map: ImageSQL.decode)
            return ImagePage(count: count, items: items)
        }
    }

    public func removeUsage(id: Int64, owner: String?, at now: Date) async throws -> Bool {
        try await deleteUsages(UsageSQL.single(id: id, owner: owner), at: now) > 0
    }

    public func usageCount(imageID: UUID) async throws -> Int {
        try await database.readSnapshot { connection in
            Int(
                try connection.scalar("SELECT usage_count FROM images WHERE id = ?", [ImageSQL.text(imageID)])?
                    .int64Value ?? 0)
        }
    }
}
