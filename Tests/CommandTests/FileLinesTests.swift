import Foundation
import Testing

@testable import cfimages

/// `FileLines`, which `cfimages usages reconcile` reads its file with: lines across 64 KiB chunk boundaries, a final
/// line without a newline, empty lines, and bytes that are not UTF-8.
@Suite struct FileLinesTests {
    func lines(of bytes: [UInt8]) async throws -> [String] {
        let path = NSTemporaryDirectory() + "filelines-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        var out: [String] = []
        for try await line in FileLines(handle: handle) { out.append(line) }
        return out
    }

    @Test func splitsAcrossChunksAndKeepsTheLastLine() async throws {
        let long = String(repeating: "x", count: 70_000)
        let text = "first\n\n\(long)\nlast-without-newline"
        #expect(try await lines(of: Array(text.utf8)) == ["first", "", long, "last-without-newline"])
        #expect(try await lines(of: []) == [])
        #expect(try await lines(of: Array("a\n".utf8)) == ["a"])
        #expect(try await lines(of: [0x61, 0xFF, 0x0A, 0x62]) == ["a\u{FFFD}", "b"])
    }

    @Test func manyShortLines() async throws {
        let text = (0..<20_000).map { "line \($0)" }.joined(separator: "\n")
        let read = try await lines(of: Array(text.utf8))
        #expect(read.count == 20_000 && read.last == "line 19999")
    }
}
