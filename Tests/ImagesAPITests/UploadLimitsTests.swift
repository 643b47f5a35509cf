import CloudflareEmulator
import Configuration
import Foundation
import ImageStore
import ImagesAPI
import Testing

/// `CLOUDFLARE_IMAGES_MAX_FILE_SIZE_MB` and `CLOUDFLARE_IMAGES_ALLOWED_FORMATS`, wherever the service sees an
/// image's name, type or size: upload-URL requests, PATCH, imports (the source's extension and `HEAD` answer), and
/// the built-in emulator.
@Suite struct UploadLimitsTests {
    @Test func uploadURLRefusesAFilenameOfAFormatNotAllowed() async throws {
        try await withHarness(configure: { $0.allowedFormats = [.png, .webp] }) { h in
            let alice = try await h.token("alice")
            let refused = try await h.send(
                "POST", "api/upload-url/", token: alice, json: #"{"filename":"Holiday.JPG"}"#)
            #expect(refused.status == 400)
            #expect(refused.text == #"{"filename":["Files of type jpeg are not allowed. Allowed: png, webp."]}"#)
            #expect(h.faults.calls(.directUpload) == 0)
            for name in ["holiday.png", "holiday.WEBP", "holiday", "archive.tar.gz", ".png"] {
                let accepted = try await h.send(
                    "POST", "api/upload-url/", token: alice, json: #"{"filename":"\#(name)"}"#)
                #expect(accepted.status == 201, "\(name): \(accepted.text)")
            }
        }
    }

    @Test func patchRefusesSizesAndTypesPastTheLimits() async throws {
        try await withHarness(configure: {
            $0.allowedFormats = [.png]
            $0.maxFileSizeMB = 2
        }) { h in
            let alice = try await h.token("alice")
            let created = try await h.send("POST", "api/upload-url/", token: alice, json: "{}")
            let id = try #require(created.object?.string("id"))
            let tooBig = try await h.send("PATCH", "api/images/\(id)/", token: alice, json: #"{"file_size":2097153}"#)
            #expect(tooBig.status == 400)
            #expect(tooBig.text == #"{"file_size":["The file is 2097153 bytes; the limit is 2 MB."]}"#)
            let gif = try await h.send(
                "PATCH", "api/images/\(id)/", token: alice, json: #"{"content_type":"image/gif"}"#)
            #expect(gif.text == #"{"content_type":["Images of type gif are not allowed. Allowed: png."]}"#)
            let ok = try await h.send(
                "PATCH", "api/images/\(id)/", token: alice,
                json: #"{"file_size":2097152,"content_type":"image/png; charset=binary","filename":"a.png"}"#)
            #expect(ok.status == 200, "\(ok.text)")
            // A type that names no image format is the client's own label: not ours to refuse.
            #expect(
                try await h.send(
                    "PATCH", "api/images/\(id)/", token: alice, json: #"{"content_type":"application/x-custom"}"#
                ).status == 200)
        }
    }

    @Test func importChecksEachSourceBeforeCloudflareFetchesIt() async throws {
        let h = try await OperationsHarness.start()
        do {
            let src = h.sourceOrigin
            var settings = Settings()
            settings.maxFileSizeMB = 1
            settings.allowedFormats = [.gif, .png]
            let file = """
                \(src)/img/fine.gif
                \(src)/big/large.gif
                \(src)/html/page
                \(src)/img/photo.jpg
                """
            let report = try await h.importService(settings: settings, probing: true).run(
                contents: file, source: "limits.txt", options: ImportService.Options(owner: "dave"))
            #expect(report.imported == 1)
            #expect(report.failures.map(\.line) == [2, 3, 4])
            #expect(report.failures[0].reason.contains("the limit is 1 MB"))
            #expect(
                report.failures[1].reason.contains("text/plain")
                    && report.failures[1].reason.contains("not an accepted image"))
            #expect(
                report.failures[2].reason
                    == "refused before upload: Files of type jpeg are not allowed. Allowed: png, gif.")
            #expect(try await h.repository.counts(owner: nil).total == 1)

            // Without a probe only the extension is seen; the rest is Cloudflare's to judge.
            let unprobed = try await h.importService(settings: settings).run(
                contents: "\(src)/img/photo.jpg\n\(src)/big/other.gif\n", source: "limits-2.txt",
                options: ImportService.Options(owner: "dave"))
            #expect(unprobed.failures.map(\.line) == [1] && unprobed.imported == 1)
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }

    @Test func theEmulatorTakesTheDeploymentsFormatsWhenAsked() {
        // The emulator names formats on its own (it shares no code with the service); the names must match.
        #expect(Set(UploadFormat.allCases.map(\.rawValue)) == Set(ImageFormat.allCases.map(\.rawValue)))
    }

    @Test func allowedFormatsParse() throws {
        let cases: [(String, Set<UploadFormat>)] = [
            ("png", [.png]), (" JPEG , webp ", [.jpeg, .webp]), ("gif,gif", [.gif]),
        ]
        for (value, expected) in cases {
            #expect(
                try Settings(values: ["CLOUDFLARE_IMAGES_ALLOWED_FORMATS": value]).allowedFormats == expected,
                "\(value)")
        }
    }

    @Test(arguments: ["png,", "bmp", "png;gif", ",", "png, tiff"])
    func allowedFormatsRefuseUnknownNames(_ value: String) {
        #expect(throws: SettingsError.self) { try Settings(values: ["CLOUDFLARE_IMAGES_ALLOWED_FORMATS": value]) }
    }

    @Test func allFormatsByDefault() throws {
        #expect(try Settings(values: [:]).allowedFormats == Set(UploadFormat.allCases))
    }
}
