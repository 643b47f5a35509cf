import Base16
import Crypto
import Foundation
import ImageStore
import JSON
import SQLite
import TestSupport
import Testing

/// Every endpoint × every kind of caller, against the real server. One line per endpoint in ``endpoints``.
@Suite struct AccessControlTests {
    enum Credential: String, CaseIterable, Sendable {
        case none, malformed, revoked, otherUser, owner, admin
    }

    /// A fresh image owned by `alice`, made for each case.
    struct Fixture {
        let id: String
        let cloudflareID: String
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{cf}", with: cloudflareID)
        }
    }

    struct Endpoint: Sendable, CustomStringConvertible {
        let method: String
        let path: String
        let body: String?
        /// Status for `otherUser`, `owner`, `admin`; `none`, `malformed` and `revoked` always answer 401.
        let other: Int, owner: Int, admin: Int
        /// The endpoint is not scoped to a user (the webhook): an unauthenticated caller is served.
        var anonymous: Int? = nil
        var signed = false

        var description: String { "\(method) \(path)" }

        func expected(_ credential: Credential) -> Int {
            switch credential {
            case .none: anonymous ?? 401
            case .malformed, .revoked: 401
            case .otherUser: other
            case .owner: owner
            case .admin: admin
            }
        }
    }

    static let webhookBody = #"{"id":"{cf}","uploaded":"2026-03-04T05:06:07Z","variants":[],"metadata":{"k":"v"}}"#

    static let endpoints: [Endpoint] = [
        Endpoint(method: "GET", path: "api/", body: nil, other: 200, owner: 200, admin: 200),
        Endpoint(method: "GET", path: "api/images/", body: nil, other: 200, owner: 200, admin: 200),
        Endpoint(method: "HEAD", path: "api/images/", body: nil, other: 200, owner: 200, admin: 200),
        Endpoint(method: "GET", path: "api/images/{id}/", body: nil, other: 404, owner: 200, admin: 200),
        Endpoint(method: "HEAD", path: "api/images/{id}/", body: nil, other: 404, owner: 200, admin: 200),
        Endpoint(
            method: "PUT", path: "api/images/{id}/", body: #"{"filename":"n.jpg"}"#, other: 404, owner: 200, admin: 200),
        Endpoint(
            method: "PATCH", path: "api/images/{id}/", body: #"{"metadata":{"a":1}}"#, other: 404, owner: 200,
            admin: 200),
        Endpoint(method: "DELETE", path: "api/images/{id}/", body: nil, other: 404, owner: 204, admin: 204),
        Endpoint(method: "GET", path: "api/images/{id}/logs/", body: nil, other: 404, owner: 200, admin: 200),
        Endpoint(method: "POST", path: "api/images/{id}/check_status/", body: nil, other: 404, owner: 200, admin: 200),
        Endpoint(
            method: "DELETE", path: "api/images/{id}/delete_from_cloudflare/", body: nil, other: 404, owner: 204,
            admin: 204),
        Endpoint(
            method: "GET", path: "api/images/by-cloudflare-id/{cf}/", body: nil, other: 404, owner: 200, admin: 200),
        Endpoint(
            method: "POST", path: "api/images/bulk_delete/", body: #"{"ids":["{id}"]}"#, other: 200, owner: 200,
            admin: 200),
        Endpoint(
            method: "POST", path: "api/images/bulk_status_check/", body: #"{"image_ids":["{id}"]}"#, other: 200,
            owner: 200, admin: 200),
        Endpoint(
            method: "POST", path: "api/upload-url/", body: #"{"filename":"a.png"}"#, other: 201, owner: 201, admin: 201),
        Endpoint(method: "GET", path: "api/stats/", body: nil, other: 200, owner: 200, admin: 200),
        Endpoint(method: "POST", path: "api/cleanup-expired/", body: nil, other: 403, owner: 403, admin: 200),
        Endpoint(method: "DELETE", path: "api/stats/", body: nil, other: 405, owner: 405, admin: 405),
        Endpoint(
            method: "POST", path: "api/webhook/", body: webhookBody, other: 200, owner: 200, admin: 200,
            anonymous: 200, signed: true),
    ]

    /// Secrets of one run: every token key and the service's own credentials.
    struct Keys {
        let owner, other, admin, revoked: String
        var all: [String] {
            [
                owner, other, admin, revoked, HostileHarness.webhookSecret, HostileHarness.cloudflareAPIToken,
                HostileHarness.signingKey,
            ]
        }
    }

    @Test(arguments: endpoints)
    func everyCallerGetsTheExpectedStatus(_ endpoint: Endpoint) async throws {
        try await withHostileHarness { h in
            let revokedToken = try await h.repository.createToken(userName: "alice", isAdmin: false, label: "old")
            _ = try await h.repository.revokeToken(id: revokedToken.token.id, userName: nil)
            let keys = Keys(
                owner: try await h.token("alice"), other: try await h.token("bob"),
                admin: try await h.token("root", admin: true),
                revoked: revokedToken.key)
            var bodies: [String] = []
            for credential in Credential.allCases {
                let uploaded = try await h.upload(keys.owner)
                let fixture = Fixture(id: uploaded.id, cloudflareID: uploaded.cloudflareID)
                let before = try await h.snapshot()
                var headers: [(String, String)] = []
                switch credential {
                case .none: break
                case .malformed: headers.append(("Authorization", "Token \(keys.owner) extra"))
                case .revoked: headers.append(("Authorization", "Token \(keys.revoked)"))
                case .otherUser: headers.append(("Authorization", "Token \(keys.other)"))
                case .owner: headers.append(("Authorization", "Token \(keys.owner)"))
                case .admin: headers.append(("Authorization", "Bearer \(keys.admin)"))
                }
                let body = endpoint.body.map(fixture.fill)
                if endpoint.signed, let body {
                    headers.append(
                        (
                            "X-Signature",
                            "sha256="
                                + Hex.encode(HMAC.sha256(key: HostileHarness.webhookSecret, message: Array(body.utf8)))
                        ))
                }
                let response = try await h.send(
                    endpoint.method, fixture.fill(endpoint.path), body: body.map { Array($0.utf8) }, headers: headers)
                let label = "\(endpoint) as \(credential.rawValue): \(response.status) \(response.text)"
                #expect(response.status == endpoint.expected(credential), "\(label)")
                if response.status == 401, endpoint.method != "HEAD" {
                    #expect(response.header("WWW-Authenticate") == "Token", "\(label)")
                    #expect(response.object?.string("detail")?.isEmpty == false, "\(label)")
                }
                bodies.append(
                    response.text + " " + response.headers.map { "\($0.name): \($0.value)" }.joined(separator: " "))
                // Nobody but the owner, an administrator (or a signed webhook) touches the owner's image.
                if ![.owner, .admin].contains(credential), !endpoint.signed || response.status >= 400 {
                    let after = try await h.snapshot()
                    let ownerRowsUnchanged = after.rows(of: fixture.id) == before.rows(of: fixture.id)
                    #expect(ownerRowsUnchanged, "\(label)")
                    let unchanged = after == before
                    if response.status >= 400 { #expect(unchanged, "\(label)") }
                }
            }
            for secret in keys.all {
                #expect(h.logs.lines(containing: secret).isEmpty, "\(endpoint): a log line holds a secret")
                #expect(!bodies.contains { $0.contains(secret) }, "\(endpoint): a response holds a secret")
            }
            #expect(!h.logs.all.isEmpty)
        }
    }

    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself")) func tokensAreStoredOnlyHashed()
        async throws
    {
        try await withHostileHarness { h in
            var keys: [String] = []
            for user in ["alice", "bob", "carol"] { keys.append(try await h.token(user, admin: user == "carol")) }
            #expect(try await h.send("GET", "api/images/", token: keys[0]).status == 200)
            let rows = try await h.database.readSnapshot { try $0.query("SELECT * FROM api_tokens") }
            #expect(rows.count == 3)
            for row in rows {
                for value in row.values {
                    if case .text(let text) = value { #expect(!keys.contains { text.contains($0) }) }
                }
                #expect(row["token_hash"] != nil)
            }
            // Not in the database file, its WAL or anything else on disk either.
            let files = try FileManager.default.subpathsOfDirectory(atPath: h.directory)
            for file in files {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: h.directory + "/" + file, isDirectory: &isDirectory)
                if isDirectory.boolValue { continue }
                let data = try #require(FileManager.default.contents(atPath: h.directory + "/" + file))
                for key in keys { #expect(data.range(of: Data(key.utf8)) == nil, "\(file)") }
            }
        }
    }
}

extension StoreSnapshot {
    /// The image row with this id and its log rows.
    func rows(of id: String) -> [Row] {
        images.filter { $0["id"] == .text(id) } + logs.filter { $0["image_id"] == .text(id) }
    }
}
