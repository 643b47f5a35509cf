import Foundation
import SQLite

/// The usage registry's statements both backends run (bare `?` placeholders; the PostgreSQL session numbers them).
enum UsageSQL {
    /// A `WHERE` condition on `image_usages` and its values.
    typealias Condition = (sql: String, bindings: [SQLiteValue])

    /// The usages `removeUsages` deletes: one object's (one field's, one source's), within `owner`'s images.
    static func removal(
        contentType: String, objectID: String, fieldName: String?, source: ImageUsage.Source?, owner: String?
    ) -> Condition {
        var condition: Condition = ("content_type = ? AND object_id = ?", [.text(contentType), .text(objectID)])
        restrict(&condition, toOwner: owner)
        if let fieldName { add(&condition, "field_name = ?", .text(fieldName)) }
        if let source { add(&condition, "source = ?", .text(source.rawValue)) }
        return condition
    }

    /// The usage `removeUsage` deletes: the one with `id`, when it points at one of `owner`'s images.
    static func single(id: Int64, owner: String?) -> Condition {
        var condition: Condition = ("id = ?", [.integer(id)])
        restrict(&condition, toOwner: owner)
        return condition
    }

    /// The automatic usages `pruneUsages` deletes: of one content type (one object), untouched since `cutoff`.
    static func pruning(
        contentType: String, objectID: String?, untouchedSince cutoff: Date, owner: String?
    ) -> Condition {
        var condition: Condition = (
            "content_type = ? AND source = 'auto' AND updated_at < ?",
            [.text(contentType), .integer(cutoff.microseconds)]
        )
        restrict(&condition, toOwner: owner)
        if let objectID { add(&condition, "object_id = ?", .text(objectID)) }
        return condition
    }

    /// Marks the images the matching usages point at as referenced until now (bound with the time, then the
    /// condition's values); run before `delete`.
    static func touchImages(_ condition: Condition) -> String {
        "UPDATE images SET last_referenced_at = ? WHERE id IN "
            + "(SELECT image_id FROM image_usages WHERE \(condition.sql) AND image_id IS NOT NULL)"
    }

    /// The matching usages that point at a tracked image (those whose removal is reported), in id order.
    static func selectTracked(_ condition: Condition) -> String {
        "SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u WHERE \(condition.sql) AND image_id IS NOT NULL "
            + "ORDER BY id"
    }

    /// The usages of the new image ?1, in id order: on SQLite the image's insert trigger has just linked them.
    static let ofImage =
        "SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u WHERE image_id = ? ORDER BY id"

    /// Links the unregistered usages of Cloudflare id ?3 to the new image ?1 (?2 its `updated_at`) and returns them:
    /// on PostgreSQL the insert trigger that would link them runs at commit, after the events had to be written.
    static let linkToNewImage = """
        UPDATE image_usages AS u SET image_id = ?, updated_at = ? WHERE cloudflare_id = ? AND image_id IS NULL \
        RETURNING \(SQLiteImageRepository.usageColumns)
        """

    static func delete(_ condition: Condition) -> String {
        "DELETE FROM image_usages WHERE \(condition.sql)"
    }

    private static func restrict(_ condition: inout Condition, toOwner owner: String?) {
        if let owner { add(&condition, "image_id IN (SELECT id FROM images WHERE owner = ?)", .text(owner)) }
    }

    private static func add(_ condition: inout Condition, _ sql: String, _ value: SQLiteValue) {
        condition.sql += " AND " + sql
        condition.bindings.append(value)
    }
}
