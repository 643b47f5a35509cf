import Foundation
import ImageStore
import ImagesAPI
import JSON
import Testing

/// After importing the reference package's dump, every request the fixture recorded against the real
/// django-cloudflareimages-toolkit 1.1.6 that is not an image read (those are `DjangoTransferTests`): lists with every
/// filter, orphans, usages with every filter, stats, the API root, and the deletes (409 for an image in use, `force`,
/// `bulk_delete` with `in_use`), each destructive one on a fresh import as the fixture rolled each back. Our answer
/// must equal the reference's (status, keys and values) but for the differences listed, each for a stated reason.
@Suite struct DjangoRegistryAnswersTests {
    /// The fixture's requests went to Django's test client, whose host is `testserver`: links are built from it.
    static let host = [("Host", "testserver")]

    /// A recorded exchange, with the request body when there was one.
    struct Recorded {
        var user: String
        var method: String
        var path: String
        var status: Int
        var body: JSONValue
        var request: JSONValue?
    }

    static func recorded() throws -> [Recorded] {
        guard case .array(let items) = try DjangoFixture.json("reference-answers.json") else { return [] }
        return items.compactMap { item in
            guard let object = item.objectValue, let user = object.string("user"), let method = object.string("method"),
                let path = object.string("path"), case .int(let status)? = object["status"]
            else { return nil }
            return Recorded(
                user: user, method: method, path: path, status: Int(status), body: object["body"] ?? .null,
                request: object["request"])
        }
    }

    func answer(_ h: APIHarness, _ recorded: Recorded, keys: [String: String]) async throws -> [String] {
        let token = keys[recorded.user]
        let response: TestResponse
        if let body = recorded.request {
            response = try await h.send(
                recorded.method, recorded.path, token: token, json: body.jsonText, headers: Self.host)
        } else {
            response = try await h.send(recorded.method, recorded.path, token: token, headers: Self.host)
        }
        let label = "\(recorded.user) \(recorded.method) \(recorded.path)"
        guard response.status == recorded.status else {
            return ["\(label): status \(recorded.status), ours \(response.status) \(response.text.prefix(300))"]
        }
        guard recorded.status != 204 else { return [] }
        guard let body = response.json else { return ["\(label): not JSON: \(response.text)"] }
        var differences: [String] = []
        var cuts: [String] = []
        DjangoTransferTests.compare(recorded.body, body, at: label + " ", key: nil, &differences, &cuts)
        return differences
    }

    @Test func everyOtherRecordedAnswerMatches() async throws {
        let keys = try DjangoFixture.keys()
        let all = try Self.recorded()
        // The reads before the first destructive request run on one import; each destructive request then starts a
        // fresh import (the fixture rolled each back), and the reads after it see its effect (the last scenario).
        let firstWrite = all.firstIndex { $0.method != "GET" } ?? all.count
        var groups: [[Recorded]] = [Array(all[..<firstWrite])]
        for recorded in all[firstWrite...] {
            if recorded.method != "GET" || groups.count == 1 {
                groups.append([recorded])
            } else {
                groups[groups.count - 1].append(recorded)
            }
        }
        var differences: [String] = []
        var allowed: [String: Int] = [:]
        var compared = 0
        for group in groups {
            try await withDjangoHarness { h in
                let report = try await h.importDump(DjangoFixture.path("dump.json"))
                #expect(!report.hasFailures)
                for recorded in group
                where !(recorded.method == "GET" && DjangoTransferTests.isImageRead(recorded.path)) {
                    compared += 1
                    for difference in try await answer(h, recorded, keys: keys) {
                        if let reason = Self.allowedReason(difference, user: recorded.user) {
                            allowed[reason, default: 0] += 1
                        } else {
                            differences.append(difference)
                        }
                    }
                }
            }
        }
        #expect(compared == 74)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        // Each kind of allowed difference was seen (the list stays honest).
        #expect(Set(allowed.keys) == Set(Self.reasons.values))
    }

    /// Why a difference is allowed: the README's "Differences from the reference" and "Moving from …".
    static let reasons = [
        "content_object": "content_object is null: this service never sees the Django objects",
        "admin":
            "staff and superusers become admin tokens, which see every image and usage (the reference shows staff every usage but only their own images, and superusers that are not staff nothing extra)",
    ]

    static func allowedReason(_ difference: String, user: String) -> String? {
        if difference.contains(".content_object: reference "), difference.hasSuffix(", ours null") {
            return reasons["content_object"]
        }
        if user == "carol" || user == "dave" { return reasons["admin"] }
        return nil
    }
}
