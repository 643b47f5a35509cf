import Foundation
import HTTPServer
import ImageStore
import JSON

/// `POST api/images/bulk_delete/` and `POST api/images/bulk_status_check/`: per-item results, never all-or-nothing.
extension APIContext {
    static let maxBulkStatusIDs = 50

    func bulkDelete(_ request: Request, _ caller: Caller) async throws -> Response {
        let body = try body(request)
        let filter = try ImageFilter(request.query)
        var errors = FieldErrors()
        let ids: [UUID] =
            Fields.list(body["ids"], "ids", errors: &errors) { value, index, itemErrors in
                Self.uuidItem(value, index, "ids", &itemErrors)
            } ?? []
        let cloudflareIDs: [String] =
            Fields.list(body["cloudflare_ids"], "cloudflare_ids", errors: &errors) { value, index, itemErrors in
                var single = FieldErrors()
                let text = Fields.string(value, "item", maxLength: .max, errors: &single)
                for (_, entry) in single.entries {
                    if case .messages(let messages) = entry {
                        for m in messages { itemErrors.add("cloudflare_ids", index: index, m) }
                    }
                }
                return text
            } ?? []
        let force = Fields.bool(body["force"], "force", errors: &errors) ?? false
        try errors.check()
        if ids.isEmpty, cloudflareIDs.isEmpty {
            throw FieldErrors.nonField("Provide at least one of 'ids' or 'cloudflare_ids'.")
        }

        // Two queries for the whole request, however long its lists (one lookup per item made a 1 MB body of
        // ids cost tens of thousands of queries).
        let byID = Dictionary(
            try await repository.images(ids: Array(Set(ids)), owner: caller.scope).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first })
        let byCloudflareID = Dictionary(
            try await repository.images(cloudflareIDs: Array(Set(cloudflareIDs)), owner: caller.scope)
                .map { ($0.cloudflareID, $0) },
            uniquingKeysWith: { first, _ in first })

        var processed = Set<UUID>()
        var writer = JSONWriter(capacity: 128 * (ids.count + cloudflareIDs.count))
        writer.beginObject()
        writer.key("results")
        writer.beginArray()
        let keys: [(ImageKey, String, String)] =
            ids.map { (.id($0), "id", ImageSerializer.uuid($0)) }
            + cloudflareIDs.map { (.cloudflareID($0), "cloudflare_id", $0) }
        var processedCloudflareIDs = Set<String>()
        for (key, field, raw) in keys {
            // An image already handled in this request (named twice, or by id and by Cloudflare id) is skipped.
            switch key {
            case .id(let id) where processed.contains(id): continue
            case .cloudflareID(let id) where processedCloudflareIDs.contains(id): continue
            default: break
            }
            let found: ImageRecord? =
                switch key {
                case .id(let id): byID[id]
                case .cloudflareID(let id): byCloudflareID[id]
                }
            guard let image = found, filter.matches(image) else {
                writer.beginObject()
                writer.key(field)
                writer.string(raw)
                writer.key("status")
                writer.string("not_found")
                writer.endObject()
                continue
            }
            guard processed.insert(image.id).inserted else { continue }
            processedCloudflareIDs.insert(image.cloudflareID)
            let usageCount = force ? 0 : try await repository.usageCount(imageID: image.id)
            if usageCount > 0 {
                Self.writeOutcome(image, "in_use", into: &writer) { detail in
                    detail.key("usage_count")
                    detail.int(usageCount)
                }
                continue
            }
            let failure = await deleteEverywhere(image, caller: caller)
            if let failure {
                Self.writeOutcome(image, "error", into: &writer) { detail in
                    detail.key("error")
                    detail.string(Self.errorMessage(failure))
                }
            } else {
                Self.writeOutcome(image, "deleted", into: &writer)
            }
        }
        writer.endArray()
        writer.endObject()
        return json(writer.bytes)
    }

    func bulkStatusCheck(_ request: Request, _ caller: Caller) async throws -> Response {
        let body = try body(request)
        let filter = try ImageFilter(request.query)
        var errors = FieldErrors()
        if body["image_ids"] == nil { errors.add("image_ids", Fields.required) }
        let ids: [UUID] =
            Fields.list(body["image_ids"], "image_ids", maxLength: Self.maxBulkStatusIDs, errors: &errors) {
                value, index, itemErrors in Self.uuidItem(value, index, "image_ids", &itemErrors)
            } ?? []
        try errors.check()

        let images = try await repository.images(ids: Array(Set(ids)), owner: caller.scope)
            .filter(filter.matches)
            .sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
        var writer = JSONWriter(capacity: 512 * max(1, images.count))
        writer.beginObject()
        writer.key("results")
        writer.beginArray()
        for image in images {
            do {
                try allowance.admit(caller)
                let updated = try await refreshStatus(image)
                serializer.writeStatus(updated, now: clock(), into: &writer)
            } catch let failure as ErrorResponse {
                writer.beginObject()
                writer.key("id")
                writer.string(ImageSerializer.uuid(image.id))
                writer.key("cloudflare_id")
                writer.string(image.cloudflareID)
                writer.key("error")
                writer.string(Self.errorMessage(failure))
                writer.endObject()
            }
        }
        writer.endArray()
        writer.endObject()
        return json(writer.bytes)
    }

    static func uuidItem(_ value: JSONValue, _ index: Int, _ field: String, _ errors: inout FieldErrors) -> UUID? {
        if case .null = value {
            errors.add(field, index: index, Fields.notNull)
            return nil
        }
        guard let id = Fields.uuid(value) else {
            errors.add(field, index: index, "Must be a valid UUID.")
            return nil
        }
        return id
    }

    /// The `error` (or `detail`) text of an error response, for per-item results.
    static func errorMessage(_ failure: ErrorResponse) -> String {
        if case .object(let members)? = try? JSONValue.parse(failure.body),
            let message = members["error"]?.stringValue ?? members["detail"]?.stringValue
        {
            return message
        }
        return failure.description
    }

    /// One bulk result: the image's ids, its `status`, then whatever `detail` adds.
    private static func writeOutcome(
        _ image: ImageRecord, _ status: String, into writer: inout JSONWriter,
        detail: (inout JSONWriter) -> Void = { _ in }
    ) {
        writer.beginObject()
        writer.key("id")
        writer.string(ImageSerializer.uuid(image.id))
        writer.key("cloudflare_id")
        writer.string(image.cloudflareID)
        writer.key("status")
        writer.string(status)
        detail(&writer)
        writer.endObject()
    }
}
