import Foundation
import Testing

/// What the library products promise other apps (README, "Using CloudflareImages from your own Swift app"):
/// `CloudflareImagesCore` imports nothing but the pure-Swift `Base16` (no C library, no Foundation), `Base16` imports
/// nothing, and the client imports none of our server, storage or emulator modules.
struct LibraryBoundaryTests {
    static let sources: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("Sources")
            }
        }
        return url
    }()

    static func imports(of module: String) throws -> [String: Set<String>] {
        let folder = sources.appendingPathComponent(module)
        var result: [String: Set<String>] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            result[name] = Set(
                text.split(separator: "\n").compactMap { line in
                    let words = line.split(separator: " ")
                    guard let index = words.firstIndex(of: "import"), index < words.count - 1,
                        words[..<index].allSatisfy({ $0.hasPrefix("@") || $0 == "public" || $0 == "internal" })
                    else { return nil }
                    return String(words[index + 1])
                })
        }
        return result
    }

    @Test func coreImportsOnlyBase16() throws {
        let files = try Self.imports(of: "CloudflareImagesCore")
        #expect(files.count > 10)
        for (file, modules) in files {
            #expect(modules.isSubset(of: ["Base16"]), "\(file) imports \(modules.sorted())")
        }
        for (file, modules) in try Self.imports(of: "Base16") {
            #expect(modules.isEmpty, "\(file) imports \(modules.sorted())")
        }
    }

    @Test func clientImportsNoServerStorageOrEmulator() throws {
        let allowed: Set = [
            "CloudflareImagesCore", "Base16", "HTTPClient", "HTTPFields", "JSON", "Logging", "Foundation", "Glibc",
            "Synchronization",
        ]
        let files = try Self.imports(of: "CloudflareImages")
        #expect(files.count > 10)
        for (file, modules) in files {
            #expect(modules.isSubset(of: allowed), "\(file) imports \(modules.subtracting(allowed).sorted())")
        }
    }
}
