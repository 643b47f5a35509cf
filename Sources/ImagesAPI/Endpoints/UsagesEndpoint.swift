import Foundation
import HTTPServer
import ImageStore
import JSON

/// `api/usages/`: the usage registry as the reference's read-only `ImageUsageViewSet` serves it (list with
/// `content_type`, `field_name`, `unregistered`, `search` and `ordering`, and `object_id`, which the reference
/// lacks, for the usages of one object; detail), plus the writes a standalone
/// service needs because its clients are not Django models (see `UsagesEndpoint+Writes.swift`).
///
/// Administrators see every usage, unregistered ones included; other users see the usages of their own images.
extension APIContext {
    static let usageNotFound = ErrorResponse.detail(.notFound, "No ImageUsage matches the given query.")

    func listUsages(_ request: Request, _ caller: Caller) async throws -> Response {
        let pagination = try Pagination(request.query)
        var query = try Self.usageQuery(request.query, caller)
        let offset: Int
        if let known = pagination.offset {
            offset = known
        } else {
            query.limit = 0
            offset = (try pagination.resolvedPage(count: try await usages(query).count) - 1) * pagination.limit
        }
        query.limit = pagination.limit
        query.offset = offset
        let result = try await usages(query)
        let page = try pagination.resolvedPage(count: result.count)
        let links = pagination.links(request, count: result.count, page: page)
        let writer = Self.page(count: result.count, links: links, capacity: 256 * max(1, result.items.count)) {
            writer in
            for usage in result.items { UsageSerializer.write(usage, into: &writer) }
        }
        return json(writer.bytes)
    }

    func retrieveUsage(_ request: Request, _ caller: Caller) async throws -> Response {
        let usage = try await usage(request, caller)
        var writer = JSONWriter(capacity: 512)
        UsageSerializer.write(usage, into: &writer)
        return json(writer.bytes)
    }

    /// `GET api/images/{id}/usages/`: every usage of one image, unpaginated, as the reference answers it.
    func imageUsages(_ request: Request, _ caller: Caller) async throws -> Response {
        let image = try await image(request, caller)
        let found = try await usages(UsageQuery(imageID: image.id, limit: nil))
        return json(UsageSerializer.list(found.items))
    }

    /// The usage named by the `:usage` path parameter, in the caller's scope; 404 otherwise.
    func usage(_ request: Request, _ caller: Caller) async throws -> ImageUsage {
        guard let text = request.pathParameters["usage"], let id = Int64(text), id > 0 else { throw Self.usageNotFound }
        guard let usage = try await usages(UsageQuery(owner: caller.scope, usageID: id, limit: 1)).items.first else {
            throw Self.usageNotFound
        }
        return usage
    }

    /// The list's query parameters: `content_type` applies only in `app_label.model` form (as the reference),
    /// `unregistered` is a flag (`1`, `true`, `yes`, `on`), `ordering` one of `created_at`, `updated_at` with an
    /// optional `-` (default `-updated_at`).
    static func usageQuery(_ parameters: QueryParameters, _ caller: Caller) throws(ErrorResponse) -> UsageQuery {
        var query = UsageQuery(owner: caller.scope)
        if let contentType = parameters["content_type"], contentType.contains(".") { query.contentType = contentType }
        if let objectID = parameters["object_id"], !objectID.isEmpty { query.objectID = objectID }
        if let fieldName = parameters["field_name"], !fieldName.isEmpty { query.fieldName = fieldName }
        query.unregisteredOnly = Fields.truthy(parameters["unregistered"])
        if let search = parameters["search"], !search.isEmpty {
            guard !search.utf8.contains(0) else {
                throw FieldErrors.field("search", "Null characters are not allowed.")
            }
            guard search.count <= ImageFilter.maxSearchLength else {
                throw FieldErrors.field(
                    "search", "Ensure this value has no more than \(ImageFilter.maxSearchLength) characters.")
            }
            let terms = search.split { $0.isWhitespace || $0 == "," }
            guard terms.count <= ImageFilter.maxSearchTerms else {
                throw FieldErrors.field(
                    "search", "Ensure there are no more than \(ImageFilter.maxSearchTerms) search terms.")
            }
            query.search = terms.joined(separator: " ")
        }
        if let raw = parameters["ordering"], !raw.isEmpty {
            let first = raw.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let descending = first.hasPrefix("-")
            guard let ordering = UsageQuery.Ordering(rawValue: descending ? String(first.dropFirst()) : first) else {
                throw FieldErrors.field("ordering", "\"\(first)\" is not a valid choice.")
            }
            query.ordering = ordering
            query.descending = descending
        }
        return query
    }

    /// Runs a usage query; a query the store refuses is a 400.
    func usages(_ query: UsageQuery) async throws -> UsagePage {
        do {
            return try await repository.usages(query)
        } catch ImageStoreError.invalidQuery(let reason) {
            throw ErrorResponse.detail(.badRequest, "Invalid query: \(reason)")
        }
    }
}
