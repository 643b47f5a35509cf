import Configuration
import Crypto
import Foundation
import ImageStore

/// Creates event endpoints with the API's rules (URL policy, known types, a new secret), for `cfimages events`.
public enum EventEndpointRegistrar {
    /// Why a registration was refused: the field and the message the API would answer with.
    public struct Refusal: Error, CustomStringConvertible {
        public let field: String
        public let message: String
        public var description: String { "\(field): \(message)" }
    }

    /// Stores a new endpoint taking `events` (every type when empty); its `secret` is shown once.
    public static func create(
        in store: any EventStore, settings: Settings, url: String, events: [String], description: String,
        now: Date = Date()
    ) async throws -> EventEndpoint {
        if let refusal = EventURLPolicy(allowPrivate: settings.eventsAllowPrivateURLs).refusal(url) {
            throw Refusal(field: "url", message: refusal)
        }
        var types: [ImageEventType] = []
        for name in events {
            guard let type = ImageEventType(rawValue: name) else {
                throw Refusal(
                    field: "events",
                    message: "\(name) is not an event type; one of: "
                        + ImageEventType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if !types.contains(type) { types.append(type) }
        }
        return try await store.createEventEndpoint(
            EventEndpoint(
                id: "ep_" + (try SecureRandom.hexString(byteCount: 12)), url: url, description: description,
                events: types,
                secret: "whsec_" + (try SecureRandom.hexString(byteCount: 24)), createdAt: now, updatedAt: now))
    }
}
