import Foundation
import Testing

/// Every module imports only modules it declares in Package.swift (with `MemberImportVisibility` on, the compiler
/// already refuses members of modules a file does not import; this checks the imports against the manifest).
@Suite struct DeclaredImportsTests {
    /// Modules of the toolchain, which no manifest lists.
    static let toolchain: Set = [
        "Foundation", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "Synchronization", "Testing", "XCTest",
        "_Concurrency",
    ]

    /// Each target's name and the modules its `dependencies:` list names (products by their module name).
    static func declaredDependencies(_ manifest: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        let declarations = manifest.components(separatedBy: ".target(") + []
        var parts = declarations.dropFirst().map { $0 }
        for kind in [".testTarget(", ".executableTarget("] {
            parts = parts.flatMap { $0.components(separatedBy: kind) }
        }
        let quoted = try! Regex(#""([A-Za-z0-9_]+)""#)
        for part in parts {
            guard let nameMatch = part.firstMatch(of: try! Regex(#"^\s*name: "([A-Za-z0-9_]+)""#)),
                let name = nameMatch.output[1].substring.map(String.init)
            else { continue }
            var modules: Set<String> = []
            if let start = part.range(of: "dependencies: [") {
                var depth = 1
                var index = start.upperBound
                while index < part.endIndex, depth > 0 {
                    if part[index] == "[" { depth += 1 } else if part[index] == "]" { depth -= 1 }
                    index = part.index(after: index)
                }
                let list = String(part[start.upperBound..<index])
                for match in list.matches(of: quoted) {
                    if let module = match.output[1].substring { modules.insert(String(module)) }
                }
            }
            result[name] = modules
        }
        return result
    }

    /// The modules `text` imports (`import X`, `@testable import X`, `import struct X.Y`).
    static func imports(_ text: String) -> Set<String> {
        var modules: Set<String> = []
        for line in text.split(separator: "\n") {
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") || first == "public" || first == "internal" {
                words.removeFirst()
            }
            guard words.first == "import", words.count >= 2 else { continue }
            let target =
                ["struct", "class", "enum", "protocol", "func", "typealias", "var"].contains(words[1])
                    && words.count >= 3
                ? words[2] : words[1]
            modules.insert(String(target.split(separator: ".")[0]))
        }
        return modules
    }

    @Test func everyImportIsDeclared() throws {
        let root = RepositoryFilesTests.root
        let manifest = try RepositoryFilesTests.read("Package.swift")
        let declared = Self.declaredDependencies(manifest)
        #expect(declared.count > 20)
        var checkedFiles = 0
        for (target, dependencies) in declared {
            let folder = ["Sources", "Tests"].map { root.appendingPathComponent($0).appendingPathComponent(target) }
                .first { FileManager.default.fileExists(atPath: $0.path) }
            guard let folder, let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            let allowed = dependencies.union(Self.toolchain).union([target])
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                let undeclared = Self.imports(text).subtracting(allowed)
                #expect(undeclared.isEmpty, "\(target)/\(file) imports \(undeclared.sorted()) without declaring it")
                checkedFiles += 1
            }
        }
        #expect(checkedFiles > 200)
    }
}
