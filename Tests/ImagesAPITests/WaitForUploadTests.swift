import Configuration
import Foundation
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import SQLite
import TestSupport
import Testing

/// `GET api/images/{id}/?wait=&until=`: held until the change, woken by this process's write or another's.
@Suite struct WaitForUploadTests {
    @Test func aWaitingRequestAnswersOnceTheEmulatorsWebhookMarksTheImageUploaded() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let uploadURL = try #require(try await service.get("api/images/\(id)/").object?.string("upload_url"))
            let answered = LockedBox(false)
            let waiting = Task {
                defer { answered.update { $0 = true } }
                return try await service.get("api/images/\(id)/?wait=30&until=uploaded")
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(!answered.current)
            #expect(service.api.waitingRequests == 1)
            try await EmulatorService.uploadFile(to: uploadURL)
            let response = try await waiting.value
            #expect(response.status == 200)
            #expect(response.object?.string("status") == "uploaded")
            #expect(service.api.waitingRequests == 0)
            // The held answer is validated as any other: its tag is the current representation's.
            let tag = try #require(response.header("ETag"))
            #expect(response.header("Cache-Control") == "private, no-cache")
            #expect(try await service.get("api/images/\(id)/").header("ETag") == tag)
        }
    }

    @Test func aWaitThatRunsOutAnswersTheCurrentState() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let response = try await service.get("api/images/\(id)/?wait=1&until=final")
            #expect(response.status == 200)
            #expect(response.object?.string("status") == "pending")
            #expect(response.header("ETag") != nil)
        }
    }

    /// `CFIMAGES_WAIT_MAX_SECONDS` caps what `wait` asks: a 60-second wait under a 1-second cap answers the current
    /// state within the test client's receive timeout (a wait held 60 s would fail the request).
    @Test func theServersCapShortensALongerWait() async throws {
        try await withEmulatorService(configure: { $0.waitMaxSeconds = 1 }) { service in
            let id = try await service.createPending(signed: false)
            let response = try await service.get("api/images/\(id)/?wait=60&until=uploaded")
            #expect(response.status == 200)
            #expect(response.object?.string("status") == "pending")
        }
    }

    /// A client that closes its connection during a 60-second wait is not waited for: its registration goes at
    /// once and the request stops counting as in flight.
    @Test func aClientThatLeavesWithdrawsItsWait() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let port = service.fixture.server.localPort
            let server = service.fixture.server
            try await blocking {
                let client = try TestClient(port: port, timeout: 20)
                client.send(
                    RawClient.request(
                        Array("GET /cloudflare-images/api/images/\(id)/?wait=60&until=uploaded HTTP/1.1".utf8),
                        headers: [Array("Authorization: Token \(service.token)".utf8)]))
                #expect(waitUntil(10) { service.api.waitingRequests == 1 && server.stats.inFlightRequests == 1 })
                Glibc.shutdown(client.fd, Int32(SHUT_RDWR))
            }
            #expect(await eventually(timeout: .seconds(10)) { service.api.waitingRequests == 0 })
            #expect(await eventually(timeout: .seconds(10)) { server.stats.inFlightRequests == 0 })
            #expect(try await service.get("api/images/\(id)/").status == 200)
        }
    }

    @Test func anImageAlreadyThereAnswersAtOnce() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: false)
            let response = try await service.get("api/images/\(id)/?wait=60&until=uploaded")
            #expect(response.object?.string("status") == "uploaded")
        }
    }

    /// A plain wait is registered before the image is read, and the registration check answers one that can never
    /// end well as a lookup would: 404, at once (a 60-second wait held would outlast the client's 10 s timeout).
    @Test(arguments: ["an unknown id", "another user's image", "an image the filter leaves out"])
    func aWaitForAnImageTheCallerCannotSeeAnswers404AtOnce(_ target: String) async throws {
        try await withEmulatorService { service in
            var id = try await service.createPending(signed: false)
            var query = "wait=60&until=uploaded"
            var token = service.token
            switch target {
            case "an unknown id": id = UUID().uuidString.lowercased()
            case "another user's image": token = try await service.fixture.token("bob", label: "b")
            default: query += "&status=uploaded"
            }
            let response = try await sendRequest(
                "GET", service.origin + "/cloudflare-images/api/images/\(id)/?\(query)", token: token,
                timeout: .seconds(10))
            #expect(response.status == 404)
            #expect(response.object?.string("detail") == "No CloudflareImage matches the given query.")
            #expect(service.api.waitingRequests == 0)
        }
    }

    @Test(arguments: ["wait=61", "wait=-1", "wait=abc", "wait=1.5", "wait=100000000000000000000", "until=bogus&wait=5"])
    func badValuesAnswer400(_ query: String) async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let response = try await service.get("api/images/\(id)/?\(query)")
            #expect(response.status == 400)
            let field = query.hasPrefix("until") ? "until" : "wait"
            #expect(response.object?.messages(field)?.isEmpty == false)
        }
    }

    /// A second connection to the same database stands for another process (another instance, on PostgreSQL): its
    /// commit reaches no change feed of the server's repository, only the generation poll.
    @Test func aChangeByAnotherConnectionOnTheSameDatabaseWakesTheWaiter() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let otherRepository = try service.fixture.otherProcessRepository()
            let waiting = Task { try await service.get("api/images/\(id)/?wait=30") }
            try await Task.sleep(for: .milliseconds(300))
            let uuid = try #require(UUID(uuidString: id))
            _ = try await otherRepository.transition(
                .id(uuid), owner: nil, to: .failed, log: LogEvent("test", message: "failed elsewhere"))
            let response = try await waiting.value
            #expect(response.object?.string("status") == "failed")
        }
    }

    @Test func deletingTheImageAnswers404() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            let waiting = Task { try await service.get("api/images/\(id)/?wait=30") }
            try await Task.sleep(for: .milliseconds(300))
            _ = try await service.repository.delete(.id(try #require(UUID(uuidString: id))), owner: nil)
            #expect(try await waiting.value.status == 404)
        }
    }
}
