import CloudflareImages
import Configuration
import Foundation
import HTTPFields
import HTTPServer
import Synchronization
import TestSupport
import Testing

@testable import ImagesAPI

/// One token cannot spend the account's Cloudflare budget for everyone.
@Suite struct CloudflareAllowanceTests {
    static let alice = Caller(userName: "alice", isAdmin: false)
    static let bob = Caller(userName: "bob", isAdmin: false)

    @Test func eachUserHasAShareAndTheReserveIsKept() throws {
        let clock = ManualClock()
        let account = RequestBudget(limit: 10, window: .seconds(300), now: { clock.now })
        let allowance = CloudflareAllowance(account: account, perUser: 4, reserve: 3, now: { clock.now })
        for _ in 0..<4 { try allowance.admit(Self.alice) }
        #expect(throws: ErrorResponse.self) { try allowance.admit(Self.alice) }
        do {
            try allowance.admit(Self.alice)
        } catch {
            #expect(error.status == .tooManyRequests && error.headers["Retry-After"] == "300")
        }
        // The account's own counter: the allowance only shares it out; calls book it when made (here, by hand).
        _ = account.admit(4)
        try allowance.admit(Self.bob, calls: 3)
        _ = account.admit(3)
        // 7 of 10 booked: only the reserve of 3 is left, which users may not touch.
        do {
            try allowance.admit(Self.bob)
            Issue.record("the reserve was handed to a user")
        } catch {
            #expect(error.status == .serviceUnavailable && error.headers["Retry-After"] != nil)
        }
        #expect(account.reserve(maxWait: .zero) == .proceed, "the probe and the sweep still have their reserve")
        clock.advance(.seconds(301))
        try allowance.admit(Self.alice, calls: 4)
        #expect(throws: ErrorResponse.self) { try allowance.admit(Self.bob, calls: 5) }
    }

    @Test func aUserOverTheShareGets429WhileOthersAreServed() async throws {
        try await withHarness(configure: { $0.cloudflareCallsPerUser = 2 }) { h in
            let alice = try await h.token("alice")
            let bob = try await h.token("bob")
            _ = try await h.createUpload(alice)
            _ = try await h.createUpload(alice)
            let refused = try await h.send("POST", "api/upload-url/", token: alice, json: "{}")
            #expect(refused.status == 429, "\(refused.text)")
            #expect(Int(refused.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(refused.object?.string("detail")?.hasPrefix("Request was throttled.") == true)
            #expect(h.faults.calls(.directUpload) == 2, "a refused request reaches no Cloudflare endpoint")
            #expect(try await h.send("POST", "api/upload-url/", token: bob, json: "{}").status == 201)
            // Reads that need no Cloudflare call are still served.
            #expect(try await h.send("GET", "api/images/", token: alice).status == 200)
        }
    }
}
