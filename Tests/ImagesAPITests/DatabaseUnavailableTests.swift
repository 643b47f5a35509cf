import Foundation
import TestSupport
import Testing

/// A lost database connection (PostgreSQL restarted, network cut): the request that finds it answers 503 with
/// `Retry-After`, the next ones are served on a new connection.
@Suite struct DatabaseUnavailableTests {
    @Test(.enabled(if: APIBackend.isPostgreSQL, "needs a PostgreSQL connection to lose"))
    func aLostConnectionAnswers503AndTheNextRequestIsServed() async throws {
        try await withOpsHarness { h in
            let admin = try await h.token("root", admin: true)
            // The token is now cached, so the requests below authenticate without the database.
            #expect(try await h.send("GET", "api/images/", token: admin).status == 200)
            #expect(try h.fixture.terminateDatabaseConnections() > 0)
            var statuses: [Int] = []
            for _ in 0..<4 {
                let response = try await h.send("GET", "api/images/", token: admin)
                statuses.append(response.status)
                if response.status == 503 {
                    #expect(response.header("Retry-After") == "1")
                    #expect(response.object?.string("detail")?.contains("retry") == true)
                }
                if response.status == 200 { break }
            }
            // Each pooled connection fails the one call that finds it dead, then reconnects.
            #expect(statuses.first == 503, "\(statuses)")
            #expect(statuses.last == 200, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 503 || $0 == 200 }, "\(statuses)")
            let families = try await h.scrape(admin)
            #expect((families["cfimages_database_errors_total"]?.value() ?? 0) >= 1)
        }
    }

    /// A webhook delivery that finds the connection lost is a 503 (never the 500 Cloudflare would not retry), and
    /// nothing was applied: the same delivery sent again is applied once.
    @Test(.enabled(if: APIBackend.isPostgreSQL, "needs a PostgreSQL connection to lose"))
    func aWebhookOnALostConnectionIs503AndItsRedeliveryIsApplied() async throws {
        try await withOpsHarness { h in
            let alice = try await h.token("alice")
            let created = try await h.send(
                "POST", "api/upload-url/", token: alice, body: Array(#"{"custom_id":"lost"}"#.utf8))
            #expect(created.status == 201)
            try await EmulatorService.uploadFile(to: try #require(created.object?.string("upload_url")))
            let payload = WebhookTests.payload("lost")
            func deliver() async throws -> (status: Int, retryAfter: String?) {
                let headers = [("X-Signature", "sha256=" + WebhookTests.sign(payload))]
                let response = try await h.send("POST", "api/webhook/", body: Array(payload.utf8), headers: headers)
                return (response.status, response.header("Retry-After"))
            }
            #expect(try h.fixture.terminateDatabaseConnections() > 0)
            var statuses: [Int] = []
            for _ in 0..<12 {
                let answer = try await deliver()
                statuses.append(answer.status)
                if answer.status == 503 { #expect(answer.retryAfter == "1") }
                if answer.status == 200 { break }
            }
            #expect(statuses.first == 503, "\(statuses)")
            #expect(statuses.last == 200, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 503 || $0 == 200 }, "\(statuses)")
            let image = try await h.send(
                "GET", "api/images/\(try #require(created.object?.string("id")))/", token: alice)
            #expect(image.object?.string("status") == "uploaded")
        }
    }
}
