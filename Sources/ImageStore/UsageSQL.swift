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
