import Foundation
import Testing
import TestSupport

/// `scripts/events-crash-test.py` against the built `cfimages`: SIGKILL of `serve` after a change whose delivery
/// failed, and the event is delivered after the restart (the outbox row committed with the change).
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

    @Test(.enabled(if: binary != nil, "needs the cfimages executable beside the test bundle"), .timeLimit(.minutes(3)))
    func anEventSurvivesASIGKILLOfServeAndIsDeliveredAfterTheRestart() async throws {
        let binary = try #require(Self.binary)
        let script = TestPaths.repository + "/scripts/events-crash-test.py"
        let run = try await blocking { try runProcess("/usr/bin/env", ["python3", script, "--binary", binary], timeout: .seconds(170)) }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("delivered after the restart"), "\(run.output)")
    }
}
