import CloudflareEmulator
import CloudflareImages
import Testing

/// Cloudflare's API limits page: 1,200 calls per 5 minutes per user; going over blocks every call for the next
/// 5 minutes with 429 and `Retry-After`. The API must not wait out such a block, nor keep calling into it, and
/// must stop at a spent quota (the `Ratelimit` header) rather than overrun it.
@Suite struct RateLimitBlockTests {
    static func configuration(_ base: String?) -> CloudflareClient.Configuration {
        .init(
            accountID: "emu-account", apiToken: FaultService.apiToken, baseURL: base ?? "", connectTimeout: .seconds(2),
            requestTimeout: .seconds(5), maxAttempts: 5, callDeadline: .seconds(60))
    }

    @Test(.timeLimit(.minutes(1)))
    func aFiveMinuteBlockIsAnsweredAtOnceWithoutCallingCloudflare() async throws {
        try await withFaultService(emulated: true, client: Self.configuration) { service in
            let emulator = try #require(service.emulator)
            let blockedAt = ContinuousClock.now
            emulator.blockRateLimited(for: 300)
            let before = emulator.apiCallCount
            for _ in 0..<20 {
                let (response, elapsed) = try await service.send(
                    "POST", "api/upload-url/", json: UpstreamFaultTests.uploadBody)
                #expect(response.status == 503)
                #expect(UpstreamFaultTests.isCleanError(response), "\(response.text)")
                // What is left of the block: 300 s less the time since it began (a busy machine may take seconds).
                let retryAfter = Int(response.header("Retry-After") ?? "") ?? 0
                let left = 300 - Int((ContinuousClock.now - blockedAt).components.seconds)
                #expect((left - 2...300).contains(retryAfter), "Retry-After \(retryAfter), about \(left) s left")
                // A bound, not a speed figure: waiting out the block would take minutes.
                #expect(elapsed < .seconds(30), "a request took \(elapsed)")
            }
            #expect(emulator.apiCallCount - before <= 2, "\(emulator.apiCallCount - before) calls reached Cloudflare")
            #expect(try await service.imageRowCount() == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aSpentQuotaIsNotOverrun() async throws {
        try await withFaultService(emulated: true, client: Self.configuration) { service in
            let emulator = try #require(service.emulator)
            try emulator.setFaults(FaultSettings(rateLimitRequests: 5, rateLimitWindowSeconds: 300))
            let before = emulator.apiCallCount
            let windowOpened = ContinuousClock.now
            var statuses: [Int] = []
            for _ in 0..<10 {
                let (response, _) = try await service.send(
                    "POST", "api/upload-url/", json: UpstreamFaultTests.uploadBody)
                statuses.append(response.status)
                if response.status == 503 {
                    // The rest of the 300 s window that opened with the first call (a busy machine may take seconds).
                    let retryAfter = Int(response.header("Retry-After") ?? "") ?? 0
                    let left = 300 - Int((ContinuousClock.now - windowOpened).components.seconds)
                    #expect((left - 2...300).contains(retryAfter), "Retry-After \(retryAfter), about \(left) s left")
                }
            }
            #expect(statuses == Array(repeating: 201, count: 5) + Array(repeating: 503, count: 5))
            // The sixth call never reached Cloudflare, so its block never started.
            #expect(emulator.apiCallCount - before == 5)
            #expect(try await service.imageRowCount() == 5)
        }
    }
}
