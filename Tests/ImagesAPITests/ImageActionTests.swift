import CloudflareEmulator
import Foundation
import ImageStore
import JSON
import TestSupport
import Testing

@Suite struct ImageActionTests {
    @Test func patchValidatesAndPushesToCloudflareOnlyWhenItHoldsTheImage() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let upload = try await h.createUpload(alice, #"{"custom_id":"editable"}"#)
            let id = try #require(upload.string("id"))

            let invalid = try await h.send(
                "PATCH", "api/images/\(id)/", token: alice,
                json: #"{"filename":5.0,"file_size":-1,"require_signed_urls":"x","metadata":"s","status":"failed"}"#)
            #expect(invalid.status == 400)
            #expect(
                invalid.text
                    == #"{"file_size":["Ensure this value is greater than or equal to 0."],"require_signed_urls":["Must be a valid boolean."],"metadata":["metadata must be a JSON object."]}"#
            )

            // Pending: Cloudflare has only a draft slot we do not patch; the local row changes, and the metadata is
            // pushed once a status check sees the upload.
            let pending = try await h.send(
                "PATCH", "api/images/\(id)/", token: alice,
                json: #"{"filename":"new.png","metadata":{"a":1},"status":"failed"}"#)
            #expect(pending.status == 200)
            #expect(pending.object?.string("filename") == "new.png")
            #expect(pending.object?.string("status") == "pending")
            #expect(h.faults.calls(.patch) == 0)

            try await h.completeUpload("editable")
            _ = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            let pushed = try await h.send(
                "PUT", "api/images/\(id)", token: alice, json: #"{"metadata":{"a":2},"require_signed_urls":false}"#)
            #expect(pushed.status == 200)
            #expect(h.faults.calls(.patch) == 2)
            #expect(try await h.emulator.image("editable")?.metadata == ["a": 2])
            #expect(try await h.emulator.image("editable")?.requireSignedURLs == false)

            h.faults.inject(.status(502), for: .patch)
            let failed = try await h.send("PATCH", "api/images/\(id)/", token: alice, json: #"{"metadata":{"a":3}}"#)
            #expect(failed.status == 502)
            #expect(failed.object?.string("error")?.hasPrefix("Failed to update image: ") == true)
            let stored = try #require(try await h.repository.image(.id(UUID(uuidString: id)!), owner: nil))
            #expect(stored.metadata == ["a": 2])
            let logs = try await h.repository.logs(imageID: stored.id, limit: nil).map(\.eventType)
            #expect(
                logs == [
                    "image_updated", "cloudflare_settings_applied", "status_checked", "image_updated",
                    "upload_url_created",
                ])
        }
    }

    @Test func deleteTreatsCloudflareNotFoundAsDeletedAndKeepsRowOnFailure() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let first = try #require(try await h.createUpload(alice).string("id"))
            let second = try await h.createUpload(alice)
            let secondID = try #require(second.string("id"))
            try await h.emulator.removeImage(try #require(second.string("cloudflare_id")))
            #expect(try await h.send("DELETE", "api/images/\(secondID)/", token: alice).status == 204)

            h.faults.inject(.status(500), for: .delete)
            let failed = try await h.send("DELETE", "api/images/\(first)/", token: alice)
            #expect(failed.status == 502)
            #expect(try await h.send("GET", "api/images/\(first)/", token: alice).status == 200)
            h.faults.inject(.status(400), for: .delete)
            #expect(try await h.send("DELETE", "api/images/\(first)/", token: alice).status == 400)
        }
    }

    @Test func checkStatusMapsCloudflareErrors() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let upload = try await h.createUpload(alice)
            let id = try #require(upload.string("id"))
            try await h.emulator.removeImage(try #require(upload.string("cloudflare_id")))
            let missing = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            #expect(missing.status == 400)
            #expect(missing.object?.string("error")?.hasPrefix("Failed to check image status: ") == true)
            h.faults.inject(.status(500), for: .get)
            #expect(try await h.send("POST", "api/images/\(id)/check_status/", token: alice).status == 502)
        }
    }

    @Test func bulkDeleteReportsPerItem() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let a = try await h.createUpload(alice, #"{"custom_id":"bulk-a"}"#)
            let b = try await h.createUpload(alice, #"{"custom_id":"bulk-b"}"#)
            let aID = try #require(a.string("id"))
            let bID = try #require(b.string("id"))
            let ghost = "00000000-0000-4000-8000-000000000000"

            let invalid = try await h.send(
                "POST", "api/images/bulk_delete/", token: alice, json: #"{"ids":["x",1.5],"cloudflare_ids":"s"}"#)
            #expect(
                invalid.text
                    == #"{"ids":{"0":["Must be a valid UUID."],"1":["Must be a valid UUID."]},"cloudflare_ids":["Expected a list of items but got type \"str\"."]}"#
            )
            let empty = try await h.send("POST", "api/images/bulk_delete/", token: alice, json: "{}")
            #expect(empty.text == #"{"non_field_errors":["Provide at least one of 'ids' or 'cloudflare_ids'."]}"#)

            let response = try await h.send(
                "POST", "api/images/bulk_delete/", token: alice,
                json: #"{"ids":["\#(aID)","\#(ghost)","\#(aID.uppercased())"],"cloudflare_ids":["bulk-a","nope"]}"#)
            #expect(response.status == 200)
            #expect(
                response.text
                    == #"{"results":[{"id":"\#(aID)","cloudflare_id":"bulk-a","status":"deleted"},{"id":"\#(ghost)","status":"not_found"},{"cloudflare_id":"nope","status":"not_found"}]}"#
            )

            h.faults.inject(.status(500), for: .delete)
            let failing = try await h.send(
                "POST", "api/images/bulk_delete/", token: alice, json: #"{"cloudflare_ids":["bulk-b"]}"#)
            let item = try #require(failing.object?["results"]).arrayItems.first?.objectValue
            #expect(item?.string("status") == "error")
            #expect(item?.string("id") == bID)
            #expect(item?.string("error")?.hasPrefix("Failed to delete image: ") == true)

            let wrongMethod = try await h.send("GET", "api/images/bulk_delete/", token: alice)
            #expect(wrongMethod.status == 405)
        }
    }

    @Test func bulkStatusCheckIsNewestFirstAndBounded() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let a = try await h.createUpload(alice, #"{"custom_id":"st-a"}"#)
            h.clock.advance(1)
            let b = try await h.createUpload(alice, #"{"custom_id":"st-b"}"#)
            try await h.completeUpload("st-a")
            try await h.emulator.removeImage("st-b")
            let ids = [try #require(a.string("id")), try #require(b.string("id"))]
            let response = try await h.send(
                "POST", "api/images/bulk_status_check/", token: alice,
                json: #"{"image_ids":["\#(ids[0])","\#(ids[1])"]}"#)
            #expect(response.status == 200)
            let items = try #require(response.object?["results"]).arrayItems.compactMap(\.objectValue)
            #expect(items.map { $0.string("cloudflare_id") } == ["st-b", "st-a"])
            #expect(items[0]["error"] != nil)
            #expect(items[1].string("status") == "uploaded")

            let tooMany = (0...50).map { _ in "\"\(UUID().uuidString)\"" }.joined(separator: ",")
            let bounded = try await h.send(
                "POST", "api/images/bulk_status_check/", token: alice, json: #"{"image_ids":[\#(tooMany)]}"#)
            #expect(bounded.text == #"{"image_ids":["Ensure this field has no more than 50 elements."]}"#)
            let missing = try await h.send("POST", "api/images/bulk_status_check/", token: alice, json: "{}")
            #expect(missing.text == #"{"image_ids":["This field is required."]}"#)
        }
    }

    @Test func statsForAdminsIncludeGlobalAndCloudflareUsage() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let root = try await h.token("root", admin: true)
            let first = try await h.createUpload(alice)
            let second = try await h.createUpload(alice, #"{"require_signed_urls":false}"#)
            // Cloudflare counts images whose bytes arrived; the service has not been told of these uploads yet.
            for upload in [first, second] { try await h.completeUpload(try #require(upload.string("cloudflare_id"))) }
            let stats = try await h.send("GET", "api/stats/", token: root)
            #expect(stats.text.hasPrefix(#"{"total_images":0,"#))
            #expect(
                stats.text.hasSuffix(
                    #""global":{"total_images":2,"uploaded_images":0,"pending_images":2,"draft_images":0,"failed_images":0,"expired_images":0,"total_file_size":0,"images_with_signed_urls":1,"total_usages":0,"orphaned_images":2},"cloudflare":{"allowed":100000,"current":2}}"#
                ))
            h.faults.inject(.status(500), for: .stats)
            let degraded = try await h.send("GET", "api/stats/", token: root)
            #expect(degraded.status == 200)
            #expect(degraded.object?["cloudflare"] == .null)
            #expect(degraded.object?.string("cloudflare_error")?.isEmpty == false)
            let own = try await h.send("GET", "api/stats/", token: alice)
            #expect(own.object?["global"] == nil)
            #expect(own.object?["pending_images"] == .int(2))
        }
    }
}

extension JSONValue {
    var arrayItems: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
