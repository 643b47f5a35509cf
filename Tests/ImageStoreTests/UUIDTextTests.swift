import Foundation
import Testing

@testable import ImageStore

/// The hand-written UUID text codec agrees with Foundation's.
@Suite struct UUIDTextTests {
    @Test func formatsAsFoundationDoesInLowerCase() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(id.lowercasedText == id.uuidString.lowercased())
            var bytes: [UInt8] = [1]
            id.appendLowercasedText(to: &bytes)
            #expect(bytes == [1] + Array(id.uuidString.lowercased().utf8))
        }
    }

    @Test func parsesWhatFoundationParses() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(UUID(canonicalText: id.uuidString) == id)
            #expect(UUID(canonicalText: id.uuidString.lowercased()) == id)
        }
    }

    @Test(arguments: [
        "", "0b6f6c5e-8a55-4f7e-9c47-2f1c1f4f0a1", "0b6f6c5e-8a55-4f7e-9c47-2f1c1f4f0a111",
        "0b6f6c5e 8a55-4f7e-9c47-2f1c1f4f0a11", "0b6f6c5e-8a55-4f7e-9c47_2f1c1f4f0a11",
        "0b6f6c5g-8a55-4f7e-9c47-2f1c1f4f0a11",
        "{b6f6c5e-8a55-4f7e-9c47-2f1c1f4f0a11}", "0b6f6c5e8a554f7e9c472f1c1f4f0a11",
        "0b6f6c5e-8a55-4f7e-9c47-2f1c1f4f0aé",
        "-0b6f6c5e-8a55-4f7e-9c47-2f1c1f4f0a1",
    ])
    func refusesWhatFoundationRefuses(_ text: String) {
        #expect(UUID(uuidString: text) == nil)
        #expect(UUID(canonicalText: text) == nil)
    }

    @Test func bytesFormsAgreeWithTheStringForms() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(
                id.withLowercasedUTF8 { span in (0..<span.count).map { span[$0] } } == Array(id.lowercasedText.utf8))
            #expect(UUID(canonicalUTF8: Array(id.uuidString.utf8).span) == id)
        }
        for text in ["", "0b6f6c5e-8a55-4f7e-9c47-2f1c1f4f0a1", "0b6f6c5e-8a55-4f7e-9c47_2f1c1f4f0a11"] {
            #expect(UUID(canonicalUTF8: Array(text.utf8).span) == nil)
        }
    }

    @Test func appendsQuotedForJSON() {
        let id = UUID()
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        id.appendLowercasedText(to: &bytes, quoted: true)
        id.appendLowercasedText(to: &bytes)
        #expect(
            String(decoding: bytes, as: UTF8.self) == "[\"\(id.uuidString.lowercased())\"\(id.uuidString.lowercased())")
    }
}
