import CloudflareImagesCore
import Configuration
import Foundation
import HTTPClient
import HTTPFields
import ImageStore
import ImagesAPI
import JSON
import TestSupport
import Testing

/// Signed event deliveries to a receiver on loopback, driven through the API and the emulator's real webhook path.
@Suite struct EventDeliveryTests {
    /// Retries in tens of milliseconds instead of seconds.
    static var fastPolicy: EventDeliveryWorker.Policy {
        var policy = EventDeliveryWorker.Policy()
        policy.baseDelay = .milliseconds(40)
        policy.maxDelay = .milliseconds(200)
        policy.idlePoll = .milliseconds(50)
        policy.attemptTimeout = .seconds(5)
        return policy
    }

    struct Setup {
        let service: EmulatorService
        let receiver: EventReceiver
        let worker: EventDeliveryWorker
        let admin: String

        func admin(_ method: String, _ path: String, json: String? = nil) async throws -> TestResponse {
            try await sendRequest(
                method, service.origin + "/cloudflare-images/" + path, token: admin, json: json, timeout: .seconds(10))
        }

        /// Registers the receiver for `events` (all when nil); returns the endpoint's id and secret.
        func register(_ events: [String]? = nil) async throws -> (id: String, secret: String) {
            let list = events.map { ",\"events\":[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" } ?? ""
            let created = try await admin(
                "POST", "api/event-endpoints/", json: #"{"url":"\#(receiver.url)","description":"test app"\#(list)}"#)
            guard created.status == 201, let id = created.object?.string("id"),
                let secret = created.object?.string("secret")
            else { throw HarnessError("event-endpoints answered \(created.status): \(created.text)") }
            return (id, secret)
        }
    }

    static func withSetup(
        policy: EventDeliveryWorker.Policy = fastPolicy,
        answer: @escaping @Sendable (Int) -> (Int, HTTPHeaders) = { _ in (204, [:]) },
        hold: @escaping @Sendable (Int) -> Duration = { _ in .zero },
        _ body: (Setup) async throws -> Void
    ) async throws {
        let receiver = try EventReceiver(answer: answer, hold: hold)
        do {
            try await withEmulatorService(configure: { $0.eventsAllowPrivateURLs = true }) { service in
                let admin = try await service.fixture.token("root", admin: true)
                let worker = try #require(service.api.makeEventWorker(httpClient: sharedHTTPClient, policy: policy))
                worker.start()
                do {
                    try await body(Setup(service: service, receiver: receiver, worker: worker, admin: admin))
                } catch {
                    await worker.stop()
                    throw error
                }
                await worker.stop()
            }
        } catch {
            await receiver.shutdown()
            throw error
        }
        await receiver.shutdown()
    }

    static func object(_ delivery: EventReceiver.Delivery) -> [String: JSONValue] {
        (try? JSONValue.parse(delivery.body))?.objectValue ?? [:]
    }

    /// `t` and the `v1` values of a signature header.
    static func parts(_ header: String) -> (t: String, v1: [String]) {
        var t = ""
        var v1: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { t = pair[1] } else if pair[0] == "v1" { v1.append(pair[1]) }
        }
        return (t, v1)
    }

    /// The README's verifier in `language` (python or javascript), run as a child process on a real delivery.
    static func readmeVerifier(
        _ language: String, secret: String, _ delivery: EventReceiver.Delivery
    ) async throws -> String {
        let readme = try String(contentsOfFile: TestPaths.repository + "/README.md", encoding: .utf8)
        let fence = language == "python" ? "```python\n" : "```javascript\n"
        let marker = "<!-- verifier:\(language) -->\n" + fence
        guard let start = readme.range(of: marker),
            let end = readme.range(of: "```", range: start.upperBound..<readme.endIndex)
        else { throw HarnessError("README has no \(language) verifier") }
        let code = String(readme[start.upperBound..<end.lowerBound])
        let directory = try makeTemporaryDirectory(prefix: "verifier-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bodyPath = directory + "/body.json"
        try Data(delivery.body).write(to: URL(fileURLWithPath: bodyPath))
        let script: String
        let arguments: [String]
        if language == "python" {
            script = directory + "/verify.py"
            try (code + "\nimport sys\nprint(verify(sys.argv[1], sys.argv[2], open(sys.argv[3], 'rb').read()))\n")
                .write(toFile: script, atomically: true, encoding: .utf8)
            arguments = ["python3", script]
        } else {
            script = directory + "/verify.js"
            try
                (code
                + "\nconsole.log(verify(process.argv[2], process.argv[3], require('fs').readFileSync(process.argv[4])) ? 'True' : 'False');\n")
                .write(toFile: script, atomically: true, encoding: .utf8)
            arguments = ["node", script]
        }
        let run = try await runProcess(
            "/usr/bin/env", arguments + [secret, delivery.signature, bodyPath], timeout: .seconds(30))
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anUploadThroughTheEmulatorsWebhookIsDeliveredSignedAndVerifiable() async throws {
        try await Self.withSetup { setup in
            let (endpointID, secret) = try await setup.register(["image.uploaded"])
            #expect(secret.hasPrefix("whsec_"))
            let shown = try await setup.admin("GET", "api/event-endpoints/\(endpointID)/")
            #expect(shown.status == 200 && shown.object?["secret"] == nil)

            let id = try await setup.service.upload(signed: false)
            #expect(await eventually(timeout: .seconds(15)) { setup.receiver.accepted.count >= 1 })
            let delivery = try #require(setup.receiver.accepted.first)
            let body = Self.object(delivery)
            #expect(body.string("type") == "image.uploaded")
            let eventID = try #require(body.string("id"))
            #expect(eventID.hasPrefix("evt_") && delivery.headers["Cfimages-Event-Id"] == eventID)
            let image = try #require(body["data"]?.objectValue?["image"]?.objectValue)
            #expect(image.string("id") == id && image.string("status") == "uploaded")
            // The image exactly as the owner's GET shows it (delivery links included); only updated_at may differ
            // if something touched it since, and nothing did.
            let current = try await setup.service.get("api/images/\(id)/").object
            #expect(image == current)

            // An independent HMAC (Python's hmac) over t + "." + body, and the library's verifier.
            let (t, v1) = Self.parts(delivery.signature)
            #expect(v1.count == 1)
            #expect(try await Self.readmeVerifier("python", secret: secret, delivery) == "True")
            #expect(try await Self.readmeVerifier("javascript", secret: secret, delivery) == "True")
            #expect(try await Self.readmeVerifier("python", secret: "whsec_wrong", delivery) == "False")
            let verifier = EventSignatureVerifier(secret: secret)
            let now = try #require(Double(t))
            #expect(try verifier.verify(body: delivery.body, header: delivery.signature, now: now + 10) == Int64(t))
            #expect(throws: EventSignatureVerifier.Failure.staleTimestamp(-301)) {
                try verifier.verify(body: delivery.body, header: delivery.signature, now: now + 301)
            }
            #expect(throws: EventSignatureVerifier.Failure.signatureMismatch) {
                try verifier.verify(body: delivery.body + [0x20], header: delivery.signature, now: now)
            }

            // A redelivery (as a replay would) carries the same id and a t no older: a receiver spots it by id.
            let redelivered = try await setup.admin("POST", "api/events/\(eventID)/redeliver/")
            #expect(redelivered.status == 202)
            #expect(await eventually(timeout: .seconds(10)) { setup.receiver.accepted.count >= 2 })
            let again = try #require(setup.receiver.accepted.last)
            #expect(Self.object(again).string("id") == eventID)
            #expect((Int(Self.parts(again.signature).t) ?? 0) >= (Int(t) ?? .max))

            var listed: [[String: JSONValue]] = []
            var deliveries: [[String: JSONValue]] = []
            for _ in 0..<100 {
                let events = try await setup.admin("GET", "api/events/?limit=10")
                #expect(events.status == 200)
                listed = events.object?["results"]?.arrayValue?.compactMap(\.objectValue) ?? []
                let uploaded = listed.first { $0.string("id") == eventID }
                deliveries = uploaded?["deliveries"]?.arrayValue?.compactMap(\.objectValue) ?? []
                if deliveries.first?.string("state") == "delivered" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(deliveries.count == 1 && deliveries.first?.string("state") == "delivered")
            // The other events of the upload were recorded too, without a delivery (the endpoint takes one type).
            #expect(
                Set(listed.compactMap { $0.string("type") }).isSuperset(of: [
                    "image.upload_url_created", "image.uploaded",
                ]))
        }
    }

    @Test func aReceiverDownForTheFirstAttemptsGetsTheEventOnceItIsBack() async throws {
        try await Self.withSetup(answer: { count in count < 3 ? (503, ["Retry-After": "0"]) : (200, [:]) }) { setup in
            _ = try await setup.register(["image.upload_url_created"])
            let id = try await setup.service.createPending(signed: false)
            #expect(await eventually(timeout: .seconds(15)) { setup.receiver.accepted.count == 1 })
            let all = setup.receiver.deliveries
            try #require(all.count == 4)
            #expect(Set(all.map { Self.object($0).string("id") ?? "" }).count == 1)
            #expect(Self.object(all[3])["data"]?.objectValue?["image"]?.objectValue?.string("id") == id)
            // The receiver has answered; the worker records the attempt right after.
            var delivery: [String: JSONValue]?
            for _ in 0..<100 {
                let events = try await setup.admin("GET", "api/events/")
                let event = events.object?["results"]?.arrayValue?.first?.objectValue
                delivery = event?["deliveries"]?.arrayValue?.first?.objectValue
                if delivery?.string("state") == "delivered" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(delivery?.string("state") == "delivered" && delivery?["attempts"] == .int(4))
            #expect(delivery?["last_status"] == .int(200))
        }
    }

    /// A receiver that does not answer within the attempt timeout has failed that attempt: the worker gives up on
    /// it, records the timeout and tries again, and the same event is delivered by the next attempt.
    @Test func anAnswerSlowerThanTheAttemptTimeoutIsAFailedAttempt() async throws {
        var policy = Self.fastPolicy
        policy.attemptTimeout = .milliseconds(300)
        try await Self.withSetup(policy: policy, hold: { count in count == 0 ? .seconds(3) : .zero }) { setup in
            _ = try await setup.register(["image.upload_url_created"])
            let id = try await setup.service.createPending(signed: false)
            #expect(await eventually(timeout: .seconds(15)) { setup.receiver.deliveries.count >= 2 })
            let all = setup.receiver.deliveries
            #expect(Set(all.map { Self.object($0).string("id") ?? "" }).count == 1)
            #expect(Self.object(all[1])["data"]?.objectValue?["image"]?.objectValue?.string("id") == id)
            var delivery: [String: JSONValue]?
            for _ in 0..<100 {
                let events = try await setup.admin("GET", "api/events/")
                delivery =
                    events.object?["results"]?.arrayValue?.first?.objectValue?["deliveries"]?.arrayValue?.first?
                    .objectValue
                if delivery?.string("state") == "delivered" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(delivery?.string("state") == "delivered" && delivery?["attempts"] == .int(2))
            let metrics = try await sendRequest(
                "GET", setup.service.origin + "/metrics", token: setup.admin, timeout: .seconds(10))
            #expect(metrics.text.contains(#"cfimages_event_deliveries_total{outcome="failed"} 1"#))
            #expect(metrics.text.contains(#"cfimages_event_deliveries_total{outcome="delivered"} 1"#))
        }
    }

    @Test func theEventsOfOneImageArriveInOrder() async throws {
        try await Self.withSetup(answer: { count in count % 2 == 0 ? (500, [:]) : (204, [:]) }) { setup in
            _ = try await setup.register()
            let id = try await setup.service.createPending(signed: false)
            for name in ["a.gif", "b.gif", "c.gif"] {
                #expect(
                    try await setup.service.send("PATCH", "api/images/\(id)/", json: #"{"filename":"\#(name)"}"#).status
                        == 200)
            }
            #expect(try await setup.service.send("DELETE", "api/images/\(id)/").status == 204)
            #expect(await eventually(timeout: .seconds(15)) { setup.receiver.accepted.count == 5 })
            let types = setup.receiver.accepted.map { Self.object($0).string("type") ?? "" }
            #expect(
                types == [
                    "image.upload_url_created", "image.updated", "image.updated", "image.updated", "image.deleted",
                ])
            let names = setup.receiver.accepted.dropFirst().prefix(3).map {
                Self.object($0)["data"]?.objectValue?["image"]?.objectValue?.string("filename") ?? ""
            }
            #expect(names == ["a.gif", "b.gif", "c.gif"])
        }
    }

    @Test func aRotatedSecretSignsBesideTheNewOne() async throws {
        try await Self.withSetup { setup in
            let (endpointID, old) = try await setup.register(["image.upload_url_created"])
            let rotated = try await setup.admin("POST", "api/event-endpoints/\(endpointID)/rotate-secret/")
            #expect(rotated.status == 200)
            let new = try #require(rotated.object?.string("secret"))
            #expect(new != old && rotated.object?.string("previous_secret_expires_at") != nil)
            _ = try await setup.service.createPending(signed: false)
            #expect(await eventually(timeout: .seconds(15)) { setup.receiver.accepted.count == 1 })
            let delivery = try #require(setup.receiver.accepted.first)
            #expect(Self.parts(delivery.signature).v1.count == 2)
            let now = Date().timeIntervalSince1970
            for secret in [old, new] {
                #expect(throws: Never.self) {
                    try EventSignatureVerifier(secret: secret).verify(
                        body: delivery.body, header: delivery.signature, now: now)
                }
                #expect(try await Self.readmeVerifier("javascript", secret: secret, delivery) == "True")
            }
        }
    }

    /// A usage registered through the API, then removed, reaches the receiver as `image.usage_added` and
    /// `image.usage_removed`: the usage exactly as `POST api/usages/` answered it, the image as its owner's GET shows
    /// it, signed as every delivery.
    @Test func usageChangesAreDeliveredWithTheUsageAndTheImage() async throws {
        try await Self.withSetup { setup in
            let (_, secret) = try await setup.register(["image.usage_added", "image.usage_removed"])
            let id = try await setup.service.upload(signed: false)
            let cloudflareID = try #require(
                try await setup.service.get("api/images/\(id)/").object?.string("cloudflare_id"))
            let created = try await setup.service.send(
                "POST", "api/usages/",
                json:
                    #"{"cloudflare_id":"\#(cloudflareID)","content_type":"blog.post","object_id":"7","field_name":"cover"}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let usage = try #require(created.object)
            guard case .int(let usageID)? = usage["id"] else { throw HarnessError("no usage id: \(created.text)") }
            #expect(try await setup.service.send("DELETE", "api/usages/\(usageID)/").status == 204)
            #expect(await eventually(timeout: .seconds(15)) { setup.receiver.accepted.count == 2 })
            let bodies = setup.receiver.accepted.map(Self.object)
            #expect(bodies.map { $0.string("type") } == ["image.usage_added", "image.usage_removed"])
            let current = try await setup.service.get("api/images/\(id)/").object
            for (delivery, body) in zip(setup.receiver.accepted, bodies) {
                let data = try #require(body["data"]?.objectValue)
                #expect(data["usage"]?.objectValue == usage)
                #expect(data["image"]?.objectValue?.string("id") == id)
                #expect(data["image"]?.objectValue?.keys.sorted() == current?.keys.sorted())
                #expect(try await Self.readmeVerifier("python", secret: secret, delivery) == "True")
            }
        }
    }

    /// The worker's metrics: attempts by outcome, the latency of each successful delivery, and the backlog of the
    /// endpoint, which grows while its receiver fails and empties once it answers.
    @Test func metricsCountAttemptsLatencyAndEachEndpointsBacklog() async throws {
        var policy = Self.fastPolicy
        policy.gaugeInterval = .milliseconds(50)
        try await Self.withSetup(policy: policy, answer: { _ in (503, ["Retry-After": "0"]) }) { setup in
            let (endpointID, _) = try await setup.register(["image.upload_url_created"])
            _ = try await setup.service.createPending(signed: false)
            _ = try await setup.service.createPending(signed: false)
            func sample(_ name: String) async throws -> Double? {
                let metrics = try await sendRequest(
                    "GET", setup.service.origin + "/metrics", token: setup.admin, timeout: .seconds(10))
                let line = metrics.text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
                return line.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            let backlog = "cfimages_event_backlog{endpoint=\"\(endpointID)\"}"
            var pending: Double?
            for _ in 0..<200 where pending != 2 {
                pending = try await sample(backlog)
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(pending == 2)
            #expect(try await sample(#"cfimages_event_deliveries_total{outcome="failed"}"#) ?? 0 >= 2)
            #expect(try await sample(#"cfimages_event_deliveries_total{outcome="delivered"}"#) == 0)
            setup.receiver.setAnswer { _ in (204, [:]) }
            #expect(await eventually(timeout: .seconds(10)) { setup.receiver.accepted.count == 2 })
            for _ in 0..<200 where pending != 0 {
                pending = try await sample(backlog)
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(pending == 0)
            #expect(try await sample(#"cfimages_event_deliveries_total{outcome="delivered"}"#) == 2)
            #expect(try await sample("cfimages_event_delivery_latency_seconds_count") == 2)
            #expect(try await sample("cfimages_event_delivery_attempt_seconds_count") ?? 0 >= 4)
        }
    }

    @Test func anEndpointFailingForTheWholeWindowIsDisabled() async throws {
        var policy = Self.fastPolicy
        policy.retryWindow = .milliseconds(600)
        try await Self.withSetup(policy: policy, answer: { _ in (500, [:]) }) { setup in
            let (endpointID, _) = try await setup.register()
            _ = try await setup.service.createPending(signed: false)
            var endpoint: [String: JSONValue]?
            for _ in 0..<300 {
                endpoint = try await setup.admin("GET", "api/event-endpoints/\(endpointID)/").object
                if endpoint?["enabled"] == .bool(false) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(endpoint?["enabled"] == .bool(false))
            #expect(endpoint?.string("disabled_reason") != nil)
            let metrics = try await sendRequest(
                "GET", setup.service.origin + "/metrics", token: setup.admin, timeout: .seconds(10))
            #expect(
                metrics.text.contains("cfimages_event_deliveries_total{outcome=\"gave_up\"}")
                    || metrics.text.contains("cfimages_event_deliveries_total{outcome=\"failed\"}"))
            let ready = try await sendRequest("GET", setup.service.origin + "/readyz", timeout: .seconds(10))
            let events = ready.object?["events"]?.objectValue
            #expect(events?["disabled_endpoints"] == .array([.string(endpointID)]))
            let enabled = try await setup.admin(
                "PATCH", "api/event-endpoints/\(endpointID)/", json: #"{"enabled":true}"#)
            #expect(enabled.object?["enabled"] == .bool(true) && enabled.object?["disabled_reason"] == .null)
        }
    }

    @Test(arguments: [
        "http://127.0.0.1:9/x", "http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/latest",
        "http://localhost/",
        "ftp://example.com/", "not a url", "http://user:pw@example.com/",
    ])
    func privateAndBadURLsAreRefused(_ url: String) async throws {
        try await withEmulatorService { service in
            let admin = try await service.fixture.token("root", admin: true)
            let created = try await sendRequest(
                "POST", service.origin + "/cloudflare-images/api/event-endpoints/", token: admin,
                json: #"{"url":"\#(url)","events":["image.uploaded"]}"#, timeout: .seconds(10))
            #expect(created.status == 400)
            #expect(created.object?.messages("url")?.isEmpty == false)
        }
    }

    @Test func endpointsAreForAdministratorsAndValidated() async throws {
        try await withEmulatorService(configure: { $0.eventsAllowPrivateURLs = true }) { service in
            #expect(try await service.send("GET", "api/event-endpoints/").status == 403)
            #expect(try await service.send("GET", "api/events/").status == 403)
            let admin = try await service.fixture.token("root", admin: true)
            func send(_ method: String, _ path: String, _ json: String? = nil) async throws -> TestResponse {
                try await sendRequest(
                    method, service.origin + "/cloudflare-images/" + path, token: admin, json: json,
                    timeout: .seconds(10))
            }
            let bad = try await send(
                "POST", "api/event-endpoints/", #"{"url":"http://127.0.0.1:1/","events":["image.bogus"]}"#)
            #expect(bad.status == 400)
            #expect(try await send("POST", "api/event-endpoints/", #"{"events":[]}"#).status == 400)
            let created = try await send("POST", "api/event-endpoints/", #"{"url":"http://127.0.0.1:1/"}"#)
            #expect(created.status == 201)
            let id = try #require(created.object?.string("id"))
            #expect(created.object?["events"]?.arrayValue?.count == ImageEventType.allCases.count)
            let listed = try await send("GET", "api/event-endpoints/")
            #expect(listed.object?["count"] == .int(1))
            let patched = try await send(
                "PATCH", "api/event-endpoints/\(id)/", #"{"events":["image.deleted"],"enabled":false}"#)
            #expect(patched.object?["enabled"] == .bool(false))
            #expect(patched.object?["events"] == .array([.string("image.deleted")]))
            #expect(try await send("DELETE", "api/event-endpoints/\(id)/").status == 204)
            #expect(try await send("GET", "api/event-endpoints/\(id)/").status == 404)
            #expect(try await send("POST", "api/events/evt_missing/redeliver/").status == 404)
            for bad in [
                "", "0", "-1", "501", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e3",
                "abc",
            ] {
                #expect(try await send("GET", "api/events/?limit=\(bad)").status == 400, "limit=\(bad)")
            }
            for good in ["1", "500"] {
                #expect(try await send("GET", "api/events/?limit=\(good)").status == 200, "limit=\(good)")
            }
        }
    }
}
