import CloudflareEmulator
import Foundation
import ImageStore
import JSON
import TestSupport
import Testing

/// The usage registry over HTTP: the reference's read API (`api/usages/`, `api/images/{id}/usages/`,
/// `api/images/orphans/`, `?orphaned=`, stats), its delete semantics (409 unless `force`), and the writes a
/// standalone service adds (register, remove, replace an object's references, reconcile a content type).
@Suite struct UsageRegistryTests {
    /// An uploaded image of `token`'s user with a custom id; returns our id.
    func uploaded(_ h: APIHarness, _ token: String, _ customID: String) async throws -> String {
        let upload = try await h.createUpload(token, #"{"custom_id":"\#(customID)"}"#)
        let id = try #require(upload.string("id"))
        try await h.completeUpload(customID)
        _ = try await h.send("POST", "api/images/\(id)/check_status/", token: token)
        return id
    }

    func register(_ h: APIHarness, _ token: String, _ json: String) async throws -> TestResponse {
        try await h.send("POST", "api/usages/", token: token, json: json)
    }

    @Test func registeredUsagesShowInEveryReadAndInTheStats() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let used = try await uploaded(h, alice, "used-one")
            let free = try await uploaded(h, alice, "free-one")
            let created = try await register(
                h, alice,
                #"{"cloudflare_id":"used-one","content_type":"blog.post","object_id":"7","field_name":"cover"}"#)
            #expect(created.status == 201, "\(created.text)")
            let usage = try #require(created.object)
            #expect(
                usage.keys.sorted() == [
                    "cloudflare_id", "content_object", "content_type", "created_at", "field_name", "id",
                    "image", "is_unregistered", "object_id", "updated_at",
                ])
            #expect(
                usage.string("image") == used && usage["is_unregistered"] == false && usage["content_object"] == .null)
            // The same slot again is an update of that row.
            #expect(
                try await register(
                    h, alice, #"{"image":"\#(used)","content_type":"blog.post","object_id":"7","field_name":"cover"}"#
                ).status == 200)

            let list = try await h.send("GET", "api/usages/", token: alice)
            #expect(list.object?["count"] == .int(1) && list.object?["next"] == .null)
            let perImage = try await h.send("GET", "api/images/\(used)/usages/", token: alice)
            #expect(perImage.json?.arrayValue?.count == 1)
            #expect(try await h.send("GET", "api/images/\(free)/usages/", token: alice).text == "[]")

            let orphans = try await h.send("GET", "api/images/orphans/", token: alice)
            #expect(orphans.object?["count"] == .int(1))
            #expect(orphans.object?["results"]?.arrayValue?.first?.objectValue?.string("id") == free)
            #expect(try await h.send("GET", "api/images/?orphaned=true", token: alice).object?["count"] == .int(1))
            // As in the reference, a false value filters nothing.
            #expect(try await h.send("GET", "api/images/?orphaned=false", token: alice).object?["count"] == .int(2))
            #expect(try await h.send("GET", "api/images/?orphaned=maybe", token: alice).status == 400)
            #expect(try await h.send("GET", "api/images/\(used)/?orphaned=true", token: alice).status == 404)

            let stats = try await h.send("GET", "api/stats/", token: alice)
            #expect(stats.object?["total_usages"] == .int(1) && stats.object?["orphaned_images"] == .int(1))
        }
    }

    @Test func anImageInUseIsNotDeletedUnlessForced() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let admin = try await h.token("root", admin: true)
            let id = try await uploaded(h, alice, "in-use")
            _ = try await register(
                h, alice, #"{"cloudflare_id":"in-use","content_type":"blog.post","object_id":"1","field_name":"cover"}"#
            )
            let refused = try await h.send("DELETE", "api/images/\(id)/", token: alice)
            #expect(refused.status == 409)
            #expect(refused.object?.string("error") == "Image is still referenced by content.")
            #expect(refused.object?["usages"]?.arrayValue?.count == 1)
            #expect(try await h.send("DELETE", "api/images/\(id)/delete_from_cloudflare/", token: alice).status == 409)
            #expect(h.faults.calls(.delete) == 0)

            let bulk = try await h.send(
                "POST", "api/images/bulk_delete/", token: alice, json: #"{"ids":["\#(id)"],"force":false}"#)
            #expect(
                bulk.text
                    == #"{"results":[{"id":"\#(id)","cloudflare_id":"in-use","status":"in_use","usage_count":1}]}"#)

            #expect(try await h.send("DELETE", "api/images/\(id)/?force=true", token: alice).status == 204)
            #expect(h.faults.calls(.delete) == 1)
            // The reference stays, unregistered: visible to staff only.
            let unregistered = try await h.send("GET", "api/usages/?unregistered=true", token: admin)
            #expect(unregistered.object?["count"] == .int(1))
            #expect(try await h.send("GET", "api/usages/?unregistered=true", token: alice).object?["count"] == .int(0))

            let second = try await uploaded(h, alice, "forced-bulk")
            _ = try await register(
                h, alice, #"{"cloudflare_id":"forced-bulk","content_type":"blog.post","object_id":"2"}"#)
            let forced = try await h.send(
                "POST", "api/images/bulk_delete/", token: alice,
                json: #"{"cloudflare_ids":["forced-bulk"],"force":true}"#)
            #expect(
                forced.text == #"{"results":[{"id":"\#(second)","cloudflare_id":"forced-bulk","status":"deleted"}]}"#)
        }
    }

    @Test func usersReferenceOnlyTheirOwnImagesAndSeeOnlyTheirUsages() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let bob = try await h.token("bob")
            let admin = try await h.token("root", admin: true)
            _ = try await uploaded(h, alice, "alices")
            let stolen = try await register(
                h, bob, #"{"cloudflare_id":"alices","content_type":"blog.post","object_id":"1"}"#)
            #expect(stolen.status == 400)
            #expect(stolen.text == #"{"cloudflare_id":["No image with this Cloudflare id is yours."]}"#)
            #expect(
                try await register(
                    h, bob, #"{"cloudflare_id":"nobody-tracks","content_type":"blog.post","object_id":"1"}"#
                ).status == 400)
            let usage = try await register(
                h, alice, #"{"cloudflare_id":"alices","content_type":"blog.post","object_id":"1"}"#)
            let usageID = try #require(usage.object?["id"].flatMap { if case .int(let n) = $0 { n } else { nil } })
            #expect(try await h.send("GET", "api/usages/", token: bob).object?["count"] == .int(0))
            #expect(try await h.send("GET", "api/usages/\(usageID)/", token: bob).status == 404)
            #expect(try await h.send("DELETE", "api/usages/\(usageID)/", token: bob).status == 404)
            #expect(
                try await h.send("GET", "api/usages/\(usageID)/", token: alice).object?.string("field_name") == "manual"
            )

            // Staff may record a reference to an image nobody tracks; it links once the image is tracked.
            let early = try await register(
                h, admin,
                #"{"cloudflare_id":"arrives/later","content_type":"blog.post","object_id":"9","field_name":"hero"}"#)
            #expect(early.status == 201 && early.object?["is_unregistered"] == true)
            let later = try await uploaded(h, alice, "arrives/later")
            let linked = try await h.send("GET", "api/images/\(later)/usages/", token: alice)
            #expect(linked.json?.arrayValue?.first?.objectValue?["is_unregistered"] == false)

            #expect(try await h.send("DELETE", "api/usages/\(usageID)/", token: alice).status == 204)
            #expect(try await h.send("GET", "api/usages/\(usageID)/", token: alice).status == 404)
        }
    }

    @Test func usageIDsAtTheBoundariesAreNotFound() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            for id in [
                "0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e3", "abc", "%00",
            ] {
                #expect(try await h.send("GET", "api/usages/\(id)/", token: alice).status == 404, "\(id)")
                #expect(try await h.send("DELETE", "api/usages/\(id)/", token: alice).status == 404, "\(id)")
            }
            for value in ["2147483648", "-1", "99999999999999999999"] {
                #expect(
                    [200, 404].contains(try await h.send("GET", "api/usages/?page=\(value)", token: alice).status),
                    "\(value)")
            }
            // Sizes above 100 are capped; below 1 or not an integer is a 400 naming the parameter.
            for value in ["2147483648", "99999999999999999999"] {
                #expect(
                    try await h.send("GET", "api/usages/?page_size=\(value)", token: alice).status == 200, "\(value)")
            }
            for value in ["-1", "0", "abc"] {
                let response = try await h.send("GET", "api/usages/?page_size=\(value)", token: alice)
                #expect(response.status == 400, "\(value)")
                #expect(response.object?["page_size"] != nil, "\(value): \(response.text)")
            }
        }
    }

    @Test func replacingAnObjectsReferencesKeepsManualRows() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            for id in ["a", "b", "c"] { _ = try await uploaded(h, alice, id) }
            let first = try await h.send(
                "PUT", "api/usages/object/", token: alice,
                json: #"{"content_type":"blog.post","object_id":"5","references":{"cover":"a","thumb":"b"}}"#)
            #expect(first.status == 200, "\(first.text)")
            #expect(first.object?["created"] == .int(2) && first.object?["usages"]?.arrayValue?.count == 2)
            _ = try await register(
                h, alice, #"{"cloudflare_id":"c","content_type":"blog.post","object_id":"5","field_name":"body"}"#)
            h.clock.advance(1)
            let second = try await h.send(
                "PUT", "api/usages/object/", token: alice,
                json:
                    #"{"content_type":"blog.post","object_id":"5","references":{"cover":"b","thumb":null,"body":"a"}}"#)
            #expect(
                second.object?["changed"] == .int(1) && second.object?["removed"] == .int(1)
                    && second.object?["kept_manual"] == .int(1))
            let fields = second.object?["usages"]?.arrayValue?.compactMap { $0.objectValue?.string("field_name") }
                .sorted()
            #expect(fields == ["body", "cover"])
            let bad = try await h.send(
                "PUT", "api/usages/object/", token: alice,
                json: #"{"content_type":"Blog","object_id":"5","references":[]}"#)
            #expect(bad.status == 400)
            #expect(bad.object?["content_type"] != nil && bad.object?["references"] != nil)
        }
    }

    @Test func reconcilingAContentTypeRemovesWhatItDoesNotName() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            for id in ["r1", "r2"] { _ = try await uploaded(h, alice, id) }
            for object in ["1", "2", "3"] {
                _ = try await h.send(
                    "PUT", "api/usages/object/", token: alice,
                    json: #"{"content_type":"shop.item","object_id":"\#(object)","references":{"photo":"r1"}}"#)
            }
            _ = try await register(
                h, alice, #"{"cloudflare_id":"r2","content_type":"shop.item","object_id":"3","field_name":"extra"}"#)
            h.clock.advance(1)
            let reconciled = try await h.send(
                "POST", "api/usages/reconcile/", token: alice,
                json:
                    #"{"content_type":"shop.item","references":[{"object_id":"1","field_name":"photo","cloudflare_id":"r1"},{"object_id":"2","field_name":"photo","cloudflare_id":"r2"}]}"#
            )
            #expect(reconciled.text == #"{"created":0,"changed":1,"unchanged":1,"kept_manual":0,"removed":1}"#)
            let list = try await h.send("GET", "api/usages/?content_type=shop.item&ordering=created_at", token: alice)
            let rows = list.object?["results"]?.arrayValue?.compactMap { $0.objectValue } ?? []
            #expect(
                rows.map {
                    "\($0.string("object_id") ?? "")/\($0.string("field_name") ?? "")/\($0.string("cloudflare_id") ?? "")"
                }
                    == ["1/photo/r1", "2/photo/r2", "3/extra/r2"])
            #expect(try await h.send("GET", "api/usages/?ordering=size", token: alice).status == 400)
            #expect(try await h.send("GET", "api/usages/?search=extra", token: alice).object?["count"] == .int(1))
            #expect(try await h.send("GET", "api/usages/?field_name=photo", token: alice).object?["count"] == .int(2))
            #expect(
                try await h.send("GET", "api/usages/?content_type=shop.item&object_id=3", token: alice).object?["count"]
                    == .int(1))
            // Without a dot the content type filters nothing, as in the reference.
            #expect(try await h.send("GET", "api/usages/?content_type=item", token: alice).object?["count"] == .int(3))
        }
    }

    @Test func uploadedImagesAreRegisteredOnlyWhenCloudflareHasTheirBytes() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            try await h.emulator.putImage(
                StoredImage(
                    id: "elsewhere", creator: "app-7", metadata: ["k": "v"], uploaded: APIHarness.uploadedAt,
                    draft: false))
            try await h.emulator.putImage(StoredImage(id: "still-draft"))
            #expect(
                try await h.send(
                    "POST", "api/images/register/", token: alice, json: #"{"cloudflare_id":"still-draft"}"#
                ).status == 409)
            #expect(
                try await h.send("POST", "api/images/register/", token: alice, json: #"{"cloudflare_id":"nowhere"}"#)
                    .status == 404)
            let wrongCreator = try await h.send(
                "POST", "api/images/register/", token: alice,
                json: #"{"cloudflare_id":"elsewhere","expected_creator":"app-8"}"#)
            #expect(wrongCreator.status == 403)
            let registered = try await h.send(
                "POST", "api/images/register/", token: alice,
                json: #"{"cloudflare_id":"elsewhere","expected_creator":"app-7"}"#)
            #expect(registered.status == 201, "\(registered.text)")
            #expect(registered.object?.string("status") == "uploaded" && registered.object?["metadata"] == ["k": "v"])
            #expect(
                try await h.send("POST", "api/images/register/", token: alice, json: #"{"cloudflare_id":"elsewhere"}"#)
                    .status == 200)
            let bob = try await h.token("bob")
            #expect(
                try await h.send("POST", "api/images/register/", token: bob, json: #"{"cloudflare_id":"elsewhere"}"#)
                    .status == 400)
        }
    }
}

extension JSONValue {
    /// The elements of an array; nil for anything else.
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
