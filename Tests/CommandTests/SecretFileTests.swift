import Foundation
import Testing

@testable import cfimages

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SecretFileTests {
    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "secret-file-" + UUID().uuidString + "/data"
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test func secretsArePrivateAndWrittenOnce() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let old = umask(0)
        defer { umask(old) }
        try SecretFile.privateDirectory(directory)
        #expect(Self.mode(directory) == 0o700)
        let first = try SecretFile.readOrCreate(named: "api-token", in: directory)
        #expect(first.count == 64)
        #expect(Self.mode(directory + "/api-token") == 0o600)
        #expect(try SecretFile.readOrCreate(named: "api-token", in: directory) == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["api-token"])
    }

    /// Processes started together (here: threads) all end up with the same secret.
    @Test func concurrentFirstUsesAgree() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        try SecretFile.privateDirectory(directory)
        let secrets = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<32 {
                group.addTask { try SecretFile.readOrCreate(named: "signing-key", in: directory) }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(secrets.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["signing-key"])
    }
}
