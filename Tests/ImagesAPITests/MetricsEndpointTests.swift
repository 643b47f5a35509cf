import CloudflareImages
import Foundation
import HTTPServer
import ImageStore
import JSON
import SQLite
import Testing

/// `GET /metrics` over loopback: access control, the text format, and counters moving with real requests.
@Suite struct MetricsEndpointTests {
    static let images = "/cloudflare-images/api/images/"
    static let imageDetail = "/cloudflare-images/api/images/{id}/"

    @Test func adminOnlyOnTheAPIPort() async throws {
        try await withOpsHarness { h in
            let anonymous = try await h.send("GET", "/metrics")
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate") == "Token")
            let alice = try await h.token("alice")
            #expect(try await h.send("GET", "/metrics", token: alice).status == 403)
            #expect(try await h.send("GET", "/metrics/", token: "not-a-token").status == 401)
            let admin = try await h.token("root", admin: true)
            let response = try await h.send("GET", "/metrics", token: admin)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let post = try await h.send("POST", "/metrics/", token: admin)
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD, OPTIONS")
        }
    }

    @Test func everyFamilyIsWellFormed() async throws {
        try await withOpsHarness { h in
            let admin = try await h.token("root", admin: true)
            _ = try await h.send("GET", "api/images/", token: admin)
            let families = try await h.scrape(admin)
            let names = Set(families.map(\.name))
            for expected in [
                "cfimages_http_requests_total", "cfimages_http_request_duration_seconds",
                "cfimages_http_requests_in_flight",
                "cfimages_http_open_connections", "cfimages_cloudflare_calls_total",
                "cfimages_cloudflare_call_duration_seconds", "cfimages_cloudflare_retries_total",
                "cfimages_cloudflare_budget_wait_seconds", "cfimages_webhook_deliveries_total", "cfimages_images",
                "cfimages_database_errors_total",
            ] {
                #expect(names.contains(expected), "missing \(expected)")
            }
            for family in families {
                #expect(family.help?.isEmpty == false && family.type != nil, "\(family.name) lacks HELP or TYPE")
                guard family.type == "histogram" else { continue }
                let series = Dictionary(grouping: family.samples.filter { $0.name.hasSuffix("_bucket") }) {
                    $0.labels.filter { $0.key != "le" }
                }
                for (labels, buckets) in series {
                    let counts = buckets.map(\.value)
                    #expect(counts == counts.sorted(), "\(family.name) buckets not cumulative")
                    #expect(buckets.last?.labels["le"] == "+Inf")
                    #expect(family.value(family.name + "_count", labels) == counts.last)
                    #expect(family.value(family.name + "_sum", labels) != nil)
                }
            }
        }
    }

    @Test func requestCountersMoveByRoutePatternMethodAndStatus() async throws {
        try await withOpsHarness { h in
            let admin = try await h.token("root", admin: true)
            let alice = try await h.token("alice")
            for _ in 0..<3 { #expect(try await h.send("GET", "api/images/", token: alice).status == 200) }
            #expect(try await h.send("GET", "api/images/\(UUID().uuidString)/", token: alice).status == 404)
            #expect(try await h.send("GET", "api/images/\(UUID().uuidString)", token: alice).status == 404)
            #expect(try await h.send("GET", "/no/such/path/\(UUID().uuidString)").status == 404)
            #expect(try await h.send("BREW", "api/images/", token: alice).status == 405)
            #expect(try await h.send("GET", "/healthz").status == 200)
            #expect(try await h.send("POST", "api/upload-url/", token: alice, body: Array("{}".utf8)).status == 201)

            let families = try await h.scrape(admin)
            let requests = try #require(families["cfimages_http_requests_total"])
            #expect(requests.value(nil, ["route": Self.images, "method": "GET", "status": "200"]) == 3)
            #expect(requests.value(nil, ["route": Self.imageDetail, "method": "GET", "status": "404"]) == 2)
            #expect(requests.value(nil, ["route": "unmatched", "method": "GET", "status": "404"]) == 1)
            #expect(requests.value(nil, ["route": Self.images, "method": "other", "status": "405"]) == 1)
            #expect(requests.value(nil, ["route": "/healthz", "method": "GET", "status": "200"]) == 1)
            // Raw paths never become labels.
            let routes = Set(requests.samples.compactMap { $0.labels["route"] })
            #expect(
                routes == [
                    Self.images, Self.imageDetail, "unmatched", "/healthz", "/cloudflare-images/api/upload-url/",
                ])

            let latency = try #require(families["cfimages_http_request_duration_seconds"])
            #expect(
                latency.value("cfimages_http_request_duration_seconds_count", ["route": Self.images, "method": "GET"])
                    == 3)
            #expect(
                latency.value(
                    "cfimages_http_request_duration_seconds_bucket",
                    ["route": Self.images, "method": "GET", "le": "+Inf"]) == 3)

            // The scrape itself is in flight on an open connection.
            #expect((families["cfimages_http_requests_in_flight"]?.value() ?? 0) >= 1)
            #expect((families["cfimages_http_open_connections"]?.value() ?? 0) >= 1)

            let calls = try #require(families["cfimages_cloudflare_calls_total"])
            #expect(calls.value(nil, ["endpoint": "create_direct_upload", "outcome": "success"]) == 1)
            let callLatency = try #require(families["cfimages_cloudflare_call_duration_seconds"])
            #expect(
                callLatency.value(
                    "cfimages_cloudflare_call_duration_seconds_count", ["endpoint": "create_direct_upload"]) == 1)

            let images = try #require(families["cfimages_images"])
            #expect(images.value(nil, ["status": "pending"]) == 1)
            #expect(images.value(nil, ["status": "uploaded"]) == 0)
            #expect(families["cfimages_database_errors_total"]?.value() == 0)
        }
    }

    @Test func cloudflareFailuresAndRetriesAreCounted() async throws {
        try await withOpsHarness(configureClient: {
            $0.maxAttempts = 2
            $0.retryBaseDelay = .milliseconds(1)
            $0.retryMaxDelay = .milliseconds(5)
        }) { h in
            let admin = try await h.token("root", admin: true)
            h.faults.inject(.status(503), for: .directUpload)
            let failed = try await h.send("POST", "api/upload-url/", token: admin, body: Array("{}".utf8))
            #expect(failed.status >= 500)
            let families = try await h.scrape(admin)
            let calls = try #require(families["cfimages_cloudflare_calls_total"])
            #expect(calls.value(nil, ["endpoint": "create_direct_upload", "outcome": "upstream"]) == 1)
            let retries = try #require(families["cfimages_cloudflare_retries_total"])
            #expect(retries.value(nil, ["endpoint": "create_direct_upload", "outcome": "upstream"]) == 1)
        }
    }

    @Test func webhookDeliveriesByOutcome() async throws {
        try await withOpsHarness { h in
            let admin = try await h.token("root", admin: true)
            let alice = try await h.token("alice")
            let created = try await h.send(
                "POST", "api/upload-url/", token: alice, body: Array(#"{"custom_id":"hooked"}"#.utf8))
            #expect(created.status == 201)
            func post(_ body: String, signed: Bool = true) async throws -> Int {
                let headers = signed ? [("X-Signature", "sha256=" + WebhookTests.sign(body))] : []
                return try await h.send("POST", "api/webhook/", body: Array(body.utf8), headers: headers).status
            }
            let payload = WebhookTests.payload("hooked")
            try await EmulatorService.uploadFile(to: try #require(created.object?.string("upload_url")))
            #expect(try await post(payload) == 200)
            #expect(try await post(payload) == 200)
            #expect(try await post(WebhookTests.payload("stranger")) == 404)
            #expect(try await post(payload, signed: false) == 401)
            #expect(try await post("{not json") == 400)
            #expect(try await post("[1]") == 400)

            let families = try await h.scrape(admin)
            let webhooks = try #require(families["cfimages_webhook_deliveries_total"])
            #expect(webhooks.value(nil, ["outcome": "applied"]) == 1)
            #expect(webhooks.value(nil, ["outcome": "duplicate"]) == 1)
            #expect(webhooks.value(nil, ["outcome": "unknown_image"]) == 1)
            #expect(webhooks.value(nil, ["outcome": "bad_signature"]) == 1)
            #expect(webhooks.value(nil, ["outcome": "bad_payload"]) == 2)
            #expect(webhooks.value(nil, ["outcome": "error"]) == 0)
            #expect(families["cfimages_images"]?.value(nil, ["status": "uploaded"]) == 1)
        }
    }

    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself")) func databaseErrorsAreCounted() async throws
    {
        try await withOpsHarness { h in
            let admin = try await h.token("root", admin: true)
            let alice = try await h.token("alice")
            // Both tokens are now cached, so requests still authenticate once the database is gone.
            #expect(try await h.send("GET", "api/images/", token: alice).status == 200)
            #expect(try await h.send("GET", "/metrics", token: admin).status == 200)
            h.database.close()
            #expect(try await h.send("GET", "api/images/", token: alice).status == 500)
            let families = try await h.scrape(admin)
            // The failed list, and the scrape's own image counts.
            #expect(families["cfimages_database_errors_total"]?.value() == 2)
            let ready = try await h.send("GET", "/readyz")
            #expect(ready.status == 503)
            #expect(ready.object?["checks"]?.objectValue?.string("database")?.hasPrefix("error") == true)
        }
    }

    @Test func separateListenerServesOnlyMetricsWithoutAuth() async throws {
        try await withOpsHarness(metricsListener: true) { h in
            let port = try #require(h.metricsServer?.localPort)
            _ = try await h.send("GET", "/healthz")
            let response = try await h.send("GET", "/metrics", port: port)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let families = try ScrapedFamily.parse(response.text)
            #expect(families["cfimages_http_requests_total"]?.value(nil, ["route": "/healthz"]) == 1)
            #expect(try await h.send("GET", "/metrics/", port: port).status == 200)
            #expect(try await h.send("GET", "/healthz", port: port).status == 404)
            #expect(try await h.send("GET", "api/images/", port: port).status == 404)
            // The API port still wants an admin.
            #expect(try await h.send("GET", "/metrics").status == 401)
        }
    }
}
