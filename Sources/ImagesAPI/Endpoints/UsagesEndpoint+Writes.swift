import Foundation
import HTTPServer
import ImageStore
import JSON

/// Writes to the usage registry, which the reference does from Django signals and this service takes over HTTP:
///
/// - `POST api/usages/` registers one reference (`manual` unless `source` says `auto`), like `register_usage`;
/// - `DELETE api/usages/{id}/` removes one;
/// - `PUT api/usages/object/` replaces the references of one object (what a client sends after saving a record):
///   the named fields are recorded as `auto`, the object's other `auto` rows removed, `manual` rows kept;
/// - `POST api/usages/reconcile/` does the same for a whole content type at once, like `reconcile_image_usage`.
///
/// A user references only their own images (by `cloudflare_id` or `image`); administrators any, untracked ones
/// included (an unregistered reference).
extension APIContext {
    static let maxLabelLength = 255
    static let defaultUsageField = "manual"

    func createUsage(_ request: Request, _ caller: Caller) async throws -> Response {
        let body = try body(request)
        var errors = FieldErrors()
        let target = Self.usageTarget(body, errors: &errors)
        let fieldName =
            Self.label(body["field_name"], "field_name", required: false, errors: &errors) ?? Self.defaultUsageField
        var source = ImageUsage.Source.manual
        if let raw = body["source"] {
            if let text = raw.stringValue, let parsed = ImageUsage.Source(rawValue: text) {
                source = parsed
            } else {
                errors.add("source", "\"\(raw.stringValue ?? "")\" is not a valid choice.")
            }
        }
        var cloudflareID = Self.label(body["cloudflare_id"], "cloudflare_id", required: false, errors: &errors)
        var imageID: UUID?
        if let raw = body["image"] {
            if let text = raw.stringValue, let id = UUID(uuidString: text) {
                imageID = id
            } else {
                errors.add("image", "Must be a valid UUID.")
            }
        }
        if cloudflareID == nil, imageID == nil, !errors.has("cloudflare_id"), !errors.has("image") {
            errors.addNonField("Provide one of 'cloudflare_id' or 'image'.")
        }
        try errors.check()
        if let imageID {
            guard let image = try await repository.image(.id(imageID), owner: caller.scope) else {
                throw FieldErrors.field("image", "No image with this id is yours.")
            }
            if let cloudflareID, cloudflareID != image.cloudflareID {
                throw FieldErrors.field("cloudflare_id", "Does not match the image's Cloudflare id.")
            }
            cloudflareID = image.cloudflareID
        }
        guard let target, let cloudflareID else { throw ErrorResponse.detail(.badRequest, "Invalid request.") }
        try await checkReferencesOwned([cloudflareID], caller)
        let reference = UsageReference(
            contentType: target.contentType, objectID: target.objectID, fieldName: fieldName,
            cloudflareID: cloudflareID,
            source: source)
        let summary = try await repository.recordUsages([reference], at: clock())
        guard let stored = summary.usages.first else {
            throw ErrorResponse.detail(.internalServerError, "Internal server error.")
        }
        var writer = JSONWriter(capacity: 512)
        UsageSerializer.write(stored, into: &writer)
        return json(writer.bytes, status: summary.created > 0 ? .created : .ok)
    }

    func deleteUsage(_ request: Request, _ caller: Caller) async throws -> Response {
        let usage = try await usage(request, caller)
        guard try await repository.removeUsage(id: usage.id, owner: caller.scope, at: clock()) else {
            throw Self.usageNotFound
        }
        return Response.empty(.noContent)
    }

    /// `{"content_type": "blog.post", "object_id": "7", "references": {"cover": "cf-id", "thumb": null}}`: a null or
    /// empty value clears that field.
    func replaceObjectUsages(_ request: Request, _ caller: Caller) async throws -> Response {
        let body = try body(request)
        var errors = FieldErrors()
        let target = Self.usageTarget(body, errors: &errors)
        var named: [(field: String, cloudflareID: String)] = []
        switch body["references"] {
        case nil: errors.add("references", Fields.required)
        case .object(let members)?:
            for (field, value) in members.sorted(by: { $0.key < $1.key }) {
                guard !field.isEmpty, field.count <= Self.maxLabelLength else {
                    errors.add("references", "Field names must be 1 to \(Self.maxLabelLength) characters.")
                    break
                }
                switch value {
                case .null: continue
                case .string(let id) where id.isEmpty: continue
                case .string(let id) where id.count <= Self.maxLabelLength && !id.utf8.contains(0):
                    named.append((field, id))
                default:
                    errors.add(
                        "references", "Each value must be a Cloudflare id (a string of at most 255 characters) or null."
                    )
                }
            }
        default: errors.add("references", "Expected a dictionary of field names to Cloudflare ids.")
        }
        try errors.check()
        guard let target else { throw ErrorResponse.detail(.badRequest, "Invalid request.") }
        try await checkReferencesOwned(named.map(\.cloudflareID), caller)
        let started = clock()
        let summary = try await repository.recordUsages(
            named.map {
                UsageReference(
                    contentType: target.contentType, objectID: target.objectID, fieldName: $0.field,
                    cloudflareID: $0.cloudflareID, source: .auto)
            }, at: started)
        let removed = try await repository.pruneUsages(
            contentType: target.contentType, objectID: target.objectID, untouchedSince: started, owner: caller.scope,
            at: started)
        var query = UsageQuery(
            owner: caller.scope, contentType: target.contentType, objectID: target.objectID, limit: nil)
        query.ordering = .createdAt
        query.descending = false
        let current = try await usages(query).items
        var writer = JSONWriter(capacity: 256 * max(1, current.count) + 128)
        writer.beginObject()
        Self.writeSummary(summary, removed: removed, into: &writer)
        writer.key("usages")
        writer.beginArray()
        for usage in current { UsageSerializer.write(usage, into: &writer) }
        writer.endArray()
        writer.endObject()
        return json(writer.bytes)
    }

    /// `{"content_type": "blog.post", "references": [{"object_id": "7", "field_name": "cover", "cloudflare_id": "…"}]}`:
    /// every current reference of one content type; its `auto` rows not named are removed, `manual` rows never.
    func reconcileUsages(_ request: Request, _ caller: Caller) async throws -> Response {
        let body = try body(request)
        var errors = FieldErrors()
        let contentType = Self.contentType(body["content_type"], errors: &errors)
        var references: [UsageReference] = []
        switch body["references"] {
        case nil: errors.add("references", Fields.required)
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                guard let object = item.objectValue else {
                    errors.add(
                        "references", index: index, "Expected an object with object_id, field_name and cloudflare_id.")
                    continue
                }
                var itemErrors = FieldErrors()
                let objectID = Self.label(object["object_id"], "object_id", errors: &itemErrors)
                let fieldName = Self.label(object["field_name"], "field_name", errors: &itemErrors)
                let cloudflareID = Self.label(object["cloudflare_id"], "cloudflare_id", errors: &itemErrors)
                for (field, _) in itemErrors.entries {
                    errors.add("references", index: index, "Invalid or missing \(field).")
                }
                if let contentType, let objectID, let fieldName, let cloudflareID {
                    references.append(
                        UsageReference(
                            contentType: contentType, objectID: objectID, fieldName: fieldName,
                            cloudflareID: cloudflareID,
                            source: .auto))
                }
            }
        default: errors.add("references", "Expected a list of references.")
        }
        try errors.check()
        guard let contentType else { throw ErrorResponse.detail(.badRequest, "Invalid request.") }
        try await checkReferencesOwned(references.map(\.cloudflareID), caller)
        let started = clock()
        let summary = try await repository.recordUsages(references, at: started)
        let removed = try await repository.pruneUsages(
            contentType: contentType, objectID: nil, untouchedSince: started, owner: caller.scope, at: started)
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        Self.writeSummary(summary, removed: removed, into: &writer)
        writer.endObject()
        return json(writer.bytes)
    }

    static func writeSummary(_ summary: UsageWriteSummary, removed: Int, into writer: inout JSONWriter) {
        writer.key("created")
        writer.int(summary.created)
        writer.key("changed")
        writer.int(summary.changed)
        writer.key("unchanged")
        writer.int(summary.unchanged)
        writer.key("kept_manual")
        writer.int(summary.keptManual)
        writer.key("removed")
        writer.int(removed)
    }

    /// A user may reference only images of their own (a 400 naming `cloudflare_id` otherwise, the same whether the
    /// image is another user's or untracked); administrators anything.
    func checkReferencesOwned(_ cloudflareIDs: [String], _ caller: Caller) async throws {
        guard !caller.isAdmin, !cloudflareIDs.isEmpty else { return }
        let wanted = Set(cloudflareIDs)
        let owned = Set(
            try await repository.images(cloudflareIDs: Array(wanted), owner: caller.userName).map(\.cloudflareID))
        if !wanted.isSubset(of: owned) {
            throw FieldErrors.field("cloudflare_id", "No image with this Cloudflare id is yours.")
        }
    }

    /// `content_type` and `object_id` of a write.
    static func usageTarget(
        _ body: [String: JSONValue], errors: inout FieldErrors
    ) -> (contentType: String, objectID: String)? {
        let contentType = contentType(body["content_type"], errors: &errors)
        let objectID = label(body["object_id"], "object_id", errors: &errors)
        guard let contentType, let objectID else { return nil }
        return (contentType, objectID)
    }

    /// `app_label.model` as Django names content types: two non-empty parts of lower-case letters, digits and `_`.
    static func contentType(_ value: JSONValue?, errors: inout FieldErrors) -> String? {
        guard let text = label(value, "content_type", errors: &errors) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) }) else {
            errors.add("content_type", "Use the form app_label.model (lower case), e.g. blog.post.")
            return nil
        }
        return text
    }

    /// A required (unless `required` is false) non-blank string of at most 255 characters.
    static func label(_ value: JSONValue?, _ name: String, required: Bool = true, errors: inout FieldErrors) -> String?
    {
        guard let value else {
            if required { errors.add(name, Fields.required) }
            return nil
        }
        return Fields.string(value, name, maxLength: maxLabelLength, errors: &errors)
    }
}
