import Base16
import Crypto
import Foundation
import JSON
import TestSupport
import Testing

/// Hostile values in every body field, query parameter and path parameter of every endpoint, over the real server.
///
/// Every case must answer below 500; a 4xx must carry a message and leave the images, their logs and the webhook
/// events exactly as they were. Tables are one line per endpoint: add a route, add a line.
@Suite struct HostileInputTests {
    /// An endpoint reading a JSON body. Field syntax: `name` (the value itself), `name[]` (a one-element list holding
    /// it), `name.key` (an object holding it under `key`).
    struct BodyEndpoint: Sendable, CustomStringConvertible {
        let method: String
        let path: String
        let fields: [String]
        /// Members sent with every case (a field under test replaces its own).
        var base: [(String, String)] = []
        /// Webhook deliveries are signed with the configured secret so they reach the parser.
        var signed = false
        /// Nothing may change whatever the status (the value never names a stored image).
        var readOnly = false
        var description: String { "\(method) \(path)" }
    }

    static let bodyEndpoints: [BodyEndpoint] = [
        BodyEndpoint(
            method: "POST", path: "api/upload-url/",
            fields: [
                "custom_id", "metadata", "metadata.k", "require_signed_urls", "expiry_minutes", "filename", "creator",
            ]),
        BodyEndpoint(
            method: "PATCH", path: "api/images/{id}/",
            fields: [
                "filename", "original_filename", "content_type", "file_size", "require_signed_urls", "metadata",
                "metadata.k",
            ]),
        BodyEndpoint(method: "PUT", path: "api/images/{id}/", fields: ["filename", "file_size", "metadata"]),
        BodyEndpoint(
            method: "POST", path: "api/images/bulk_delete/",
            fields: [
                "ids", "ids[]", "cloudflare_ids", "cloudflare_ids[]", "force",
            ], readOnly: true),
        BodyEndpoint(
            method: "POST", path: "api/images/bulk_status_check/", fields: ["image_ids", "image_ids[]"], readOnly: true),
        BodyEndpoint(
            method: "POST", path: "api/webhook/",
            fields: [
                "id", "uploaded", "draft", "variants", "variants[]", "metadata", "metadata.k", "requireSignedURLs",
                "width",
            ], base: [("id", "\"{cf}\"")], signed: true),
        BodyEndpoint(
            method: "POST", path: "api/webhook/", fields: ["data.image_id", "data", "name"],
            base: [("name", "\"upload failed\""), ("data", #"{"image_id":"{cf}"}"#)], signed: true),
    ]

    /// Fields whose every string value must be refused when it holds these (DRF CharField / custom id rules).
    static let mustReject: [String: Set<String>] = [
        "custom_id": [
            "nul", "nul-only", "crlf", "bare-lf", "long-string", "traversal", "object", "array", "empty-string",
        ],
        "filename": ["nul", "nul-only", "long-string", "object", "array", "true"],
        "original_filename": ["nul", "nul-only", "long-string", "object", "array"],
        "content_type": ["nul", "nul-only", "long-string", "object", "array"],
        "creator": ["nul", "nul-only", "long-string", "object", "array"],
        "file_size": ["1e400", "2^64", "2^63", "-1", "fraction", "huge-digits", "sql", "object", "array", "-1e400"],
        "expiry_minutes": ["1e400", "2^64", "-0", "-1", "fraction", "huge-digits", "sql", "object", "null", "true"],
        "ids": ["sql", "object", "empty-array", "null", "1e400"],
        "ids[]": ["sql", "nul", "crlf", "object", "array", "2^64", "1e400", "-1", "null", "fraction"],
        "image_ids[]": ["sql", "nul", "crlf", "object", "array", "2^64", "1e400", "-1", "null", "fraction"],
        "cloudflare_ids[]": ["nul", "nul-only", "object", "array", "null", "empty-string", "whitespace"],
    ]

    static func body(
        _ endpoint: BodyEndpoint, field: String, value: [UInt8], fixture: AccessControlTests.Fixture
    ) -> [UInt8] {
        var name = field
        var wrapped = value
        if field.hasSuffix("[]") {
            name = String(field.dropLast(2))
            wrapped = Array("[".utf8) + value + Array("]".utf8)
        } else if let dot = field.firstIndex(of: ".") {
            name = String(field[..<dot])
            wrapped = Array("{\"\(field[field.index(after: dot)...])\":".utf8) + value + Array("}".utf8)
        }
        var members: [[UInt8]] = endpoint.base.filter { $0.0 != name }.map {
            Array("\"\($0.0)\":\(fixture.fill($0.1))".utf8)
        }
        members.append(Array("\"\(name)\":".utf8) + wrapped)
        return Array("{".utf8) + Array(members.joined(separator: Array(",".utf8))) + Array("}".utf8)
    }

    static func signature(_ body: [UInt8]) -> (String, String) {
        ("X-Signature", Hex.encode(HMAC.sha256(key: HostileHarness.webhookSecret, message: body)))
    }

    @Test(arguments: bodyEndpoints)
    func hostileValueInEveryBodyField(_ endpoint: BodyEndpoint) async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            let checker = CaseChecker(harness: h)
            for field in endpoint.fields {
                for value in HostileValues.json {
                    let uploaded = try await h.upload(alice)
                    let fixture = AccessControlTests.Fixture(id: uploaded.id, cloudflareID: uploaded.cloudflareID)
                    let bytes = Self.body(endpoint, field: field, value: value.bytes, fixture: fixture)
                    let before = try await h.snapshot()
                    let response = try await h.send(
                        endpoint.method, fixture.fill(endpoint.path), token: alice, body: bytes,
                        headers: endpoint.signed ? [Self.signature(bytes)] : [])
                    let label = "\(endpoint) \(field)=\(value.name)"
                    try await checker.check(label, response, before: before, readOnly: endpoint.readOnly)
                    if Self.mustReject[field]?.contains(value.name) == true {
                        #expect(
                            (400..<500).contains(response.status),
                            "\(label) must be refused: \(response.status) \(response.text.prefix(200))")
                    }
                }
            }
            checker.finish()
        }
    }

    /// Whole bodies: sizes, nesting, encodings, top-level types and content types, against every body endpoint.
    struct WholeBody: Sendable, CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        var contentType = "application/json"
        /// The status required (nil: any 4xx).
        var status: Int? = nil
        /// A harmless body an endpoint may accept (unknown keys are ignored).
        var mayAccept = false
        var description: String { name }
    }

    static let wholeBodies: [WholeBody] = [
        WholeBody(
            name: "10MB-json",
            bytes: Array(#"{"filename":""#.utf8) + [UInt8](repeating: 0x61, count: 10 << 20) + Array(#""}"#.utf8),
            status: 413),
        WholeBody(name: "10MB-garbage", bytes: [UInt8](repeating: 0x7B, count: 10 << 20), status: 413),
        WholeBody(
            name: "deep-array",
            bytes: [UInt8](repeating: 0x5B, count: 100_000) + [UInt8](repeating: 0x5D, count: 100_000)),
        WholeBody(name: "deep-array-unclosed", bytes: [UInt8](repeating: 0x5B, count: 100_000)),
        WholeBody(
            name: "deep-object",
            bytes: Array(
                (String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)).utf8)),
        WholeBody(
            name: "many-keys",
            bytes: Array(("{" + (0..<50_000).map { "\"k\($0)\":0" }.joined(separator: ",") + "}").utf8), mayAccept: true
        ),
        WholeBody(name: "null", bytes: Array("null".utf8), status: 400),
        WholeBody(name: "list", bytes: Array("[]".utf8), status: 400),
        WholeBody(name: "string", bytes: Array("\"s\"".utf8), status: 400),
        WholeBody(name: "1e400", bytes: Array("1e400".utf8), status: 400),
        WholeBody(name: "2^64", bytes: Array("18446744073709551616".utf8), status: 400),
        WholeBody(name: "-0", bytes: Array("-0".utf8), status: 400),
        WholeBody(name: "invalid-utf8", bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], status: 400),
        WholeBody(name: "utf16", bytes: [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], mayAccept: true),
        WholeBody(name: "nul-bytes", bytes: [0x7B, 0x00, 0x7D], status: 400),
        WholeBody(name: "truncated", bytes: Array(#"{"filename":"#.utf8), status: 400),
        WholeBody(name: "trailing-garbage", bytes: Array("{} {}".utf8), status: 400),
        WholeBody(name: "text-plain", bytes: Array("{}".utf8), contentType: "text/plain", status: 415),
        WholeBody(
            name: "crlf-content-type", bytes: Array("{}".utf8), contentType: "application/json; x=\"a\"",
            mayAccept: true),
        WholeBody(
            name: "form-hostile", bytes: Array("filename=%00&custom_id=%0D%0A&ids=%FF&metadata=x&file_size=1e400".utf8),
            contentType: "application/x-www-form-urlencoded", status: 400),
        WholeBody(
            name: "form-invalid-utf8", bytes: [0x66, 0x3D, 0xFF, 0x26, 0xFE, 0x3D, 0x25],
            contentType: "application/x-www-form-urlencoded", mayAccept: true),
        WholeBody(
            name: "multipart",
            bytes: Array("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n".utf8),
            contentType: "multipart/form-data; boundary=b"),
    ]

    @Test(arguments: bodyEndpoints.filter { $0.fields.first != "data.image_id" })
    func hostileWholeBodies(_ endpoint: BodyEndpoint) async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            let checker = CaseChecker(harness: h)
            let uploaded = try await h.upload(alice)
            let fixture = AccessControlTests.Fixture(id: uploaded.id, cloudflareID: uploaded.cloudflareID)
            for body in Self.wholeBodies {
                let before = try await h.snapshot()
                let response = try await h.send(
                    endpoint.method, fixture.fill(endpoint.path), token: alice, body: body.bytes,
                    contentType: body.contentType, headers: endpoint.signed ? [Self.signature(body.bytes)] : [])
                let label = "\(endpoint) body \(body.name)"
                try await checker.check(label, response, before: before, readOnly: !body.mayAccept)
                if !body.mayAccept {
                    #expect(
                        (400..<500).contains(response.status),
                        "\(label): \(response.status) \(response.text.prefix(200))")
                }
                if let status = body.status, !endpoint.signed {
                    #expect(response.status == status, "\(label): \(response.text.prefix(200))")
                }
            }
            checker.finish()
        }
    }
}

/// The invariants every hostile case must hold, and the end-of-test checks on logs.
struct CaseChecker {
    let harness: HostileHarness

    func check(_ label: String, _ response: TestResponse, before: StoreSnapshot, readOnly: Bool) async throws {
        #expect(
            response.status > 0 && response.status < 500, "\(label): \(response.status) \(response.text.prefix(300))")
        if response.status >= 400 {
            #expect(
                !response.text.trimmingCharacters(in: .whitespaces).isEmpty,
                "\(label): \(response.status) without a message")
        }
        if response.status >= 400 || readOnly {
            let unchanged = try await harness.snapshot() == before
            #expect(unchanged, "\(label): \(response.status) changed the store: \(response.text.prefix(200))")
        }
    }

    /// No unhandled error was logged, and no secret reached a log line.
    func finish() {
        #expect(
            harness.logs.lines(containing: "Unhandled").isEmpty,
            "\(harness.logs.lines(containing: "Unhandled").prefix(3))")
        for secret in [HostileHarness.webhookSecret, HostileHarness.cloudflareAPIToken, HostileHarness.signingKey] {
            #expect(harness.logs.lines(containing: secret).isEmpty)
        }
    }
}
