import Foundation
import TestSupport
import Testing

/// The `cfimages events` command against the built executable. (`scripts/events-crash-test.py`, SIGKILL of `serve`
/// after a change whose delivery failed and the event delivered after the restart, runs after the suites in
/// `make test`: its processes would take the CPU from the suite's timing-bound tests on a small machine.)
@Suite struct EventCrashTests {
    /// The `cfimages` executable `swift build` put beside the test bundle.
    static var binary: String? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if folder.lastPathComponent == "MacOS" || folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("cfimages").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// `cfimages events endpoint add|list|remove` on a fresh data directory.
    @Test(.enabled(if: binary != nil, "needs the cfimages executable beside the test bundle"))
    func theEventsCommandAddsListsAndRemovesEndpoints() async throws {
        let binary = try #require(Self.binary)
        let directory = try makeTemporaryDirectory(prefix: "events-command-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/empty.env", contents: nil)
        let environment = [
            "CFIMAGES_DATA_DIR=\(directory)/data", "CFIMAGES_MIGRATIONS_DIR=\(TestPaths.migrations)",
            "CFIMAGES_CONFIG_FILE=\(directory)/empty.env", "CFIMAGES_LOG_LEVEL=error",
        ]
        func run(_ arguments: [String], allowPrivate: Bool = true) async throws -> (status: Int32?, output: String) {
            let settings = environment + ["CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS=\(allowPrivate)"]
            return try await runProcess(
                "/usr/bin/env", settings + [binary, "events", "endpoint"] + arguments, timeout: .seconds(60))
        }
        let refused = try await run(["add", "http://127.0.0.1:9/hook"], allowPrivate: false)
        #expect(
            refused.status != 0 && refused.output.contains("CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS"), "\(refused.output)")
        let added = try await run([
            "add", "http://127.0.0.1:9/hook", "--events", "image.uploaded,image.failed", "--description", "app",
        ])
        #expect(added.status == 0, "\(added.output)")
        let lines = added.output.split(separator: "\n").map(String.init)
        #expect(lines.last?.hasPrefix("whsec_") == true)
        let id = try #require(lines.first?.split(separator: " ").first { $0.hasPrefix("ep_") }.map(String.init))
        let listed = try await run(["list"])
        #expect(listed.output.contains(id) && listed.output.contains("image.uploaded,image.failed"), "\(listed.output)")
        #expect(!listed.output.contains("whsec_"))
        let bad = try await run(["add", "http://127.0.0.1:9/hook", "--events", "image.bogus"])
        #expect(bad.status != 0 && bad.output.contains("image.bogus"), "\(bad.output)")
        #expect(try await run(["remove", id]).status == 0)
        #expect(try await run(["remove", id]).status != 0)
        #expect(try await run(["list"]).output.contains("No event endpoints."))
    }
}
