import Configuration
import Foundation
import HTTPServer
import ImagesAPI
import TestSupport
import Testing

/// `openapi.yaml`: valid OpenAPI (checked by `openapi-spec-validator` from the `.venv-openapi` that `make test`
/// creates), describing every route the router knows, compiled in unchanged, and served without a token.
@Suite struct OpenAPITests {
    static let root = URL(fileURLWithPath: TestPaths.repository)
    static let specPath = root.appendingPathComponent("openapi.yaml").path
    static let validatorPath = root.appendingPathComponent(".venv-openapi/bin/openapi-spec-validator").path
    static var validatorInstalled: Bool { FileManager.default.isExecutableFile(atPath: validatorPath) }
    static var onCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    static func specText() throws -> String {
        try String(contentsOfFile: specPath, encoding: .utf8)
    }

    /// Without the validator this test is skipped locally, and fails on CI (`CI` set), where `make test` must
    /// have installed it.
    @Test(
        .enabled(
            if: OpenAPITests.validatorInstalled || OpenAPITests.onCI,
            "openapi-spec-validator is not installed: run `make test` (it creates .venv-openapi)"))
    func specIsValidOpenAPI() async throws {
        guard Self.validatorInstalled else {
            Issue.record("CI is set but \(Self.validatorPath) is missing: `make test` should have installed it")
            return
        }
        // Bounded wait: the validator takes about a second.
        let (status, text) = try await runProcess(Self.validatorPath, [Self.specPath], timeout: .seconds(60))
        guard let status else {
            Issue.record("openapi-spec-validator did not finish within 60 s")
            return
        }
        #expect(status == 0, "openapi-spec-validator: \(text)")
    }

    /// `METHOD /path` for every operation in the spec's `paths` (read line by line: two-space path keys, four-space
    /// method keys), path parameters written `{}`, without a trailing slash.
    static func specOperations(_ text: String) -> Set<String> {
        let methods: Set<String> = ["get", "put", "post", "patch", "delete", "head", "options"]
        var operations = Set<String>()
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = normalise(String(line.dropFirst(2).dropLast()))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let path {
                let key = String(line.dropFirst(4).dropLast())
                if methods.contains(key) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    /// `{anything}` → `{}`, trailing `/` dropped.
    static func normalise(_ path: String) -> String {
        var out = path.replacingOccurrences(of: #"\{[^}/]*\}"#, with: "{}", options: .regularExpression)
        while out.count > 1, out.hasSuffix("/") { out.removeLast() }
        return out
    }

    @Test func everyRouteIsDescribed() async throws {
        let described = Self.specOperations(try Self.specText())
        #expect(described.count >= 20)
        try await withHarness { h in
            // The document's paths carry the default prefix (its servers is the host's root).
            #expect(h.settings.pathPrefix == "/cloudflare-images")
            let routes = Set(
                h.api.makeRouter().routeTable.map { route in
                    "\(route.method.rawValue) \(Self.normalise(route.pattern))"
                })
            let outside = ["GET /healthz", "GET /readyz", "GET /metrics"]
            for route in routes.sorted() + outside {
                #expect(described.contains(route), "\(route) is not described in openapi.yaml")
            }
            for operation in described.sorted() where !outside.contains(operation) {
                #expect(routes.contains(operation), "openapi.yaml describes \(operation), which no route serves")
            }
        }
    }

    /// `OPTIONS` on every documented path (no token) is a 204 whose `Allow` lists exactly the document's methods
    /// for it, plus `HEAD` where `GET` is and `OPTIONS`; a method the path does not serve is a 405 with that `Allow`.
    @Test func optionsAndAllowAgreeWithTheDocument() async throws {
        var methods: [String: Set<String>] = [:]
        for operation in Self.specOperations(try Self.specText()) {
            let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
            methods[parts[1], default: []].insert(parts[0])
        }
        try await withHarness { h in
            let admin = try await h.token("admin", admin: true)
            for (path, documented) in methods.sorted(by: { $0.key < $1.key }) {
                let concrete = path.replacingOccurrences(of: "{}", with: "00000000-0000-4000-8000-000000000001") + "/"
                var expected = documented.union(["OPTIONS"])
                if documented.contains("GET") { expected.insert("HEAD") }
                let options = try await h.send("OPTIONS", concrete)
                #expect(options.status == 204, "OPTIONS \(path)")
                let allow = Set(
                    (options.header("Allow") ?? "").split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    })
                #expect(
                    allow == expected,
                    "OPTIONS \(path): Allow \(allow.sorted()) but the document says \(expected.sorted())")
                let refused = try await h.send("TRACE", concrete, token: admin)
                #expect(refused.status == 405, "TRACE \(path)")
                #expect(refused.header("Allow") == options.header("Allow"), "TRACE \(path)")
            }
            #expect(try await h.send("OPTIONS", "/cloudflare-images/api/nothing/").status == 404)
        }
    }

    @Test func theCompiledInCopyMatchesTheFile() throws {
        let file = Array(try Self.specText().utf8)
        #expect(
            OpenAPIDocument.bytes == file,
            "Sources/ImagesAPI/OpenAPI/OpenAPIDocument+YAML.swift is stale: regenerate it (see OpenAPIDocument.swift)")
    }

    @Test func servedWithoutAToken() async throws {
        try await withHarness { h in
            for path in ["/cloudflare-images/api/openapi.yaml", "/cloudflare-images/api/openapi.yaml/"] {
                let response = try await h.send("GET", path)
                #expect(response.status == 200)
                #expect(response.header("Content-Type")?.hasPrefix("application/yaml") == true)
                #expect(response.body == OpenAPIDocument.bytes)
            }
            #expect(try await h.send("GET", "/api/openapi.yaml").status == 404)
        }
    }
}
