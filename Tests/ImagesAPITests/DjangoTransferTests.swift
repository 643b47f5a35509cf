import Configuration
import Foundation
import ImageStore
import ImagesAPI
import JSON
import TestSupport
import Testing

/// `cfimages import-django` and `export-django` against dumps made by the real django-cloudflareimages-toolkit
/// 1.1.6 (`Tests/Fixtures/django`): after an import every image answers our API as it answered the reference's, the
/// DRF keys authenticate, a re-import changes nothing, bad objects are reported while the rest go in, a stopped
/// import resumes, and an export loads back into the reference package.
@Suite struct DjangoTransferTests {
    /// Where our answers differ from the reference's on purpose (README, "Moving from django-cloudflareimages-toolkit").
    static let allowedDifferences = [
        // A staff user's DRF token becomes an admin token, and admin tokens see every image (the reference shows a
        // user only their own images, staff included).
        "carol /cloudflare-images/api/images/0a11ce00-0000-4000-8000-000000000001/: status 404, ours 200"
    ]

    /// Timestamps the reference answered with microseconds that `dumpdata` cuts to milliseconds (Django's JSON
    /// encoder writes no more): ours are the dump's, equal to the reference's up to the millisecond.
    static let millisecondCuts = [
        "alice /cloudflare-images/api/images/0a11ce00-0000-4000-8000-000000000001/ .uploaded_at",
        "alice /cloudflare-images/api/images/0a11ce00-0000-4000-8000-000000000001/logs/ [0].timestamp",
    ]

    static let timestampKeys: Set<String> = ["created_at", "updated_at", "uploaded_at", "expires_at", "timestamp"]

    @Test(arguments: DjangoFixture.dumps)
    func everyImageAnswersAsTheReferenceDid(dump: String) async throws {
        try await withDjangoHarness { h in
            let report = try await h.importDump(DjangoFixture.path(dump))
            #expect(!report.hasFailures, "\(report.summaryLines.joined(separator: "\n"))")
            #expect(report.counts["django_cloudflareimages_toolkit.cloudflareimage"]?.created == 14)
            #expect(report.counts["django_cloudflareimages_toolkit.imageuploadlog"]?.created == 25)
            #expect(report.counts["django_cloudflareimages_toolkit.imageusage"]?.created == 9)
            #expect(report.counts["authtoken.token"]?.created == 4)
            let keys = try DjangoFixture.keys()
            var differences: [String] = []
            var cuts: [String] = []
            var compared = 0
            for answer in try DjangoFixture.answers() where answer.method == "GET" && Self.isImageRead(answer.path) {
                let key = try #require(keys[answer.user])
                let response = try await h.send("GET", answer.path, token: key)
                compared += 1
                let label = "\(answer.user) \(answer.path)"
                guard response.status == answer.status else {
                    differences.append("\(label): status \(answer.status), ours \(response.status)")
                    continue
                }
                guard let body = response.json else {
                    differences.append("\(label): not JSON: \(response.text)")
                    continue
                }
                Self.compare(answer.body, body, at: label + " ", key: nil, &differences, &cuts)
            }
            // 13 owned images read by their owners (detail and logs), bob's and carol's read of alice's image.
            #expect(compared == 28)
            #expect(differences == Self.allowedDifferences)
            #expect(cuts == Self.millisecondCuts)
        }
    }

    @Test func importedKeysAuthenticateAsTheirUsers() async throws {
        try await withDjangoHarness { h in
            _ = try await h.importDump(DjangoFixture.path("dump.json"))
            let keys = try DjangoFixture.keys()
            let lists = try DjangoFixture.answers().filter {
                $0.path == "/cloudflare-images/api/images/" && $0.status == 200
            }
            for (user, key) in keys {
                let response = try await h.send("GET", "api/images/", token: key)
                #expect(response.status == 200, "\(user): \(response.status)")
                let count = response.object?["count"]
                if user == "alice" || user == "bob" {
                    let reference = try #require(lists.first { $0.user == user }?.body.objectValue?["count"])
                    #expect(count == reference, "\(user)")
                } else {
                    #expect(count == .int(14), "\(user) is an admin here and sees every image")
                }
            }
            let tokens = try await h.repository.tokens(userName: nil)
            #expect(
                Dictionary(uniqueKeysWithValues: tokens.map { ($0.userName, $0.isAdmin) })
                    == ["alice": false, "bob": false, "carol": true, "dave": true])
            #expect(
                Set(tokens.map(\.label)) == [
                    "imported from Django", "imported from Django (is_staff)", "imported from Django (is_superuser)",
                ])
            #expect(try await h.send("GET", "api/images/", token: String(repeating: "0", count: 40)).status == 401)
        }
    }

    @Test(arguments: DjangoFixture.dumps)
    func importingAgainChangesNothing(dump: String) async throws {
        try await withDjangoHarness { h in
            _ = try await h.importDump(DjangoFixture.path("dump.json"))
            let before = try await TransferSnapshot.take(h.fixture)
            let generation = try await TransferSnapshot.generation(h.fixture)
            let again = try await h.importDump(DjangoFixture.path(dump))
            #expect(!again.hasFailures)
            for (model, counts) in again.counts {
                #expect(counts.created == 0 && counts.updated == 0 && counts.failed == 0, "\(model): \(counts)")
            }
            #expect(again.counts["django_cloudflareimages_toolkit.imageuploadlog"]?.unchanged == 25)
            #expect(try await TransferSnapshot.take(h.fixture) == before)
            #expect(try await TransferSnapshot.generation(h.fixture) == generation)
        }
    }

    @Test func aDryRunReportsWhatItWouldDoAndWritesNothing() async throws {
        try await withDjangoHarness { h in
            let empty = try await TransferSnapshot.take(h.fixture)
            let report = try await h.importDump(DjangoFixture.path("dump.json"), DjangoFixture.options(dryRun: true))
            #expect(report.dryRun && !report.hasFailures)
            #expect(report.counts["django_cloudflareimages_toolkit.imageuploadlog"]?.created == 25)
            #expect(report.summaryLines.first == "DRY RUN: nothing was written.")
            #expect(report.summaryLines.contains { $0.contains("14 would create") })
            #expect(try await TransferSnapshot.take(h.fixture) == empty)
        }
    }

    @Test func badObjectsAreReportedAndTheRestImported() async throws {
        var objects = try DjangoFixture.objects().map(JSONValue.object)
        func object(_ model: String, _ pk: JSONValue, _ fields: [String: JSONValue]) -> JSONValue {
            .object(["model": .string(model), "pk": pk, "fields": .object(fields)])
        }
        var goodImage = try #require(
            objects.first { $0.objectValue?.string("model") == DjangoModelsName.image }?.objectValue)
        var fields = try #require(goodImage["fields"]?.objectValue)
        fields["status"] = "archived"
        goodImage["pk"] = "00000000-0000-4000-8000-00000000bad1"
        goodImage["fields"] = .object(fields.merging(["cloudflare_id": "bad-status"]) { $1 })
        let badStatus = JSONValue.object(goodImage)
        var listMetadata = goodImage
        listMetadata["pk"] = "00000000-0000-4000-8000-00000000bad2"
        listMetadata["fields"] = .object(
            fields.merging(["status": "uploaded", "cloudflare_id": "list-meta", "metadata": ["a"]]) { $1 })
        var noExpiry = goodImage
        noExpiry["pk"] = "00000000-0000-4000-8000-00000000bad3"
        noExpiry["fields"] = .object(
            fields.merging(["status": "uploaded", "cloudflare_id": "no-expiry"]) { $1 }.filter {
                $0.key != "expires_at"
            })
        var sameCloudflareID = goodImage
        sameCloudflareID["pk"] = "00000000-0000-4000-8000-00000000bad4"
        sameCloudflareID["fields"] = .object(fields.merging(["status": "uploaded"]) { $1 })
        var evil = goodImage
        evil["pk"] = "\u{1B}[2Jevil"
        objects += [
            badStatus, .object(listMetadata), .object(noExpiry), .object(sameCloudflareID), .object(evil),
            object(
                DjangoModelsName.log, 900,
                [
                    "image": "00000000-0000-4000-8000-00000000bad1", "event_type": "x",
                    "message": "", "data": [:], "timestamp": "2025-01-01T00:00:00Z",
                ]),
            object(
                DjangoModelsName.log, 901,
                [
                    "image": "00000000-0000-4000-8000-0000000000ff", "event_type": "x",
                    "message": "", "data": [:], "timestamp": "2025-01-01T00:00:00Z",
                ]),
            object(
                DjangoModelsName.usage, 902,
                [
                    "content_type": 77, "object_id": "1", "field_name": "f", "source": "auto",
                    "cloudflare_id": "c", "image": .null, "created_at": "2025-01-01T00:00:00Z",
                    "updated_at": "2025-01-01T00:00:00Z",
                ]),
            object(
                "authtoken.token", "0123456789abcdef0123456789abcdef01234567",
                ["user": 99, "created": "2025-01-01T00:00:00Z"]),
            object("demo.article", 1, ["title": "not ours"]),
            42,
        ]
        // Raw bytes too: an element with broken JSON inside, which the scanner still delimits.
        var bytes = Array(JSONValue.array(objects).jsonBytes)
        bytes.removeLast()
        bytes += Array(#",{"model": "auth.user", "pk": 50, "fields": {"username": ]}]"#.utf8)
        let path = try DjangoFixture.write(raw: bytes)
        try await withDjangoHarness { h in
            let report = try await h.importDump(path)
            #expect(report.hasFailures)
            let lines = report.failures.map(\.description)
            let image = DjangoModelsName.image
            let expected = [
                "\(image) 00000000-0000-4000-8000-00000000bad1: field status: not one of pending, draft, uploaded, failed, expired",
                "\(image) 00000000-0000-4000-8000-00000000bad2: field metadata: a JSON array, but cfimages keeps only objects here",
                "\(image) 00000000-0000-4000-8000-00000000bad3: field expires_at: missing (it has no default)",
                "\(image) 00000000-0000-4000-8000-00000000bad4: Cloudflare id 7c0f5d2a-3b44-4a1e-9f39-5b2c1d9e0a01 is already tracked as image 0a11ce00-0000-4000-8000-000000000001",
                "\(image) \\u{1B}[2Jevil: the pk must be a UUID",
                "\(DjangoModelsName.log) 900: its image 00000000-0000-4000-8000-00000000bad1 was not imported",
                "element #78 (byte ",
                "element #79 (byte ",
                "\(DjangoModelsName.log) 901: image 00000000-0000-4000-8000-0000000000ff is neither in the dump nor stored here",
                "\(DjangoModelsName.usage) 902: content type 77 is not in the dump (add contenttypes to the dumpdata command, or use --natural-foreign)",
                "authtoken.token \(DjangoModelsName.fingerprint("0123456789abcdef0123456789abcdef01234567")): user 99 is not in the dump (add auth.user to the dumpdata command, or use --natural-foreign)",
            ]
            #expect(lines.count == expected.count, "\(lines.joined(separator: "\n"))")
            for (line, prefix) in zip(lines, expected) { #expect(line.hasPrefix(prefix), "\(line)") }
            #expect(lines.contains { $0.hasPrefix("element #78") && $0.hasSuffix("not an object") })
            #expect(lines.contains { $0.hasPrefix("element #79") && $0.contains("not valid JSON: Expecting value") })
            // No key is ever printed, only its fingerprint.
            #expect(!report.summaryLines.joined().contains("0123456789abcdef0123456789abcdef01234567"))
            #expect(report.ignored == ["demo.article": 1])
            #expect(report.passes == 3)
            // Everything else went in.
            #expect(report.counts[image]?.created == 14)
            #expect(report.counts[DjangoModelsName.log]?.created == 25)
            #expect(report.counts[DjangoModelsName.usage]?.created == 9)
            #expect(try await h.repository.counts(owner: nil).total == 14)
        }
    }

    @Test func unownedImagesNeedAnOwner() async throws {
        try await withDjangoHarness { h in
            let report = try await h.importDump(DjangoFixture.path("dump.json"), DjangoImportService.Options())
            #expect(
                report.failures.map(\.description) == [
                    "\(DjangoModelsName.image) 0e0e0e0e-0000-4000-8000-000000000001: no user (user is null): pass --owner-for-unowned NAME to import it",
                    "\(DjangoModelsName.log) 24: its image 0e0e0e0e-0000-4000-8000-000000000001 was not imported",
                    "\(DjangoModelsName.log) 25: its image 0e0e0e0e-0000-4000-8000-000000000001 was not imported",
                    "\(DjangoModelsName.usage) 9: its image 0e0e0e0e-0000-4000-8000-000000000001 was not imported",
                ])
            let rerun = try await h.importDump(DjangoFixture.path("dump.json"))
            #expect(!rerun.hasFailures && rerun.counts[DjangoModelsName.image]?.created == 1)
            #expect(try await h.repository.image(.cloudflareID("legacy/press-kit/logo"), owner: nil)?.owner == "ops")
        }
    }

    @Test func aStoppedImportResumesWhereItsLastBatchEnded() async throws {
        try await withDjangoHarness { h in
            var options = DjangoFixture.options()
            options.batchSize = 7
            options.stopAfter = 30
            let stopped = try await h.importDump(DjangoFixture.path("dump.json"), options)
            #expect(stopped.interrupted && stopped.hasFailures)
            #expect(stopped.summaryLines.first == "Import interrupted.")
            // 28 objects were committed in 4 batches (users, tokens, content types, 8 images); the open batch's 2
            // images were rolled back.
            let images = try await h.repository.counts(owner: nil).total
            #expect(images == 8)
            options.stopAfter = nil
            let resumed = try await h.importDump(DjangoFixture.path("dump.json"), options)
            #expect(!resumed.hasFailures)
            #expect(
                resumed.counts[DjangoModelsName.image]?.created == 6
                    && resumed.counts[DjangoModelsName.image]?.unchanged == 8)
            #expect(resumed.counts["authtoken.token"]?.unchanged == 4)
            let after = try await TransferSnapshot.take(h.fixture)
            try await withDjangoHarness { clean in
                _ = try await clean.importDump(DjangoFixture.path("dump.json"))
                #expect(try await TransferSnapshot.take(clean.fixture) == after)
            }
        }
    }

    @Test func objectsBeforeWhatTheyReferenceAreImportedOnALaterReading() async throws {
        let reversed = try DjangoFixture.objects().reversed().map(JSONValue.object)
        let path = try DjangoFixture.write(Array(reversed))
        try await withDjangoHarness { h in
            let report = try await h.importDump(path)
            #expect(!report.hasFailures, "\(report.summaryLines.joined(separator: "\n"))")
            #expect(report.passes == 3)
            let snapshot = try await TransferSnapshot.take(h.fixture)
            try await withDjangoHarness { clean in
                _ = try await clean.importDump(DjangoFixture.path("dump.json"))
                #expect(try await TransferSnapshot.take(clean.fixture) == snapshot)
            }
        }
    }

    @Test func anImageChangedHereIsKeptAndANewerDumpUpdatesIt() async throws {
        try await withDjangoHarness { h in
            _ = try await h.importDump(DjangoFixture.path("dump.json"))
            let a1 = ImageKey.id(try #require(UUID(uuidString: "0a11ce00-0000-4000-8000-000000000001")))
            _ = try await h.repository.update(
                a1, owner: nil, changes: ImageChanges(filename: "renamed.jpg"), log: LogEvent("renamed_here"))
            let again = try await h.importDump(DjangoFixture.path("dump.json"))
            #expect(again.counts[DjangoModelsName.image]?.keptNewer == 1 && !again.hasFailures)
            #expect(try await h.repository.image(a1, owner: nil)?.filename == "renamed.jpg")
            // A dump made later in Django (updated_at after ours) wins.
            var objects = try DjangoFixture.objects()
            let index = try #require(objects.firstIndex { $0.string("pk") == "0a11ce00-0000-4000-8000-000000000001" })
            var fields = try #require(objects[index]["fields"]?.objectValue)
            fields["filename"] = "from-django.jpg"
            fields["updated_at"] = "2099-01-01T00:00:00Z"
            objects[index]["fields"] = .object(fields)
            let newer = try await h.importDump(try DjangoFixture.write(objects.map(JSONValue.object)))
            #expect(newer.counts[DjangoModelsName.image]?.updated == 1)
            #expect(try await h.repository.image(a1, owner: nil)?.filename == "from-django.jpg")
        }
    }

    /// A log id taken here by a log of ours (id 1 in a fresh store, as in the dump): the dump's log goes in under a
    /// new id, and a second import finds it there instead of adding it again.
    @Test func aLogIDTakenHereIsImportedUnderANewIDOnce() async throws {
        try await withDjangoHarness { h in
            let now = h.clock.now
            let ours = try await h.repository.insert(
                ImageRecord(cloudflareID: "ours-here", owner: "dave", uploadURL: "u", createdAt: now, expiresAt: now),
                log: LogEvent("created_here"))
            let ourLog = try #require(try await h.repository.logs(imageID: ours.id, limit: nil).first)
            #expect(ourLog.id == 1)
            let first = try await h.importDump(DjangoFixture.path("dump.json"))
            #expect(!first.hasFailures, "\(first.summaryLines.joined(separator: "\n"))")
            #expect(first.counts[DjangoModelsName.log]?.created == 25)
            let again = try await h.importDump(DjangoFixture.path("dump.json"))
            #expect(
                again.counts[DjangoModelsName.log]?.unchanged == 25 && again.counts[DjangoModelsName.log]?.created == 0)
            let logs = try await h.fixture.storeRows("SELECT id, event_type FROM image_upload_logs ORDER BY id")
            #expect(logs.count == 26)
            #expect(logs.first == ["1", "created_here"])
            // The identity sequence (PostgreSQL) is past every imported id: a log of ours after the import goes in.
            #expect(try await h.repository.appendLog(imageID: ours.id, LogEvent("after_import")))
        }
    }

    // MARK: The way back

    /// Export, then import that export into a fresh store: the same rows (the format needs no Python to check).
    @Test func anExportImportsBackToTheSameRows() async throws {
        try await withDjangoHarness { h in
            _ = try await h.importDump(DjangoFixture.path("dump.json"))
            let exportPath = try DjangoFixture.write([], name: "export.json")
            let report = try await DjangoExportService(store: try h.djangoTransfer()).run(
                path: exportPath, options: .init(unownedOwner: DjangoFixture.unownedOwner))
            #expect(
                report.counts == [
                    "auth.user": 4, DjangoModelsName.image: 14, DjangoModelsName.log: 25, DjangoModelsName.usage: 9,
                ])
            #expect(report.summaryLines.contains { $0.hasPrefix("authtoken.token: not exported") })
            #expect(!FileManager.default.fileExists(atPath: exportPath + ".partial"))
            let original = try await TransferSnapshot.take(h.fixture)
            try await withDjangoHarness { other in
                let back = try await other.importDump(exportPath)
                #expect(!back.hasFailures, "\(back.summaryLines.joined(separator: "\n"))")
                let copy = try await TransferSnapshot.take(other.fixture)
                #expect(copy.images == original.images && copy.logs == original.logs && copy.usages == original.usages)
                #expect(copy.tokens.isEmpty)
            }
        }
    }

    /// Needs `.venv-django` (the pinned reference stack): skipped without it, except under `make django-roundtrip`,
    /// which creates it and sets `CFIMAGES_REQUIRE_DJANGO_VENV`, so there a missing venv fails.
    @Test(
        .enabled(
            if: DjangoFixture.venvExists || DjangoFixture.venvRequired,
            "no .venv-django: `make django-roundtrip` creates it and loads the export into the real package"))
    func anExportLoadsIntoTheReferencePackageUnchanged() async throws {
        guard DjangoFixture.venvExists else {
            Issue.record("CFIMAGES_REQUIRE_DJANGO_VENV is set but \(DjangoFixture.venvPython) is missing")
            return
        }
        try await withDjangoHarness { h in
            _ = try await h.importDump(DjangoFixture.path("dump.json"))
            let exportPath = try DjangoFixture.write([], name: "export.json")
            _ = try await DjangoExportService(store: try h.djangoTransfer()).run(
                path: exportPath, options: .init(unownedOwner: DjangoFixture.unownedOwner))
            // What the export must reproduce: the dump without its tokens (which cannot be exported).
            let expected = try DjangoFixture.write(
                try DjangoFixture.objects().filter { $0.string("model") != "authtoken.token" }.map(JSONValue.object),
                name: "expected.json")
            let (status, output) = try await runRoundTrip(exportPath, expected: expected)
            #expect(status == 0, "roundtrip.py: \(output)")
        }
    }

    // MARK: Helpers

    /// The reads this suite compares: an image's detail and logs. `DjangoRegistryAnswersTests` compares every other
    /// recorded answer (an image's usages included) and relies on this split.
    static func isImageRead(_ path: String) -> Bool {
        let prefix = "/cloudflare-images/api/images/"
        guard path.hasPrefix(prefix) else { return false }
        let rest = path.dropFirst(prefix.count)
        guard rest.count >= 37, UUID(uuidString: String(rest.prefix(36))) != nil else { return false }
        return ["/", "/logs/"].contains(String(rest.dropFirst(36)))
    }

    /// Records every difference between the reference's JSON and ours; timestamps that differ only below the
    /// millisecond go to `cuts` instead.
    static func compare(
        _ reference: JSONValue, _ ours: JSONValue, at path: String, key: String?, _ differences: inout [String],
        _ cuts: inout [String]
    ) {
        switch (reference, ours) {
        case (.object(let a), .object(let b)):
            for name in Set(a.keys).union(b.keys).sorted() {
                guard let left = a[name] else {
                    differences.append("\(path).\(name): only ours has it")
                    continue
                }
                guard let right = b[name] else {
                    differences.append("\(path).\(name): only the reference has it")
                    continue
                }
                compare(left, right, at: path + "." + name, key: name, &differences, &cuts)
            }
        case (.array(let a), .array(let b)) where a.count == b.count:
            for (index, (left, right)) in zip(a, b).enumerated() {
                compare(left, right, at: path + "[\(index)]", key: nil, &differences, &cuts)
            }
        case (.string(let a), .string(let b))
        where a != b && key.map(timestampKeys.contains) == true && b == millisecondCut(a):
            cuts.append(path)
        default:
            if reference != ours {
                differences.append("\(path): reference \(reference.jsonText), ours \(ours.jsonText)")
            }
        }
    }

    /// `2025-03-01T09:02:05.482913Z` → `2025-03-01T09:02:05.482000Z`.
    static func millisecondCut(_ text: String) -> String {
        guard text.count == 27, text.hasSuffix("Z") else { return text }
        return String(text.prefix(23)) + "000Z"
    }

    func runRoundTrip(_ export: String, expected: String) async throws -> (Int32, String) {
        let (status, output) = try await runProcess(
            DjangoFixture.venvPython,
            [
                TestPaths.repository + "/scripts/django-reference/roundtrip.py", export, "--expected", expected,
                "--quiet",
            ],
            timeout: .seconds(120))
        guard let status else { return (-1, "roundtrip.py did not finish within 120 s") }
        return (status, output)
    }
}

/// The model labels, as the tests spell them.
enum DjangoModelsName {
    static let image = "django_cloudflareimages_toolkit.cloudflareimage"
    static let log = "django_cloudflareimages_toolkit.imageuploadlog"
    static let usage = "django_cloudflareimages_toolkit.imageusage"

    static func fingerprint(_ key: String) -> String {
        "key sha256:" + String(SQLiteImageRepository.sha256Hex(key).prefix(12))
    }
}

extension APIHarness {
    func importDump(
        _ path: String, _ options: DjangoImportService.Options = DjangoFixture.options()
    ) async throws
        -> DjangoImportReport
    {
        try await DjangoImportService(store: try djangoTransfer()).run(path: path, options: options)
    }
}

/// An API harness whose delivery settings and clock are the fixture's.
func withDjangoHarness(_ body: (APIHarness) async throws -> Void) async throws {
    try await withHarness(configure: { $0.accountHash = DjangoFixture.accountHash }) { h in
        h.clock.advance(DjangoFixture.requestTime.timeIntervalSince(h.clock.now))
        try await body(h)
    }
}
