import Foundation
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import TestSupport
import Testing

/// `GET api/images/{id}/` with `Accept: text/event-stream`: the image at once, again when it reaches `until`, then
/// `done`; `deleted` when it goes; the usual 400 and 404 before any stream starts.
@Suite struct ImageEventStreamTests {
    struct Event: Equatable {
        var name: String
        var data: String
    }

    /// The events of an SSE body (comment lines, the heartbeats, are dropped).
    static func events(_ body: String) -> [Event] {
        body.components(separatedBy: "\n\n").compactMap { block in
            var name = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            return data.isEmpty ? nil : Event(name: name, data: data.joined(separator: "\n"))
        }
    }

    static func status(_ event: Event) -> String? {
        (try? JSONValue.parse(Array(event.data.utf8)))?.objectValue?.string("status")
    }

    static func streamRequest(
        _ service: EmulatorService, _ path: String, accept: String = "text/event-stream"
    ) -> [UInt8] {
        RawClient.request(
            Array("GET /cloudflare-images/\(path) HTTP/1.1".utf8),
            headers: [Array("Authorization: Token \(service.token)".utf8), Array("Accept: \(accept)".utf8)])
    }

    /// A raw exchange that allows a loaded machine's late wake-ups: between two events of a stream may pass more
    /// than the client's usual 5 s when the test run keeps every core busy.
    static func exchange(port: Int, _ request: [UInt8]) async throws -> RawClient.Reply {
        try await RawClient.exchange(port: port, request, timeout: 30)
    }

    @Test func theImageThenItsUploadThenDone() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let uploadURL = try #require(try await service.get("api/images/\(id)/").object?.string("upload_url"))
            let port = service.fixture.server.localPort
            let request = Self.streamRequest(service, "api/images/\(id)/?wait=30&until=uploaded")
            let reply = Task { try await Self.exchange(port: port, request) }
            #expect(await eventually(timeout: .seconds(10)) { service.api.waitingRequests == 1 })
            try await EmulatorService.uploadFile(to: uploadURL)
            let answer = try await reply.value
            #expect(answer.status == 200)
            #expect(answer.head.contains("Content-Type: text/event-stream"))
            #expect(answer.head.contains("Cache-Control: private, no-cache"))
            #expect(!answer.head.contains("ETag"))
            let events = Self.events(answer.bodyText)
            #expect(events.map(\.name) == ["image", "image", "done"])
            #expect(events.map(Self.status) == ["pending", "uploaded", nil])
            #expect(events.last?.data == #"{"reached":true}"#)
            #expect(service.api.waitingRequests == 0)
        }
    }

    @Test func anImageAlreadyThereIsOneEventAndDone() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: false)
            let answer = try await Self.exchange(
                port: service.fixture.server.localPort,
                Self.streamRequest(
                    service, "api/images/\(id)/?until=uploaded", accept: "application/json, text/event-stream;q=0.9"))
            let events = Self.events(answer.bodyText)
            #expect(events.map(\.name) == ["image", "done"])
            #expect(Self.status(events[0]) == "uploaded")
            // The image event is the image exactly as the JSON answer shows it.
            let plain = try await service.get("api/images/\(id)/")
            #expect(try JSONValue.parse(Array(events[0].data.utf8)) == plain.json)
        }
    }

    @Test func aWaitThatRunsOutIsDoneNotReached() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let answer = try await Self.exchange(
                port: service.fixture.server.localPort, Self.streamRequest(service, "api/images/\(id)/?wait=1"))
            let events = Self.events(answer.bodyText)
            #expect(events.map(\.name) == ["image", "done"])
            #expect(events.last?.data == #"{"reached":false}"#)
        }
    }

    /// `wait` through the stream: 0 waits not at all (as without it); -1, Int.min, Int.max and beyond are a 400.
    @Test func waitBoundaries() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let port = service.fixture.server.localPort
            let none = try await Self.exchange(port: port, Self.streamRequest(service, "api/images/\(id)/?wait=0"))
            #expect(Self.events(none.bodyText).map(\.name) == ["image", "done"])
            #expect(Self.events(none.bodyText).last?.data == #"{"reached":false}"#)
            for bad in ["-1", "\(Int.min)", "\(Int.max)", "99999999999999999999999"] {
                let answer = try await Self.exchange(
                    port: port, Self.streamRequest(service, "api/images/\(id)/?wait=\(bad)"))
                #expect(answer.status == 400, "wait=\(bad)")
            }
        }
    }

    @Test func deletingTheImageEndsTheStreamWithDeleted() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let port = service.fixture.server.localPort
            let request = Self.streamRequest(service, "api/images/\(id)/?wait=30")
            let reply = Task { try await Self.exchange(port: port, request) }
            #expect(await eventually(timeout: .seconds(10)) { service.api.waitingRequests == 1 })
            _ = try await service.repository.delete(.id(try #require(UUID(uuidString: id))), owner: nil)
            let events = Self.events(try await reply.value.bodyText)
            #expect(events.map(\.name) == ["image", "deleted"])
            #expect(events.last?.data == #"{"id":"\#(id)"}"#)
        }
    }

    @Test func badValuesAndUnknownImagesAnswerAsWithoutTheStream() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let port = service.fixture.server.localPort
            let bad = try await Self.exchange(port: port, Self.streamRequest(service, "api/images/\(id)/?wait=61"))
            #expect(bad.status == 400)
            #expect(bad.head.contains("Content-Type: application/json"))
            let unknown = try await Self.exchange(
                port: port, Self.streamRequest(service, "api/images/\(UUID().uuidString.lowercased())/?wait=5"))
            #expect(unknown.status == 404)
            let anonymous = try await Self.exchange(
                port: port,
                RawClient.request(
                    Array("GET /cloudflare-images/api/images/\(id)/ HTTP/1.1".utf8),
                    headers: [Array("Accept: text/event-stream".utf8)]))
            #expect(anonymous.status == 401)
        }
    }

    /// The stream's wait is withdrawn when its client leaves: well before the 60 s asked, or the 15 s heartbeat.
    @Test func aClientThatLeavesFreesItsWaiterAtOnce() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let port = service.fixture.server.localPort
            let request = Self.streamRequest(service, "api/images/\(id)/?wait=60")
            try await blocking {
                let client = try TestClient(port: port)
                client.send(request)
                _ = client.read(until: "event: image")
                #expect(waitUntil(10) { service.api.waitingRequests == 1 })
            }
            #expect(await eventually(timeout: .seconds(10)) { service.api.waitingRequests == 0 })
            #expect(try await service.get("api/images/\(id)/").status == 200)
        }
    }
}
