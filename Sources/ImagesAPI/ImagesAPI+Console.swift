import Configuration
import Foundation
import HTTPServer
import ImageStore
import JSON

/// The façade the web console uses: every page asks the API itself, in-process, so listing, filters, deletion with
/// its in-use protection, status checks, upload URLs, stats and readiness mean exactly what the REST API means.
extension ImagesAPI {
    /// Answers `request` (a path under the prefix, or `/readyz`, `/metrics`) as the API would for a request carrying
    /// `identity`'s token: same routes, same rules, same errors.
    public func respond(to request: Request, as identity: AuthenticatedUser) async -> Response {
        let caller = Caller(userName: identity.userName, isAdmin: identity.isAdmin)
        let direct = Responder(unhandledError: service.unhandledError, handler: service.handler)
        return await Authenticator.$delegated.withValue(caller) {
            await direct.respond(to: request, logger: context.logger)
        }
    }

    /// Where a console list page starts: the first page, the images after one (next), or those before one
    /// (previous).
    public enum ListPosition: Sendable {
        case first
        case after(UUID)
        case before(UUID)
    }

    /// One page of `GET api/images/` for the console: the same filters and ordering (`parameters` as the list
    /// takes them, without paging), the same image JSON in the same page body, but by keyset from `position`
    /// (a page reads only its own rows however deep) and not counted (a count of every match would scan them all):
    /// `count` is null, `next` the id to continue after (null on the last page), `previous` the id to go back before
    /// (null on the first).
    public func listPage(
        _ parameters: QueryParameters, limit: Int, from position: ListPosition, as identity: AuthenticatedUser
    ) async -> Response {
        let caller = Caller(userName: identity.userName, isAdmin: identity.isAdmin)
        do {
            var query = try ImageFilter(parameters).query(
                owner: caller.scope, limit: max(1, min(limit, 100)), offset: 0)
            query.countTotal = false
            switch position {
            case .first: break
            case .after(let id): query.after = id
            case .before(let id):
                // Backwards: the rows before it are the rows after it in the reversed ordering, read and turned round.
                query.after = id
                query.ordering = ImageOrdering(query.ordering.field, descending: !query.ordering.descending)
            }
            let page = try await context.list(query)
            var items = page.items
            let links: (next: String?, previous: String?)
            switch position {
            case .first: links = (page.hasMore ? items.last?.id.lowercasedText : nil, nil)
            case .after: links = (page.hasMore ? items.last?.id.lowercasedText : nil, items.first?.id.lowercasedText)
            case .before:
                items.reverse()
                links = (items.last?.id.lowercasedText, page.hasMore ? items.first?.id.lowercasedText : nil)
            }
            let now = context.clock()
            let writer = APIContext.page(count: nil, links: links, capacity: 1024 * max(1, items.count)) { writer in
                for image in items { context.serializer.write(image, now: now, into: &writer) }
            }
            return Response.json(.ok, bytes: writer.bytes)
        } catch let error as any HTTPResponseError {
            return error.response
        } catch {
            context.metrics.recordIfDatabaseError(error)
            return
                (APIContext.storeUnavailable(error)
                ?? ErrorResponse.detail(.internalServerError, "Internal server error.")).response
        }
    }

    /// The identity behind an API key, or nil for an unknown or revoked one (sign-in).
    public func identity(forKey key: String) async throws -> AuthenticatedUser? {
        try await context.repository.authenticate(key: key)
    }

    /// Every token (admins' token page), newest first.
    public func tokens() async throws -> [APIToken] { try await context.repository.tokens(userName: nil) }

    /// A new token; its key is in the result only.
    public func createToken(userName: String, isAdmin: Bool, label: String) async throws -> IssuedToken {
        try await context.repository.createToken(userName: userName, isAdmin: isAdmin, label: label)
    }

    /// Revokes a token (effective at once in this process) and reports whether one was revoked.
    public func revokeToken(id: UUID) async throws -> Bool {
        let revoked = try await context.repository.revokeToken(id: id, userName: nil)
        invalidateTokenCache()
        return revoked
    }

    /// Marks the caller's pending or draft images expired now (the gallery's bulk action), each decided with
    /// Cloudflare as the expiry sweep does; ids outside the caller's scope are `nil` in the answer.
    public func markExpired(
        ids: [UUID], as identity: AuthenticatedUser
    ) async throws -> [UUID: CleanupService.MarkOutcome] {
        let caller = Caller(userName: identity.userName, isAdmin: identity.isAdmin)
        let images = try await context.repository.images(ids: ids, owner: caller.scope)
        try context.allowance.admit(caller, calls: images.count)
        return try await context.cleanup.markExpired(images, by: identity.userName)
    }

    /// The settings the API runs with (upload limits, prefix, delivery), for pages that show or check them.
    public var settings: Configuration.Settings { context.settings }
}
