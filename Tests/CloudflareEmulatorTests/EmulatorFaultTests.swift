import Foundation
import HTTPClient
import HTTPFields
import TestSupport
import Testing

@testable import CloudflareEmulator

@Suite struct EmulatorFaultTests {
    @Test func rateLimitCarriesRetryAfterAndUploadsAreUnaffected() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (_, url) = try await h.directUpload()
        try h.emulator.setFaults(FaultSettings(failureRate: 1, failureStatus: 429, retryAfterSeconds: 7))
        let limited = try await h.call("GET", h.images + "/v1")
        #expect(limited.status == 429)
        #expect(limited.response.headers["Retry-After"] == "7")
        #expect(limited.errorCode == 971)
        #expect(limited.success == false)
        #expect(try await h.upload(to: url, bytes: ImageFixtures.gif(width: 1, height: 1)).status == 200)

        try h.emulator.setFaults(FaultSettings(failureRate: 1, failureStatus: 503))
        let unavailable = try await h.call("GET", h.images + "/v1/stats")
        #expect(unavailable.status == 503)
        #expect(unavailable.response.headers["Retry-After"] == nil)

        try h.emulator.setFaults(.none)
        #expect(try await h.call("GET", h.images + "/v1/stats").status == 200)
        #expect(throws: EmulatorError.self) { try h.emulator.setFaults(FaultSettings(failureRate: 2)) }
        #expect(throws: EmulatorError.self) { try h.emulator.setFaults(FaultSettings(failureStatus: 404)) }
    }

    @Test func controlEndpointTunesARunningEmulator() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let control = h.base + "/_control/faults"
        func post(_ json: String, token: String? = EmulatorHarness.account.apiToken) async throws -> Reply {
            try await h.call(
                "POST", control, token: token, body: .bytes(Array(json.utf8)),
                headers: ["Content-Type": "application/json"])
        }
        #expect(try await post(#"{"failure_rate":1}"#, token: "wrong").status == 403)
        let set = try await post(#"{"failure_rate":1,"failure_status":500,"latency_ms":20}"#)
        #expect(set.status == 200)
        #expect((set.result?["failure_status"] as? NSNumber)?.intValue == 500)
        #expect(h.emulator.faults == FaultSettings(latencyMilliseconds: 20, failureRate: 1, failureStatus: 500))
        #expect(try await h.call("GET", h.images + "/v1").status == 500)
        // The control endpoint itself is never failed by the knobs.
        let read = try await h.call("GET", control)
        #expect((read.result?["latency_ms"] as? NSNumber)?.intValue == 20)
        #expect(try await post(#"{"failure_rate":"lots"}"#).status == 400)
        #expect(try await post(#"{"failure_status":418}"#).status == 400)
        #expect(try await post(#"{"bogus":1}"#).status == 400)
        #expect(try await post("not json").status == 400)
        #expect(try await post(#"{"failure_rate":0,"latency_ms":0}"#).status == 200)
        #expect(try await h.call("GET", h.images + "/v1").status == 200)
    }

    @Test func partialFailureRateFailsSomeAndServesOthers() async throws {
        let h = try EmulatorHarness {
            $0.faults = FaultSettings(latencyMilliseconds: 1, failureRate: 0.5, failureStatus: 500)
        }
        defer { Task { await h.stop() } }
        var statuses: [Int: Int] = [:]
        for _ in 0..<60 { statuses[try await h.call("GET", h.images + "/v1/stats").status, default: 0] += 1 }
        #expect(statuses[200, default: 0] > 0)
        #expect(statuses[500, default: 0] > 0)
        #expect(statuses.keys.allSatisfy { $0 == 200 || $0 == 500 })
    }
}
