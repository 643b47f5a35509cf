import CloudflareEmulator
import Configuration
import Foundation
import HTTPClient
import HTTPFields
import ImageStore
import JSON
import TestSupport
import Testing

@testable import ImagesAPI

@Suite struct UploadURLTests {
    @Test func validationErrorsUseDRFMessagesInFieldOrder() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let response = try await h.send(
                "POST", "api/upload-url/", token: alice,
                json:
                    #"{"custom_id":"  ","metadata":[1],"require_signed_urls":"maybe","expiry_minutes":1,"filename":"\#(String(repeating: "x", count: 256))","creator":null}"#
            )
            #expect(response.status == 400)
            #expect(
                response.text
                    == #"{"custom_id":["This field may not be blank."],"metadata":["metadata must be a JSON object."],"require_signed_urls":["Must be a valid boolean."],"expiry_minutes":["Ensure this value is greater than or equal to 2."],"filename":["Ensure this field has no more than 255 characters."],"creator":["This field may not be null."]}"#
            )
            #expect(h.faults.calls(.directUpload) == 0)
        }
    }

    @Test func cloudflareLimitsAreCheckedBeforeCallingIt() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let cases: [(String, String)] = [
                (#"{"custom_id":"/lead"}"#, #"{"custom_id":["Custom ID must not start or end with \"/\"."]}"#),
                (#"{"custom_id":"trail/"}"#, #"{"custom_id":["Custom ID must not start or end with \"/\"."]}"#),
                (
                    #"{"custom_id":"4f9c3a2e-1b7d-4e2a-9c1f-0d2e3f4a5b6c"}"#,
                    #"{"custom_id":["Custom ID must not be a UUID."]}"#
                ),
                (
                    #"{"custom_id":"\#(String(repeating: "a", count: 256))"}"#,
                    #"{"custom_id":["Ensure this field has no more than 255 characters."]}"#
                ),
                (
                    #"{"metadata":{"big":"\#(String(repeating: "m", count: 1100))"}}"#,
                    #"{"metadata":["Ensure metadata is no more than 1024 bytes when serialized."]}"#
                ),
                (
                    #"{"expiry_minutes":361}"#,
                    #"{"expiry_minutes":["Ensure this value is less than or equal to 360."]}"#
                ),
                (#"{"expiry_minutes":2.5}"#, #"{"expiry_minutes":["A valid integer is required."]}"#),
                (#"{"metadata":null}"#, #"{"metadata":["This field may not be null."]}"#),
                (#"{"filename":"a\u0000b"}"#, #"{"filename":["Null characters are not allowed."]}"#),
                (#"{"creator":true}"#, #"{"creator":["Not a valid string."]}"#),
            ]
            for (body, expected) in cases {
                let response = try await h.send("POST", "api/upload-url/", token: alice, json: body)
                #expect(response.status == 400, "\(body)")
                #expect(response.text == expected, "\(body)")
            }
            #expect(h.faults.calls(.directUpload) == 0)
        }
    }

    @Test func bodiesMustBeJSONObjectsWithinTheLimit() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let cases: [(String, Int, String)] = [
                ("null", 400, #"{"non_field_errors":["No data provided"]}"#),
                ("[1]", 400, #"{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}"#),
                ("\"x\"", 400, #"{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}"#),
            ]
            for (body, status, expected) in cases {
                let response = try await h.send("POST", "api/upload-url/", token: alice, json: body)
                #expect(response.status == status)
                #expect(response.text == expected)
            }
            let malformed = try await h.send("POST", "api/upload-url/", token: alice, json: "{nope")
            #expect(malformed.status == 400)
            #expect(malformed.object?.string("detail")?.hasPrefix("JSON parse error - ") == true)
            let text = try await h.send(
                "POST", "api/upload-url/", token: alice, body: Array("x".utf8),
                headers: [("Content-Type", "text/plain")])
            #expect(text.status == 415)
            #expect(text.text == #"{"detail":"Unsupported media type \"text/plain\" in request."}"#)
            let huge = try await h.send(
                "POST", "api/upload-url/", token: alice,
                json: #"{"filename":"\#(String(repeating: "y", count: 1 << 20))"}"#)
            #expect(huge.status == 413)
            #expect(huge.object?["detail"] != nil)
            #expect(h.faults.calls(.directUpload) == 0)
        }
    }

    @Test func defaultsComeFromSettingsAndFormBodiesWork() async throws {
        try await withHarness(configure: {
            $0.defaultMetadataJSON = #"{"team":"web","env":"test"}"#
            $0.defaultCreator = "svc"
            $0.requireSignedURLs = false
            $0.defaultExpiryMinutes = 45
        }) { h in
            let alice = try await h.token("alice")
            let before = h.clock.now
            let upload = try await h.createUpload(alice, #"{"metadata":{"env":"prod"}}"#)
            let cloudflareID = try #require(upload.string("cloudflare_id"))
            let stored = try #require(try await h.repository.image(.cloudflareID(cloudflareID), owner: nil))
            #expect(stored.metadata == ["team": "web", "env": "prod"])
            #expect(stored.creator == "svc")
            #expect(stored.requireSignedURLs == false)
            #expect(abs(stored.expiresAt.timeIntervalSince(before) - 45 * 60) < 1)
            #expect(try await h.emulator.image(cloudflareID)?.creator == "svc")
            #expect(try await h.emulator.image(cloudflareID)?.metadata == ["team": "web", "env": "prod"])

            let form = try await h.send(
                "POST", "api/upload-url/", token: alice,
                body: Array("filename=a+b.png&require_signed_urls=true&creator=".utf8),
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(form.status == 201)
            let formID = try #require(form.object?.string("cloudflare_id"))
            let formImage = try #require(try await h.repository.image(.cloudflareID(formID), owner: nil))
            #expect(formImage.originalFilename == "a b.png")
            #expect(formImage.requireSignedURLs)
            #expect(formImage.creator == "")
            #expect(try await h.emulator.image(formID)?.creator == nil)
        }
    }

    @Test func duplicateCustomIDIs400() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let bob = try await h.token("bob")
            _ = try await h.createUpload(alice, #"{"custom_id":"logo"}"#)
            try await h.emulator.putImage(StoredImage(id: "foreign"))
            // Taken by another user, by the caller, or by an image of the account nobody here tracks: one answer.
            for (token, id) in [(bob, "logo"), (alice, "logo"), (bob, "foreign")] {
                let again = try await h.send("POST", "api/upload-url/", token: token, json: #"{"custom_id":"\#(id)"}"#)
                #expect(again.status == 400)
                #expect(again.text == #"{"custom_id":["This custom ID is not available."]}"#)
            }
            #expect(h.faults.calls(.directUpload) == 2)
        }
    }

    @Test func cloudflareFailuresMapToJSONErrorsAndLeaveNoRow() async throws {
        try await withHarness(requestTimeout: .milliseconds(500)) { h in
            let alice = try await h.token("alice")
            let cases: [(CloudflareFaults.Fault, Int)] = [
                (.status(500), 502), (.status(503), 502), (.hang(.seconds(2)), 504), (.status(400), 400),
                (.status(403), 400), (.apiError("Bad thing"), 400),
                // Last: a 429 pauses the client's request budget for Retry-After.
                (.status(429, retryAfter: 7), 503),
            ]
            for (fault, status) in cases {
                h.faults.inject(fault, for: .directUpload)
                let response = try await h.send("POST", "api/upload-url/", token: alice, json: "{}")
                #expect(response.status == status, "\(fault)")
                let message = try #require(response.object?.string("error"))
                #expect(message.hasPrefix("Failed to create upload URL: "))
                #expect(!message.contains("cf-api-token"))
                if status == 503 { #expect(response.header("Retry-After") == "7") }
            }
            #expect(try await h.send("GET", "api/images/", token: alice).object?["count"] == .int(0))
            #expect(try await h.repository.counts(owner: nil).total == 0)
        }
    }
}

/// Cloudflare documents that images with a custom id cannot require signed URLs.
@Suite struct CustomIDSigningTests {
    @Test func anExplicitPrivateCustomIDIsRefusedBeforeCloudflareAndTheDefaultIsPublic() async throws {
        try await withHarness(configure: { $0.requireSignedURLs = true }) { h in
            let alice = try await h.token("alice")
            let refused = try await h.send(
                "POST", "api/upload-url/", token: alice, json: #"{"custom_id":"hero","require_signed_urls":true}"#)
            #expect(refused.status == 400)
            #expect(
                refused.object?["custom_id"] != nil && refused.object?["require_signed_urls"] != nil, "\(refused.text)")
            #expect(h.faults.calls(.directUpload) == 0)
            _ = try await h.createUpload(alice, #"{"custom_id":"hero"}"#)
            #expect(try await h.repository.image(.cloudflareID("hero"), owner: nil)?.requireSignedURLs == false)
            #expect(try await h.emulator.image("hero")?.requireSignedURLs == false)
            let withoutID = try await h.createUpload(alice, "{}")
            let cloudflareID = try #require(withoutID.string("cloudflare_id"))
            #expect(
                try await h.repository.image(.cloudflareID(cloudflareID), owner: nil)?.requireSignedURLs == true,
                "the setting still applies without a custom id")
        }
    }

    @Test func theEmulatorRefusesThemToo() async throws {
        let service = try await EmulatorService.start()
        try await running(service) { s in
            let direct = try await sharedHTTPClient.send(
                HTTPClientRequest(
                    method: "POST", url: s.emulator.apiBaseURL + "/accounts/emu-account/images/v2/direct_upload",
                    headers: ["Authorization": "Bearer emu-token"],
                    body: .multipart(
                        {
                            var form = MultipartForm()
                            form.append("id", "x")
                            form.append("requireSignedURLs", "true")
                            return form
                        }())))
            #expect(direct.status == 400)
        }
    }
}

/// What is sent as `expiry` lies inside Cloudflare's window when it arrives, for both bounds of `expiry_minutes`.
@Suite struct UploadExpiryWindowTests {
    @Test func theBoundsAreAcceptedByAnEmulatorThatChecksOnArrival() async throws {
        let service = try await EmulatorService.start()
        try await running(service) { s in
            for minutes in [2, 3, 359, 360] {
                let response = try await s.send("POST", "api/upload-url/", json: #"{"expiry_minutes":\#(minutes)}"#)
                #expect(response.status == 201, "\(minutes): \(response.text)")
            }
        }
    }

    @Test func theSentExpiryKeepsAMarginForTransit() {
        let now = Date(timeIntervalSince1970: 1_767_225_600.75)
        let floor = 1_767_225_600.0
        #expect(APIContext.expiry(minutes: 2, now: now).timeIntervalSince1970 == floor + 151)
        #expect(APIContext.expiry(minutes: 3, now: now).timeIntervalSince1970 == floor + 180)
        #expect(APIContext.expiry(minutes: 30, now: now).timeIntervalSince1970 == floor + 1_800)
        #expect(APIContext.expiry(minutes: 360, now: now).timeIntervalSince1970 == floor + 21_570)
        for minutes in 2...360 {
            let sent = APIContext.expiry(minutes: minutes, now: now).timeIntervalSince1970
            // Arriving anywhere in the next 30 s, it is inside [arrival + 120 s, arrival + 6 h].
            for transit in [0.0, 30.0] {
                let arrival = now.timeIntervalSince1970 + transit
                #expect(sent >= arrival + 120 && sent <= arrival + 21_600, "\(minutes) min, \(transit) s in transit")
            }
        }
    }
}
