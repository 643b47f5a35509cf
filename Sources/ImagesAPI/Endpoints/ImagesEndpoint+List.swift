import Foundation
import HTTPFields
import HTTPServer
import ImageStore
import JSON

/// `GET api/images/`: the caller's images (every image for administrators), filtered and paginated.
extension APIContext {
    func listImages(_ request: Request, _ caller: Caller) async throws -> Response {
        try await listImages(request, caller, orphansOnly: false)
    }

    /// `GET api/images/orphans/`: the list, with every filter, of the images no usage points at.
    func listOrphans(_ request: Request, _ caller: Caller) async throws -> Response {
        try await listImages(request, caller, orphansOnly: true)
    }

    private func listImages(_ request: Request, _ caller: Caller, orphansOnly: Bool) async throws -> Response {
        var filter = try ImageFilter(request.query)
        if orphansOnly { filter.orphaned = true }
        let pagination = try Pagination(request.query)
        let cacheKey = Self.listCacheKey(request, caller)
        if listPages.contains(cacheKey) {
            let generation = try await repository.imagesGeneration()
            if let body = listPages.body(for: cacheKey, generation: generation, now: clock()) { return json(body) }
        }
        let limit = pagination.limit
        let offset: Int
        if let known = pagination.offset {
            offset = known
        } else {
            let counted = try await list(filter.query(owner: caller.scope, limit: 0, offset: 0))
            offset = (try pagination.resolvedPage(count: counted.count) - 1) * limit
        }
        let result = try await list(filter.query(owner: caller.scope, limit: limit, offset: offset))
        let page = try pagination.resolvedPage(count: result.count)
        let links = pagination.links(request, count: result.count, page: page)
        let now = clock()
        let writer = Self.page(count: result.count, links: links, capacity: 1024 * max(1, result.items.count)) {
            writer in
            for image in result.items { serializer.write(image, now: now, into: &writer) }
        }
        // `page=last` counts in one read and lists in another: its page number is not of one snapshot.
        if let generation = result.generation, pagination.offset != nil {
            // `is_expired` is the only field that changes with time alone.
            let validBefore = result.items.lazy.map(\.expiresAt).filter { $0 >= now }.min()
            listPages.store(.init(generation: generation, validBefore: validBefore, body: writer.bytes), for: cacheKey)
        }
        return json(writer.bytes)
    }

    /// DRF's page body: `{"count", "next", "previous", "results": [...]}`, the results written by `results`; a nil
    /// count (a page that was not counted) is null.
    static func page(
        count: Int?, links: (next: String?, previous: String?), capacity: Int, results: (inout JSONWriter) -> Void
    ) -> JSONWriter {
        var writer = JSONWriter(capacity: capacity + 128)
        writer.beginObject()
        writer.key("count")
        if let count { writer.int(count) } else { writer.null() }
        writer.key("next")
        writer.string(links.next)
        writer.key("previous")
        writer.string(links.previous)
        writer.key("results")
        writer.beginArray()
        results(&writer)
        writer.endArray()
        writer.endObject()
        return writer
    }

    /// Everything a list body depends on besides the images: the scope, the target (path and query) and the
    /// headers the pagination links use.
    static func listCacheKey(_ request: Request, _ caller: Caller) -> String {
        let scope = caller.scope.map { "u:" + $0 } ?? "admin"
        let proto = request.headers["X-Forwarded-Proto"] ?? ""
        let host = request.headers["Host"] ?? ""
        return [scope, proto, host, request.target].joined(separator: "\u{0}")
    }

    /// Runs a list query; a query the store refuses is a 400.
    func list(_ query: ImageQuery) async throws -> ImagePage {
        do {
            return try await repository.list(query)
        } catch ImageStoreError.invalidQuery(let reason) {
            throw ErrorResponse.detail(.badRequest, "Invalid query: \(reason)")
        }
    }
}
