import ArgumentParser
import Foundation
import ImageStore
import ImagesAPI

/// `cfimages events endpoint add|list|remove`: the endpoints of `api/event-endpoints/`, for operators.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Manage the endpoints that receive signed event deliveries.",
        subcommands: [Endpoint.self]
    )

    struct Endpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "endpoint", abstract: "Add, list and remove event endpoints.",
            subcommands: [Add.self, List.self, Remove.self])
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an endpoint; its signing secret is printed once, alone on the last line.")

        @Argument(help: "The URL deliveries are POSTed to.")
        var url: String

        @Option(help: "Comma-separated event types (default: all), e.g. image.uploaded,image.failed.")
        var events = ""

        @Option(help: "A note to recognise the endpoint by.")
        var description = ""

        func run() async throws {
            let context = try await ServiceContext.open()
            defer { context.store.close() }
            let types = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            let endpoint: EventEndpoint
            do {
                endpoint = try await EventEndpointRegistrar.create(
                    in: context.store.events, settings: context.settings, url: url, events: types,
                    description: description)
            } catch let refusal as EventEndpointRegistrar.Refusal {
                throw CommandFailure("\(refusal)")
            }
            print("Added event endpoint \(endpoint.id) for \(endpoint.url).")
            print("Keep the signing secret below: it is shown only now.")
            print(endpoint.secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List endpoints (never their secrets).")

        func run() async throws {
            let context = try await ServiceContext.open()
            defer { context.store.close() }
            let endpoints = try await context.store.events.eventEndpoints()
            let backlog = try await context.store.events.deliveryBacklog()
            if endpoints.isEmpty { print("No event endpoints.") }
            for endpoint in endpoints {
                let state =
                    endpoint.enabled ? "enabled" : "disabled" + (endpoint.disabledReason.map { " (\($0))" } ?? "")
                let types =
                    endpoint.events.isEmpty ? "all events" : endpoint.events.map(\.rawValue).joined(separator: ",")
                print(
                    [
                        endpoint.id, endpoint.url, state, types, "\(backlog[endpoint.id] ?? 0) pending",
                        endpoint.description,
                    ].joined(separator: "\t"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint and its pending deliveries.")

        @Argument(help: "The endpoint id (from `events endpoint list`).")
        var id: String

        func run() async throws {
            let context = try await ServiceContext.open()
            defer { context.store.close() }
            guard try await context.store.events.deleteEventEndpoint(id: id) else {
                throw CommandFailure("No event endpoint with id \(id).")
            }
            print("Removed event endpoint \(id).")
        }
    }
}
