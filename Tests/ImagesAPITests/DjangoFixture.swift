import Foundation
import ImageStore
import ImagesAPI
import JSON
import SQLite
import TestSupport

/// `Tests/Fixtures/django`: dumps and REST answers recorded from the real django-cloudflareimages-toolkit 1.1.6 by
/// `scripts/django-reference/make_fixture.py`, and what the Django tests need around them.
enum DjangoFixture {
    static let directory = TestPaths.fixtures + "/django"
    static func path(_ name: String) -> String { directory + "/" + name }

    /// The dumps `make_fixture.py` writes: plain keys, natural keys, natural keys without `contenttypes`.
    static let dumps = ["dump.json", "dump-natural.json", "dump-natural-no-contenttypes.json"]

    /// The account hash of the fixture's delivery URLs; the clock of its recorded requests.
    static let accountHash = "Vi7wi5KSItxGFsWRG2Us6Q"
    static let requestTime = Date(timeIntervalSince1970: 1_751_371_200)  // 2025-07-01T12:00:00Z

    /// The owner `--owner-for-unowned` gives the fixture's image without a user.
    static let unownedOwner = "ops"

    static var venvPython: String { TestPaths.repository + "/.venv-django/bin/python" }
    static var venvExists: Bool { FileManager.default.isExecutableFile(atPath: venvPython) }
    static var venvRequired: Bool {
        !(ProcessInfo.processInfo.environment["CFIMAGES_REQUIRE_DJANGO_VENV"] ?? "").isEmpty
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))))
    }

    /// The dump's objects.
    static func objects(_ name: String = "dump.json") throws -> [[String: JSONValue]] {
        guard case .array(let items) = try json(name) else { throw HarnessError("\(name) is not an array") }
        return items.compactMap(\.objectValue)
    }

    /// User name → DRF key, from the plain dump's users and tokens.
    static func keys() throws -> [String: String] {
        let objects = try objects()
        var names: [Int64: String] = [:]
        for object in objects where object.string("model") == "auth.user" {
            if case .int(let pk)? = object["pk"], let name = object["fields"]?.objectValue?.string("username") {
                names[pk] = name
            }
        }
        var keys: [String: String] = [:]
        for object in objects where object.string("model") == "authtoken.token" {
            if case .int(let user)? = object["fields"]?.objectValue?["user"], let name = names[user],
                let key = object.string("pk")
            {
                keys[name] = key
            }
        }
        return keys
    }

    /// One recorded request and the reference's answer.
    struct Answer {
        var user: String
        var method: String
        var path: String
        var status: Int
        var body: JSONValue
    }

    static func answers() throws -> [Answer] {
        guard case .array(let items) = try json("reference-answers.json") else { throw HarnessError("not an array") }
        return items.compactMap { item in
            guard let object = item.objectValue, let user = object.string("user"), let method = object.string("method"),
                let path = object.string("path"), case .int(let status)? = object["status"]
            else { return nil }
            return Answer(user: user, method: method, path: path, status: Int(status), body: object["body"] ?? .null)
        }
    }

    /// Writes `objects` as a dumpdata file in a new temporary directory and returns its path.
    static func write(_ objects: [JSONValue], name: String = "dump.json") throws -> String {
        try write(raw: Array(JSONValue.array(objects).jsonBytes), name: name)
    }

    static func write(raw bytes: [UInt8], name: String = "dump.json") throws -> String {
        let folder = NSTemporaryDirectory() + "django-transfer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The import the tests make of a fixture dump.
    static func options(dryRun: Bool = false) -> DjangoImportService.Options {
        DjangoImportService.Options(dryRun: dryRun, ownerForUnowned: unownedOwner)
    }
}

/// Every row an import writes, to compare two states of the store (token ids, which are random, left out), on the
/// backend the API runs on.
struct TransferSnapshot: Sendable, Equatable {
    typealias Rows = [[String?]]
    var images: Rows
    var logs: Rows
    var usages: Rows
    var tokens: Rows
    var counts: Rows

    /// Every column of `images` but PostgreSQL's `rowid` (the insertion order, which two stores filled in different
    /// orders do not share; SQLite's rowid is not among `*`).
    static var imagesSQL: String {
        APIBackend.isPostgreSQL
            ? "SELECT (to_jsonb(i) - 'rowid')::text FROM images i ORDER BY id" : "SELECT * FROM images ORDER BY id"
    }

    static func take(_ fixture: ServiceFixture) async throws -> TransferSnapshot {
        TransferSnapshot(
            images: try await fixture.storeRows(imagesSQL),
            logs: try await fixture.storeRows("SELECT * FROM image_upload_logs ORDER BY id"),
            usages: try await fixture.storeRows("SELECT * FROM image_usages ORDER BY id"),
            tokens: try await fixture.storeRows(
                "SELECT token_hash, user_name, is_admin, label, created_at, revoked_at FROM api_tokens ORDER BY token_hash"
            ),
            counts: try await fixture.storeRows("SELECT * FROM image_counts ORDER BY owner, status"))
    }

    /// The counter every write to `images` moves.
    static func generation(_ fixture: ServiceFixture) async throws -> String? {
        try await fixture.storeRows("SELECT generation FROM image_generation").first?.first ?? nil
    }
}
