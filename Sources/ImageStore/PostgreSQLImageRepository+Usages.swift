import Foundation
import PostgreSQL
import SQLite

/// The usage registry on PostgreSQL: the same statements as `SQLiteImageRepository+Usages` (ILIKE for LIKE).
extension PostgreSQLImageRepository {
    static func decodeUsage(_ row: PostgreSQLRow) throws -> ImageUsage {
        guard let source = ImageUsage.Source(rawValue: row.text(at: 6)) else {
            throw ImageStoreError.corruptRow("image_usages.source")
        }
        var imageID: UUID?
        if let text = row.optionalText(at: 2) {
            guard let id = UUID(canonicalText: text) else { throw ImageStoreError.corruptRow("image_usages.image_id") }
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
        if let usageID = query.usageID {
            conditions.append("u.id = ?")
            bindings.append(.integer(usageID))
        }
        if let imageID = query.imageID {
            conditions.append("u.image_id = ?")
            bindings.append(ImageSQL.text(imageID))
        }
        if query.unregisteredOnly { conditions.append("u.image_id IS NULL") }
        if let contentType = query.contentType {
            conditions.append("u.content_type = ?")
            bindings.append(.text(contentType))
        }
        if let objectID = query.objectID {
            conditions.append("u.object_id = ?")
            bindings.append(.text(objectID))
        }
        if let fieldName = query.fieldName {
            conditions.append("u.field_name = ?")
            bindings.append(.text(fieldName))
        }
        for term in (query.search ?? "").split(whereSeparator: \.isWhitespace) {
            let pattern = ImageListSQL.containsPattern(String(term))
            conditions.append(
                "(u.cloudflare_id ILIKE ? ESCAPE '\\' OR u.field_name ILIKE ? ESCAPE '\\' OR u.object_id ILIKE ? ESCAPE '\\')"
            )
            bindings += [.text(pattern), .text(pattern), .text(pattern)]
        }
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
        let countQuery = counterQuery ?? ("SELECT count(*) FROM image_usages u\(join)\(filter)", bindings)
        let pageSQL =
            "SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u\(join)\(filter) "
            + "ORDER BY \(column) \(direction), u.id \(direction) LIMIT ? OFFSET ?"
        let pageBindings = bindings + [.integer(query.limit.map(Int64.init)), .integer(Int64(query.offset))]
        return try await database.readSnapshot { session in
            let count = Int(try session.scalarInt(countQuery.0, countQuery.1) ?? 0)
            return UsagePage(count: count, items: try session.query(pageSQL, pageBindings, map: Self.decodeUsage))
        }
    }

    public func recordUsages(_ references: [UsageReference], at now: Date) async throws -> UsageWriteSummary {
        let stamp = now.microseconds
        return try await database.write { session in
            var summary = UsageWriteSummary()
            for reference in references {
                let imageID = try session.scalarText(
                    "SELECT id FROM images WHERE cloudflare_id = ?", [.text(reference.cloudflareID)])
                let existing = try session.first(
                    "SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u "
                        + "WHERE content_type = ? AND object_id = ? AND field_name = ? FOR UPDATE",
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
                    try session.execute(
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
                    try EventOutbox.record(PostgreSQLStoreSession(session), usage: existing, to: stored, at: now)
                    summary.usages.append(stored)
                } else {
                    let id =
                        try session.scalarInt(
                            """
                            INSERT INTO image_usages (content_type, object_id, field_name, source, cloudflare_id, image_id, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                            """,
                            [
                                .text(reference.contentType), .text(reference.objectID), .text(reference.fieldName),
                                .text(reference.source.rawValue), .text(reference.cloudflareID), .text(imageID),
                                .integer(stamp),
                                .integer(stamp),
                            ]) ?? 0
                    summary.created += 1
                    let created = ImageUsage(
                        id: id, cloudflareID: reference.cloudflareID,
                        imageID: imageID.flatMap(UUID.init(uuidString:)), contentType: reference.contentType,
                        objectID: reference.objectID, fieldName: reference.fieldName, source: reference.source,
                        createdAt: Date(microseconds: stamp), updatedAt: Date(microseconds: stamp))
                    try EventOutbox.record(PostgreSQLStoreSession(session), usage: nil, to: created, at: now)
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
        try await database.write { session in
            let removed = try session.query(
                UsageSQL.selectTracked(condition), condition.bindings, map: Self.decodeUsage)
            try session.execute(UsageSQL.touchImages(condition), [.integer(now.microseconds)] + condition.bindings)
            try session.execute(UsageSQL.delete(condition), condition.bindings)
            let changes = session.changes
            for usage in removed {
                try EventOutbox.record(PostgreSQLStoreSession(session), usage: usage, to: nil, at: now)
            }
            return changes
        }
    }

    public func orphans(unreferencedBefore cutoff: Date, limit: Int) async throws -> ImagePage {
        let filter = """
            FROM images WHERE usage_count = 0 AND status = 'uploaded' AND (last_referenced_at < ?1
            OR (last_referenced_at IS NULL AND created_at < ?1))
            """
        let bound = SQLiteValue.integer(cutoff.microseconds)
        return try await database.readSnapshot { session in
            let count = Int(try session.scalarInt("SELECT count(*) \(filter)", [bound]) ?? 0)
            let items = try session.query(
                "SELECT \(ImageSQL.columns) \(filter) ORDER BY created_at, rowid LIMIT ?2",
                [bound, .int(max(0, limit))],
                map: ImageSQL.decode)
            return ImagePage(count: count, items: items)
        }
    }

    public func removeUsage(id: Int64, owner: String?, at now: Date) async throws -> Bool {
        try await deleteUsages(UsageSQL.single(id: id, owner: owner), at: now) > 0
    }

    public func usageCount(imageID: UUID) async throws -> Int {
        try await database.read { session in
            Int(try session.scalarInt("SELECT usage_count FROM images WHERE id = ?", [ImageSQL.text(imageID)]) ?? 0)
        }
    }
}
