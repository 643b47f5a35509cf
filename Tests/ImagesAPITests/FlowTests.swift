import CloudflareEmulator
import Foundation
import HTTPClient
import ImagesAPI
import JSON
import TestSupport
import Testing

@Suite struct FlowTests {
    @Test func fullFlowFromUploadURLToDelete() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let created = try await h.send(
                "POST", "api/upload-url/", token: alice,
                json:
                    #"{"custom_id":"products/1/hero","metadata":{"sku":"A-1"},"filename":"hero.jpg","expiry_minutes":60}"#
            )
            #expect(created.status == 201)
            let upload = try #require(created.object)
            #expect(Array(upload.keys).sorted() == ["cloudflare_id", "expires_at", "id", "status", "upload_url"])
            #expect(created.text.hasPrefix(#"{"id":""#))
            #expect(upload.string("cloudflare_id") == "products/1/hero")
            #expect(upload.string("status") == "pending")
            let id = try #require(upload.string("id"))
            let uploadURL = try #require(upload.string("upload_url"))

            // The browser uploads the file to the one-time URL.
            var form = MultipartForm()
            form.append(
                "file", filename: "photo.jpg", contentType: "image/gif",
                data: EmulatorFlowTests.gif(width: 4, height: 2))
            let sent = try await sharedHTTPClient.send(
                HTTPClientRequest(method: "POST", url: uploadURL, body: .multipart(form)))
            #expect(sent.status == 200)
            let uploadedAt = try #require(try await h.emulator.image("products/1/hero")?.uploaded)
            h.clock.advance(5)  // the check comes later: `uploaded_at` must be Cloudflare's time, not the check's

            let checked = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            #expect(checked.status == 200)
            let status = try #require(checked.object)
            #expect(status.string("status") == "uploaded")
            #expect(status.string("public_url") == "https://imagedelivery.net/HASH123/products/1/hero/public")
            #expect(status.string("thumbnail_url") == "https://imagedelivery.net/HASH123/products/1/hero/thumbnail")
            #expect(status["is_uploaded"] == .bool(true))
            #expect(checked.text.contains(#""uploaded_at":"\#(Timestamp(uploadedAt))""#), "Cloudflare's upload time")

            let list = try await h.send("GET", "api/images/?status=uploaded", token: alice)
            #expect(list.status == 200)
            #expect(list.object?["count"] == .int(1))

            let stats = try await h.send("GET", "api/stats/", token: alice)
            #expect(
                stats.text
                    == #"{"total_images":1,"uploaded_images":1,"pending_images":0,"draft_images":0,"failed_images":0,"expired_images":0,"total_file_size":0,"images_with_signed_urls":0,"total_usages":0,"orphaned_images":1}"#
            )

            let detail = try await h.send("GET", "api/images/\(id)", token: alice)
            #expect(detail.status == 200)
            let keys = [
                "id", "cloudflare_id", "filename", "original_filename", "content_type", "file_size", "upload_url",
                "status", "require_signed_urls", "metadata", "created_at", "updated_at", "uploaded_at", "expires_at",
                "variants", "cloudflare_metadata", "public_url", "thumbnail_url", "is_expired", "is_uploaded",
            ]
            #expect(Self.keyOrder(detail.text) == keys)
            #expect(detail.object?.string("original_filename") == "hero.jpg")
            #expect(detail.object?.string("filename") == "photo.jpg")
            #expect(detail.object?["metadata"] == .object(["sku": "A-1"]))
            #expect(detail.object?["cloudflare_metadata"] == .object(["sku": "A-1"]))

            let logs = try await h.send("GET", "api/images/\(id)/logs/", token: alice)
            #expect(logs.status == 200)
            guard case .array(let entries)? = logs.json else {
                Issue.record("logs not a list")
                return
            }
            #expect(
                entries.compactMap { $0.objectValue?.string("event_type") } == ["status_checked", "upload_url_created"])

            let byCF = try await h.send("GET", "api/images/by-cloudflare-id/products/1/hero/", token: alice)
            #expect(byCF.status == 200)
            #expect(byCF.object?.string("id") == id)

            let deleted = try await h.send("DELETE", "api/images/\(id)/", token: alice)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            #expect(try await h.emulator.image("products/1/hero") == nil)
            #expect(try await h.send("GET", "api/images/\(id)/", token: alice).status == 404)
        }
    }

    @Test func healthzIsOutsideThePrefixAndNeedsNoToken() async throws {
        try await withHarness { h in
            let response = try await h.send("GET", "/healthz")
            #expect(response.status == 200)
            #expect(response.text == #"{"status":"ok","version":"\#(OpenAPIDocument.version)"}"#)
        }
    }

    @Test func postOnImageListIs405WithAllow() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let response = try await h.send("POST", "api/images/", token: alice, json: "{}")
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
            #expect(response.text == #"{"detail":"Method \"POST\" not allowed."}"#)
            let anonymous = try await h.send("DELETE", "api/stats/")
            #expect(anonymous.status == 401)
        }
    }

    /// Top-level keys of a JSON object, in document order.
    static func keyOrder(_ text: String) -> [String] {
        var keys: [String] = []
        var depth = 0
        var inString = false
        var escape = false
        var current = ""
        var lastString = ""
        for character in text {
            if inString {
                if escape {
                    escape = false
                    current.append(character)
                    continue
                }
                if character == "\\" {
                    escape = true
                    continue
                }
                if character == "\"" {
                    inString = false
                    lastString = current
                    continue
                }
                current.append(character)
                continue
            }
            switch character {
            case "\"":
                inString = true
                current = ""
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            case ":": if depth == 1 { keys.append(lastString) }
            default: break
            }
        }
        return keys
    }
}
