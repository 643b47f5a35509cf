import Foundation
import TestSupport
import Testing

/// Checks on files that nothing compiles: the Dockerfile and the settings documentation.
@Suite struct RepositoryFilesTests {
    static let root = URL(fileURLWithPath: TestPaths.repository)

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func everythingTheDockerfileCopiesExists() throws {
        let dockerfile = try Self.read("Dockerfile")
        var checked = 0
        for line in dockerfile.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from=") {
            let words = line.split(separator: " ").dropFirst().filter { !$0.hasPrefix("--") }
            for source in words.dropLast() {
                let path = Self.root.appendingPathComponent(String(source)).path
                #expect(FileManager.default.fileExists(atPath: path), "Dockerfile copies missing \(source)")
                checked += 1
            }
        }
        #expect(checked >= 4)
        #expect(dockerfile.contains("HEALTHCHECK"))
        #expect(dockerfile.contains("/healthz"))
        #expect(dockerfile.contains("USER "))
        #expect(dockerfile.contains("VOLUME"))
    }

    @Test func everySettingIsDocumented() throws {
        let example = try Self.read("Config/cfimages.env.example")
        let readme = try Self.read("README.md")
        let sources = try FileManager.default
            .contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources/Configuration").path)
            .map { try Self.read("Sources/Configuration/" + $0) }.joined()
        let names = Set(sources.matches(of: /"((?:CFIMAGES|CLOUDFLARE_IMAGES)_[A-Z_]+)"/).map { String($0.1) })
        #expect(names.count > 20)
        for name in names {
            #expect(readme.contains(name), "README.md does not document \(name)")
            if name != "CFIMAGES_CONFIG_FILE" {
                #expect(example.contains(name), "Config/cfimages.env.example does not list \(name)")
            }
        }
    }
}
