import CloudflareEmulator
import CloudflareImages
import Foundation
import HTTPClient
import JSON
import Testing

/// Every call the API retries must be safe when Cloudflare applied the request but its answer was lost (the
/// emulator's "apply, then fail the response" fault): the retry must not fail on the first attempt's effect.
@Suite struct LostAnswerTests {
    static func configuration(_ base: String?) -> CloudflareClient.Configuration {
        .init(
            accountID: "emu-account", apiToken: FaultService.apiToken, baseURL: base ?? "", connectTimeout: .seconds(2),
            requestTimeout: .seconds(5), maxAttempts: 5, callDeadline: .seconds(20), retryBaseDelay: .milliseconds(5),
            retryMaxDelay: .milliseconds(20))
    }

    /// A client of the emulator for looking at "Cloudflare" directly.
    static func inspector(_ emulator: CloudflareEmulator) throws -> CloudflareClient {
        try CloudflareClient(configuration: configuration(emulator.apiBaseURL), httpClient: sharedHTTPClient)
    }

    static func upload(to url: String) async throws -> Int {
        var form = MultipartForm()
        form.append(
            "file", filename: "pic.gif", contentType: "image/gif", data: EmulatorFlowTests.gif(width: 4, height: 4))
        return try await sharedHTTPClient.send(HTTPClientRequest(method: "POST", url: url, body: .multipart(form)))
            .status
    }

    @Test(.timeLimit(.minutes(1)))
    func aLostUploadURLAnswerWithACustomIDStillCreatesTheUpload() async throws {
        try await withFaultService(emulated: true, client: Self.configuration) { service in
            let emulator = try #require(service.emulator)
            let cloudflare = try Self.inspector(emulator)
            emulator.loseNextAnswers(1)
            let (created, _) = try await service.send(
                "POST", "api/upload-url/",
                json: #"{"custom_id":"albums/lost-answer","metadata":{"k":"v"},"creator":"app"}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.object?.string("cloudflare_id") == "albums/lost-answer")
            let uploadURL = try #require(created.object?.string("upload_url"))
            #expect(try await cloudflare.image(id: "albums/lost-answer").draft)
            // The URL handed out is the live one: the draft behind the lost answer was replaced, not kept.
            #expect(try await Self.upload(to: uploadURL) == 200)
            #expect(try await cloudflare.image(id: "albums/lost-answer").draft == false)
            #expect(try await service.imageRowCount() == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anImageThatIsNotOurDraftStaysAndTheIDIsTaken() async throws {
        try await withFaultService(emulated: true, client: Self.configuration) { service in
            let emulator = try #require(service.emulator)
            let cloudflare = try Self.inspector(emulator)
            // Someone else's upload under the id, uploaded at Cloudflare and not tracked here.
            let other = try await cloudflare.createDirectUpload(
                DirectUploadOptions(id: "taken/id", metadata: ["owner": "other"]))
            #expect(try await Self.upload(to: other.uploadURL) == 200)
            emulator.loseNextAnswers(1)
            let (refused, _) = try await service.send("POST", "api/upload-url/", json: #"{"custom_id":"taken/id"}"#)
            #expect(refused.status == 400)
            #expect(refused.text == #"{"custom_id":["This custom ID is not available."]}"#)
            let image = try await cloudflare.image(id: "taken/id")
            #expect(image.draft == false && image.meta == ["owner": "other"])
            #expect(try await service.imageRowCount() == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func lostDeleteAndPatchAnswersAreRetriedSafely() async throws {
        try await withFaultService(emulated: true, client: Self.configuration) { service in
            let emulator = try #require(service.emulator)
            let cloudflare = try Self.inspector(emulator)
            let (created, _) = try await service.send("POST", "api/upload-url/", json: #"{"custom_id":"safe/retries"}"#)
            let id = try #require(created.object?.string("id"))
            let uploadURL = try #require(created.object?.string("upload_url"))
            #expect(try await Self.upload(to: uploadURL) == 200)
            #expect(try await service.send("POST", "api/images/\(id)/check_status/").0.status == 200)

            emulator.loseNextAnswers(1)
            let (patched, _) = try await service.send("PATCH", "api/images/\(id)/", json: #"{"metadata":{"v":2}}"#)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(try await cloudflare.image(id: "safe/retries").meta == ["v": 2])

            emulator.loseNextAnswers(1)
            let (checked, _) = try await service.send("POST", "api/images/\(id)/check_status/")
            #expect(checked.status == 200)

            emulator.loseNextAnswers(1)
            let (deleted, _) = try await service.send("DELETE", "api/images/\(id)/")
            #expect(deleted.status == 204, "\(deleted.text)")
            await #expect(throws: CloudflareError.self) { _ = try await cloudflare.image(id: "safe/retries") }
            #expect(try await service.imageRowCount() == 0)
        }
    }

    /// A third of all answers lost, at random, over many uploads with fresh custom ids: no id is ever reported
    /// taken, and every 201 has its row and a live draft at Cloudflare.
    @Test(.timeLimit(.minutes(1)))
    func randomLostAnswersNeverReportAFreshIDAsTaken() async throws {
        try await withFaultService(emulated: true) { base in
            var configuration = Self.configuration(base)
            configuration.maxAttempts = 10
            return configuration
        } _: { service in
            let emulator = try #require(service.emulator)
            try emulator.setFaults(FaultSettings(failureStatus: 502, applyThenFailRate: 0.3))
            let results = try await inParallel(40, width: 8) { index in
                try await service.send("POST", "api/upload-url/", json: #"{"custom_id":"fresh/\#(index)"}"#).0
            }
            try emulator.setFaults(.none)
            let cloudflare = try Self.inspector(emulator)
            var created = 0
            for (index, response) in results.enumerated() {
                #expect([201, 502].contains(response.status), "\(index): \(response.status) \(response.text)")
                if response.status == 201 {
                    created += 1
                    #expect(try await cloudflare.image(id: "fresh/\(index)").draft)
                }
            }
            #expect(created >= 30)
            #expect(try await service.imageRowCount() == created)
        }
    }
}
