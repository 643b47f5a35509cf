import CloudflareImages
import Foundation
import TestSupport
import Testing

/// Error classes, retries, budget behaviour and secrecy of the token.
@Suite struct CloudflareClientErrorTests {
    @Test func notFoundKeepsCloudflareErrorsAndIsNotRetried() async throws {
        let server = try ScriptedServer { _ in .json(404, failure(5404, "Image not found")) }
        defer { server.stop() }
        let events = EventLog()
        let client = try makeClient(baseURL: server.baseURL, events: events)
        let error = await cloudflareError { _ = try await client.image(id: "missing") }
        #expect(error == .notFound([APIError(code: 5404, message: "Image not found")]))
        #expect(server.requests.count == 1)
        #expect(events.events == [.completed(endpoint: .getImage, outcome: .notFound, attempts: 1)])
    }

    @Test(arguments: [401, 403])
    func authenticationFailures(status: Int) async throws {
        let server = try ScriptedServer { _ in .json(status, failure(10000, "Authentication error")) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let error = await cloudflareError { _ = try await client.accountStats() }
        #expect(
            error == .authentication(status: status, errors: [APIError(code: 10000, message: "Authentication error")]))
        #expect(server.requests.count == 1)
    }

    @Test func badRequestIsAClientErrorAndNeverRetried() async throws {
        let server = try ScriptedServer { _ in .json(400, failure(5400, "Bad request: metadata too large")) }
        defer { server.stop() }
        let events = EventLog()
        let client = try makeClient(baseURL: server.baseURL, events: events)
        let error = await cloudflareError { _ = try await client.createDirectUpload() }
        #expect(
            error
                == .clientError(status: 400, errors: [APIError(code: 5400, message: "Bad request: metadata too large")])
        )
        #expect(server.requests.count == 1)
        #expect(events.retries == 0)
    }

    @Test func unsuccessfulEnvelopeOn200IsAClientError() async throws {
        let server = try ScriptedServer { _ in .json(200, failure(9999, "nope")) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let error = await cloudflareError { _ = try await client.image(id: "x") }
        #expect(error == .clientError(status: 200, errors: [APIError(code: 9999, message: "nope")]))
    }

    @Test func undecodableBodiesAreInvalidResponses() async throws {
        let server = try ScriptedServer(script: [
            .text(200, "<html>oops</html>"), .json(200, envelope(#"{"filename":"x"}"#)),
            .json(200, envelope("null")),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        for _ in 0..<3 {
            let error = await cloudflareError { _ = try await client.image(id: "x") }
            guard case .invalidResponse = error else {
                Issue.record("expected invalidResponse, got \(String(describing: error))")
                continue
            }
        }
        #expect(server.requests.count == 3)
    }

    /// Direct-upload answers are read with the byte-level parser, not JSONDecoder: same outcomes and messages.
    @Test(arguments: [
        ("<html>oops</html>", "HTTP 200 body is not a DirectUpload envelope (not JSON)"),
        (#"[1]"#, "HTTP 200 body is not a DirectUpload envelope (wrong type at )"),
        (#"{"result":{"id":"a","uploadURL":"u"}}"#, "HTTP 200 body is not a DirectUpload envelope (missing success)"),
        (
            #"{"result":{"id":"a","uploadURL":"u"},"success":"yes"}"#,
            "HTTP 200 body is not a DirectUpload envelope (wrong type at success)"
        ),
        (
            #"{"result":{"id":"a"},"success":true}"#,
            "HTTP 200 body is not a DirectUpload envelope (missing result.uploadURL)"
        ),
        (
            #"{"result":{"id":7,"uploadURL":"u"},"success":true}"#,
            "HTTP 200 body is not a DirectUpload envelope (wrong type at result.id)"
        ),
        (#"{"result":"x","success":true}"#, "HTTP 200 body is not a DirectUpload envelope (wrong type at result)"),
        (#"{"result":null,"success":true,"errors":[]}"#, "successful envelope without a result"),
    ])
    func directUploadAnswersOfTheWrongShape(body: String, message: String) async throws {
        let server = try ScriptedServer { _ in .text(200, body) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let error = await cloudflareError { _ = try await client.createDirectUpload() }
        #expect(error == .invalidResponse(message))
        #expect(server.requests.count == 1)
    }

    @Test func directUploadReadsLenientErrorsAndTheResult() async throws {
        let server = try ScriptedServer(script: [
            .json(
                200, #"{"result":null,"success":false,"errors":[{"code":5400,"message":"bad"},{"message":"no code"}]}"#),
            .json(200, #"{"result":{},"success":false,"errors":"not a list"}"#),
            .json(
                200,
                #"{"result":{"id":"i-1","uploadURL":"https://upload.example/i-1","extra":1},"success":true,"errors":[],"messages":[]}"#
            ),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let first = await cloudflareError { _ = try await client.createDirectUpload() }
        #expect(
            first
                == .clientError(
                    status: 200, errors: [APIError(code: 5400, message: "bad"), APIError(code: 0, message: "no code")]))
        let second = await cloudflareError { _ = try await client.createDirectUpload() }
        #expect(second == .clientError(status: 200, errors: []))
        let upload = try await client.createDirectUpload()
        #expect(upload == DirectUpload(id: "i-1", uploadURL: "https://upload.example/i-1"))
    }

    @Test func upstreamErrorsAreRetriedThenSucceed() async throws {
        let server = try ScriptedServer(script: [
            .json(503, failure(1, "unavailable")), .text(502, "bad gateway"), .json(200, envelope(imageJSON)),
        ])
        defer { server.stop() }
        let events = EventLog()
        let client = try makeClient(baseURL: server.baseURL, events: events)
        let image = try await client.image(id: "img-1")
        #expect(image.id == "img-1")
        #expect(server.requests.count == 3)
        #expect(events.retries == 2)
        #expect(events.completions == [.completed(endpoint: .getImage, outcome: .success, attempts: 3)])
        // The completion carries the whole call's latency, retries included.
        #expect(events.durations.count == 1 && events.durations.allSatisfy { $0 > .zero })
    }

    @Test func upstreamErrorsStopAtMaxAttempts() async throws {
        let server = try ScriptedServer { _ in .json(500, failure(2, "internal")) }
        defer { server.stop() }
        let events = EventLog()
        let client = try makeClient(baseURL: server.baseURL, events: events)
        let error = await cloudflareError { try await client.deleteImage(id: "img-1") }
        #expect(error == .upstream(status: 500, errors: [APIError(code: 2, message: "internal")]))
        #expect(server.requests.count == 3)
        #expect(events.completions == [.completed(endpoint: .deleteImage, outcome: .upstream, attempts: 3)])
    }

    @Test func rateLimitHonoursRetryAfter() async throws {
        let server = try ScriptedServer(script: [
            .json(
                429, failure(971, "Please wait and consider throttling your request speed"),
                headers: [("Retry-After", "0.05")]),
            .json(200, envelope(#"{"count":{"allowed":10,"current":1}}"#)),
        ])
        defer { server.stop() }
        let events = EventLog()
        let client = try makeClient(baseURL: server.baseURL, events: events)
        #expect(try await client.accountStats() == AccountStats(allowed: 10, current: 1))
        #expect(server.requests.count == 2)
        let retry = try #require(events.events.first { if case .retrying = $0 { true } else { false } })
        guard case .retrying(.accountStats, 1, .rateLimited, let delay) = retry else {
            Issue.record("unexpected event \(retry)")
            return
        }
        #expect(delay >= .milliseconds(50))
    }

    @Test func rateLimitPausesOtherCallsForRetryAfter() async throws {
        let server = try ScriptedServer { _ in .json(429, failure(971, "slow down"), headers: [("Retry-After", "30")]) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) {
            $0.maxAttempts = 1
            $0.maxBudgetWait = .zero
        }
        let first = await cloudflareError { _ = try await client.signingKeys() }
        #expect(first == .rateLimited(retryAfter: .seconds(30), errors: [APIError(code: 971, message: "slow down")]))
        // Cloudflare asked for 30 s: the next call fails fast locally without reaching the server.
        let second = await cloudflareError { _ = try await client.signingKeys() }
        guard case .rateLimited(let retryAfter?, let errors) = second else {
            Issue.record("expected a local rate limit, got \(String(describing: second))")
            return
        }
        #expect(errors.isEmpty)
        #expect(retryAfter > .seconds(20))
        #expect(server.requests.count == 1)
    }

    @Test func uploadsRetryRateLimitsButNotUpstreamErrors() async throws {
        let server = try ScriptedServer(script: [
            .json(429, failure(971, "slow"), headers: [("Retry-After", "0")]),
            .json(503, failure(1, "unavailable")),
            .json(200, envelope(imageJSON)),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let error = await cloudflareError { _ = try await client.uploadImage(fromURL: "https://example.com/a.png") }
        #expect(error == .upstream(status: 503, errors: [APIError(code: 1, message: "unavailable")]))
        #expect(server.requests.count == 2)
    }

    @Test func totalTimeoutIsATimeout() async throws {
        let server = try ScriptedServer { _ in .hang }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) {
            $0.requestTimeout = .milliseconds(200)
            $0.maxAttempts = 2
        }
        let error = await cloudflareError { _ = try await client.image(id: "slow") }
        #expect(error == .timeout)
        #expect(server.requests.count == 2)
    }

    @Test func refusedConnectionIsConnectFailedAfterRetries() async throws {
        let events = EventLog()
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let client = try makeClient(baseURL: "http://127.0.0.1:\(refusing.port)", events: events)
        let error = await cloudflareError { _ = try await client.signingKeys() }
        guard case .connectFailed = error else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
        #expect(events.completions == [.completed(endpoint: .signingKeys, outcome: .connectFailed, attempts: 3)])
    }

    @Test func callDeadlineStopsRetriesEarly() async throws {
        let server = try ScriptedServer { _ in .json(429, failure(971, "slow"), headers: [("Retry-After", "60")]) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) {
            $0.maxAttempts = 5
            $0.callDeadline = .seconds(2)
        }
        let error = await cloudflareError { _ = try await client.listImagesV2() }
        #expect(error == .rateLimited(retryAfter: .seconds(60), errors: [APIError(code: 971, message: "slow")]))
        #expect(server.requests.count == 1)
    }

    @Test func budgetFailsFastWhenExhausted() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let events = EventLog()
        let client = try makeClient(baseURL: server.baseURL, events: events) {
            $0.budgetLimit = 2
            $0.budgetWindow = .seconds(60)
            $0.maxBudgetWait = .zero
        }
        let firstCall = ContinuousClock.now
        _ = try await client.image(id: "a")
        _ = try await client.image(id: "b")
        let error = await cloudflareError { _ = try await client.image(id: "c") }
        let elapsed = ContinuousClock.now - firstCall
        guard case .rateLimited(let retryAfter?, let errors) = error else {
            Issue.record("expected rateLimited, got \(String(describing: error))")
            return
        }
        #expect(errors.isEmpty)
        // The first slot leaves the 60 s window 60 s after it was booked: what is left of that, however slow the
        // machine made the three calls.
        #expect(retryAfter >= .seconds(60) - elapsed && retryAfter <= .seconds(60), "\(retryAfter) after \(elapsed)")
        #expect(server.requests.count == 2)
        #expect(events.completions.last == .completed(endpoint: .getImage, outcome: .rateLimited, attempts: 0))
    }

    @Test func budgetWaitsForAFreeSlot() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let events = EventLog()
        let budget = RequestBudget(limit: 2, window: .seconds(1))
        let client = try makeClient(baseURL: server.baseURL, events: events, budget: budget) {
            $0.maxBudgetWait = .seconds(5)
        }
        // Another caller has just used the whole window.
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        _ = try await client.image(id: "a")
        #expect(server.requests.count == 1)
        #expect(events.budgetWaits == 1)
        #expect(events.completions == [.completed(endpoint: .getImage, outcome: .success, attempts: 1)])
    }

    @Test func sharedBudgetSpansClients() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let budget = RequestBudget(limit: 1, window: .seconds(60))
        let one = try makeClient(baseURL: server.baseURL, budget: budget) { $0.maxBudgetWait = .zero }
        let two = try makeClient(baseURL: server.baseURL, budget: budget) { $0.maxBudgetWait = .zero }
        _ = try await one.image(id: "a")
        let error = await cloudflareError { _ = try await two.image(id: "b") }
        guard case .rateLimited = error else {
            Issue.record("expected rateLimited, got \(String(describing: error))")
            return
        }
    }

    @Test func tokenNeverAppearsInErrorsOrConfiguration() async throws {
        // A hostile upstream echoing the token in every message.
        let echo = "token \(testToken) rejected"
        let server = try ScriptedServer(script: [
            .json(404, failure(1, echo)), .json(401, failure(2, echo)), .json(429, failure(3, echo)),
            .json(400, failure(4, echo)), .json(500, failure(5, echo)), .json(200, failure(6, echo)),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxAttempts = 1 }
        var errors: [CloudflareError] = []
        for _ in 0..<6 {
            if let error = await cloudflareError({ _ = try await client.image(id: "x") }) { errors.append(error) }
        }
        #expect(
            errors.map(\.outcome) == [.notFound, .authentication, .rateLimited, .clientError, .upstream, .clientError])
        errors += [.timeout, .connectFailed(message: "refused"), .transport(message: "reset"), .invalidResponse("bad")]
        let hang = try ScriptedServer { _ in .hang }
        defer { hang.stop() }
        let slow = try makeClient(baseURL: hang.baseURL) {
            $0.maxAttempts = 1
            $0.requestTimeout = .milliseconds(100)
        }
        if let error = await cloudflareError({ _ = try await slow.image(id: "x") }) { errors.append(error) }
        for error in errors {
            #expect(!"\(error)".contains(testToken))
            #expect(!String(reflecting: error).contains(testToken))
            #expect(!error.localizedDescription.contains(testToken))
            #expect(error.apiErrors.allSatisfy { !$0.message.contains(testToken) })
        }
        #expect(errors.first?.apiErrors.first?.message == "token <redacted> rejected")
        #expect(!"\(client.configuration)".contains(testToken))
        #expect(!String(reflecting: client.configuration).contains(testToken))
    }
}
