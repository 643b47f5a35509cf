import Configuration
import Crypto
import Foundation
import HTTPServer
import ImageStore
import JSON
import Logging

/// `api/event-endpoints/` (administrators): where the host app receives signed events, and
/// `api/events/` (administrators): the recent events with their delivery state, and redelivery.
extension APIContext {
    static let endpointNotFound = ErrorResponse.detail(.notFound, "No event endpoint matches the given query.")
    static let eventNotFound = ErrorResponse.detail(.notFound, "No event matches the given query.")
    static let eventsUnavailable = ErrorResponse.detail(
        .serviceUnavailable, "Events are not available with this storage backend.")

    func requireEventStore() throws -> any EventStore {
        guard let eventStore else { throw Self.eventsUnavailable }
        return eventStore
    }

    static func newEndpointSecret() throws -> String { "whsec_" + (try SecureRandom.hexString(byteCount: 24)) }

    func createEventEndpoint(_ request: Request, _ caller: Caller) async throws -> Response {
        let store = try requireEventStore()
        let body = try body(request)
        var errors = FieldErrors()
        let url = eventURL(body["url"], required: true, errors: &errors)
        let events = Self.eventTypes(body["events"], errors: &errors)
        let description = Fields.string(
            body["description"], "description", maxLength: 1_000, allowBlank: true, errors: &errors)
        try errors.check()
        let now = clock()
        let endpoint = try await EventEndpointRegistrar.create(
            in: store, settings: settings, url: url ?? "", events: (events ?? []).map(\.rawValue),
            description: description ?? "", now: now)
        logger.info("Event endpoint created", metadata: ["endpoint": "\(endpoint.id)", "user": "\(caller.userName)"])
        return json(Self.endpointJSON(endpoint, showingSecret: true, now: now), status: .created)
    }

    func listEventEndpoints(_ request: Request, _ caller: Caller) async throws -> Response {
        let endpoints = try await requireEventStore().eventEndpoints()
        let now = clock()
        var writer = JSONWriter(capacity: 256 * (endpoints.count + 1))
        writer.beginObject()
        writer.key("count")
        writer.int(endpoints.count)
        writer.key("results")
        writer.beginArray()
        for endpoint in endpoints { writer.raw(Self.endpointJSON(endpoint, showingSecret: false, now: now)) }
        writer.endArray()
        writer.endObject()
        return json(writer.bytes)
    }

    func retrieveEventEndpoint(_ request: Request, _ caller: Caller) async throws -> Response {
        let id = request.pathParameters["endpoint"] ?? ""
        guard let endpoint = try await requireEventStore().eventEndpoint(id: id) else { throw Self.endpointNotFound }
        return json(Self.endpointJSON(endpoint, showingSecret: false, now: clock()))
    }

    func updateEventEndpoint(_ request: Request, _ caller: Caller) async throws -> Response {
        let store = try requireEventStore()
        let id = request.pathParameters["endpoint"] ?? ""
        let body = try body(request)
        var errors = FieldErrors()
        let url = eventURL(body["url"], required: false, errors: &errors)
        let events = Self.eventTypes(body["events"], errors: &errors)
        let description = Fields.string(
            body["description"], "description", maxLength: 1_000, allowBlank: true, errors: &errors)
        let enabled = Fields.bool(body["enabled"], "enabled", errors: &errors)
        try errors.check()
        guard
            let endpoint = try await store.updateEventEndpoint(
                id: id, url: url, events: events, description: description, enabled: enabled, at: clock())
        else { throw Self.endpointNotFound }
        return json(Self.endpointJSON(endpoint, showingSecret: false, now: clock()))
    }

    func deleteEventEndpoint(_ request: Request, _ caller: Caller) async throws -> Response {
        let id = request.pathParameters["endpoint"] ?? ""
        guard try await requireEventStore().deleteEventEndpoint(id: id) else { throw Self.endpointNotFound }
        return Response.empty(.noContent)
    }

    /// A new secret, shown once; the old one keeps signing beside it for `CFIMAGES_EVENTS_SECRET_GRACE_HOURS`.
    func rotateEventEndpointSecret(_ request: Request, _ caller: Caller) async throws -> Response {
        let id = request.pathParameters["endpoint"] ?? ""
        let now = clock()
        let grace = TimeInterval(settings.eventsSecretGraceHours) * 3_600
        guard
            let endpoint = try await requireEventStore().rotateEventEndpointSecret(
                id: id, newSecret: try Self.newEndpointSecret(), previousValidUntil: now.addingTimeInterval(grace),
                at: now)
        else { throw Self.endpointNotFound }
        logger.info(
            "Event endpoint secret rotated", metadata: ["endpoint": "\(endpoint.id)", "user": "\(caller.userName)"])
        return json(Self.endpointJSON(endpoint, showingSecret: true, now: now))
    }

    /// `GET api/events/?limit=`: the newest events first (at most 500, default 50) with their deliveries.
    func listEvents(_ request: Request, _ caller: Caller) async throws -> Response {
        var limit = 50
        if let raw = request.query["limit"] {
            guard raw.utf8.count <= 3, let parsed = Int(raw), (1...500).contains(parsed) else {
                throw FieldErrors.field("limit", "Must be a whole number from 1 to 500.")
            }
            limit = parsed
        }
        let events = try await requireEventStore().recentEvents(limit: limit)
        var writer = JSONWriter(capacity: 512 * (events.count + 1))
        writer.beginObject()
        writer.key("count")
        writer.int(events.count)
        writer.key("results")
        writer.beginArray()
        for event in events { Self.writeEvent(event, into: &writer) }
        writer.endArray()
        writer.endObject()
        return json(writer.bytes)
    }

    /// `POST api/events/{id}/redeliver/`: 202, the event pending again for every enabled endpoint that takes it.
    func redeliverEvent(_ request: Request, _ caller: Caller) async throws -> Response {
        let store = try requireEventStore()
        let id = request.pathParameters["event"] ?? ""
        guard try await store.redeliverEvent(id: id, at: clock()), let event = try await store.event(id: id) else {
            throw Self.eventNotFound
        }
        var writer = JSONWriter(capacity: 512)
        Self.writeEvent(event, into: &writer)
        return json(writer.bytes, status: .accepted)
    }

    // MARK: Fields and JSON

    private func eventURL(_ value: JSONValue?, required: Bool, errors: inout FieldErrors) -> String? {
        guard let value else {
            if required { errors.add("url", "This field is required.") }
            return nil
        }
        guard let url = Fields.string(value, "url", maxLength: EventURLPolicy.maxLength, errors: &errors) else {
            return nil
        }
        if let refusal = EventURLPolicy(allowPrivate: settings.eventsAllowPrivateURLs).refusal(url) {
            errors.add("url", refusal)
            return nil
        }
        return url
    }

    static func eventTypes(_ value: JSONValue?, errors: inout FieldErrors) -> [ImageEventType]? {
        guard let value else { return nil }
        guard case .array(let items) = value, items.count <= ImageEventType.allCases.count * 2 else {
            errors.add("events", "Expected a list of event types.")
            return nil
        }
        var types: [ImageEventType] = []
        for (index, item) in items.enumerated() {
            guard let name = item.stringValue, let type = ImageEventType(rawValue: name) else {
                let known = ImageEventType.allCases.map(\.rawValue).joined(separator: ", ")
                errors.add("events", index: index, "Not an event type; one of: \(known).")
                continue
            }
            if !types.contains(type) { types.append(type) }
        }
        return types
    }

    static func endpointJSON(_ endpoint: EventEndpoint, showingSecret: Bool, now: Date) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("id")
        writer.string(endpoint.id)
        writer.key("url")
        writer.string(endpoint.url)
        writer.key("description")
        writer.string(endpoint.description)
        writer.key("events")
        writer.beginArray()
        for type in endpoint.events.isEmpty ? ImageEventType.allCases : endpoint.events { writer.string(type.rawValue) }
        writer.endArray()
        writer.key("enabled")
        writer.bool(endpoint.enabled)
        writer.key("disabled_reason")
        writer.string(endpoint.disabledReason)
        writer.key("failing_since")
        writer.string(endpoint.failingSince.map(Timestamp.format))
        writer.key("previous_secret_expires_at")
        writer.string(endpoint.previousSecretExpiresAt.flatMap { $0 > now ? Timestamp.format($0) : nil })
        writer.key("created_at")
        writer.string(Timestamp.format(endpoint.createdAt))
        writer.key("updated_at")
        writer.string(Timestamp.format(endpoint.updatedAt))
        if showingSecret {
            writer.key("secret")
            writer.string(endpoint.secret)
        }
        writer.endObject()
        return writer.bytes
    }

    static func writeEvent(_ item: EventWithDeliveries, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.string(item.event.id)
        writer.key("type")
        writer.string(item.event.type.rawValue)
        writer.key("created_at")
        writer.string(Timestamp.format(item.event.createdAt))
        writer.key("image_id")
        writer.string(item.event.image.id.lowercasedText)
        writer.key("deliveries")
        writer.beginArray()
        for delivery in item.deliveries {
            writer.beginObject()
            writer.key("endpoint")
            writer.string(delivery.endpointID)
            writer.key("state")
            writer.string(delivery.state.rawValue)
            writer.key("attempts")
            writer.int(delivery.attempts)
            writer.key("next_attempt_at")
            writer.string(delivery.state == .pending ? Timestamp.format(delivery.nextAttemptAt) : nil)
            writer.key("delivered_at")
            writer.string(delivery.deliveredAt.map(Timestamp.format))
            writer.key("last_status")
            writer.int(delivery.lastStatus)
            writer.key("last_error")
            writer.string(delivery.lastError)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}
