import Foundation
import HTTPClient
import HTTPFields
import Testing

@testable import CloudflareEmulator

/// Cloudflare's API limits as the emulator models them (API limits page): 1,200 calls per 5 minutes, then every
/// call blocked for 5 minutes with 429 and `Retry-After`; 200 calls per second per address; `Ratelimit` and
/// `Ratelimit-Policy` on every answer. Time is scaled by moving the emulator's clock.
@Suite struct EmulatorRateLimitTests {
    @Test func overrunningTheQuotaBlocksEveryCallForTheBlockTime() async throws {
        let h = try EmulatorHarness {
            $0.faults = FaultSettings(rateLimitRequests: 3, rateLimitWindowSeconds: 300, blockSeconds: 300)
        }
        defer { Task { await h.stop() } }
        // Real time passes between calls (seconds on a loaded machine): reset times are checked as ranges.
        for left in [2, 1, 0] {
            let reply = try await h.call("GET", h.images + "/v1/stats")
            #expect(reply.status == 200)
            #expect(reply.response.headers["Ratelimit-Policy"] == #""default";q=3;w=300"#)
            let header = Self.ratelimit(reply)
            #expect(header?.r == left && (200...300).contains(header?.t ?? 0), "\(String(describing: header))")
        }
        let over = try await h.call("GET", h.images + "/v1/stats")
        #expect(over.status == 429)
        #expect(over.errorCode == 971)
        #expect(over.response.headers["Retry-After"] == "300")
        #expect(over.response.headers["Ratelimit"] == #""default";r=0;t=300"#)

        // Every route is blocked, uploads of new records included, until the block ends.
        h.emulator.clockOffset.set(200_000)
        let blocked = try await h.call("POST", h.images + "/v2/direct_upload")
        #expect(blocked.status == 429)
        #expect((1...100).contains(Int(blocked.response.headers["Retry-After"] ?? "") ?? 0))
        h.emulator.clockOffset.set(301_000)
        let after = try await h.call("GET", h.images + "/v1/stats")
        #expect(after.status == 200)
        #expect(Self.ratelimit(after)?.r == 2)
    }

    /// `r` and `t` of a `Ratelimit: "default";r=<n>;t=<n>` header.
    static func ratelimit(_ reply: Reply) -> (r: Int, t: Int)? {
        guard let header = reply.response.headers["Ratelimit"] else { return nil }
        var values: [String: Int] = [:]
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=")
            if pair.count == 2, let value = Int(pair[1]) { values[String(pair[0])] = value }
        }
        guard let r = values["r"], let t = values["t"] else { return nil }
        return (r, t)
    }

    @Test func noQuotaSendsNoRatelimitHeaders() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let reply = try await h.call("GET", h.images + "/v1/stats")
        #expect(reply.status == 200)
        #expect(reply.response.headers["Ratelimit"] == nil && reply.response.headers["Ratelimit-Policy"] == nil)
    }

    @Test func thePerSecondCapCountsPerSecond() {
        let limiter = EmulatorRateLimiter()
        let settings = FaultSettings(perSecondLimit: 2)
        let base: Int64 = 1_700_000_000_000
        #expect(limiter.admit(address: "a", now: base, settings: settings) == .allowed(remaining: nil, resetSeconds: 0))
        #expect(
            limiter.admit(address: "a", now: base + 10, settings: settings) == .allowed(remaining: nil, resetSeconds: 0)
        )
        #expect(limiter.admit(address: "a", now: base + 20, settings: settings) == .refused(retryAfterSeconds: 1))
        #expect(
            limiter.admit(address: "b", now: base + 30, settings: settings) == .allowed(remaining: nil, resetSeconds: 0)
        )
        #expect(
            limiter.admit(address: "a", now: base + 1000, settings: settings)
                == .allowed(remaining: nil, resetSeconds: 0))
    }

    @Test func theControlEndpointStartsABlock() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let set = try await h.call(
            "POST", h.base + "/_control/faults", body: .bytes(Array(#"{"block_for": 300}"#.utf8)),
            headers: ["Content-Type": "application/json"])
        #expect(set.status == 200)
        let blocked = try await h.call("GET", h.images + "/v1")
        #expect(blocked.status == 429)
        #expect((200...300).contains(Int(blocked.response.headers["Retry-After"] ?? "") ?? 0))
        #expect(
            try await h.call(
                "POST", h.base + "/_control/faults", body: .bytes(Array(#"{"block_for": -1}"#.utf8)),
                headers: ["Content-Type": "application/json"]
            ).status == 400)
        #expect(
            try await h.call(
                "POST", h.base + "/_control/faults", body: .bytes(Array(#"{"rate_limit_window": 0}"#.utf8)),
                headers: ["Content-Type": "application/json"]
            ).status == 400)
    }

    @Test func applyThenFailAppliesTheRequestAndLosesTheAnswer() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        try h.emulator.setFaults(FaultSettings(failureStatus: 503, applyThenFailRate: 1))
        let created = try await h.call(
            "POST", h.images + "/v2/direct_upload", body: h.form([("id", "lost-answer")]))
        #expect(created.status == 503)
        try h.emulator.setFaults(.none)
        // The draft exists although its creation "failed": a retry gets 5409.
        #expect(try await h.call("GET", h.images + "/v1/lost-answer").status == 200)
        let retry = try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([("id", "lost-answer")]))
        #expect(retry.status == 409)
        #expect(retry.errorCode == 5409)

        try h.emulator.setFaults(FaultSettings(failureStatus: 429, applyThenFailRate: 1))
        // A lost answer is never a 429 (that would tell the client nothing happened).
        #expect(try await h.call("DELETE", h.images + "/v1/lost-answer").status == 502)
        try h.emulator.setFaults(.none)
        #expect(try await h.call("GET", h.images + "/v1/lost-answer").status == 404)
    }
}
