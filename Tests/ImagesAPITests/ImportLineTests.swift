import ImagesAPI
import JSON
import Testing

/// The line format of `cfimages import` files.
struct ImportLineTests {
    func parse(_ text: String) throws(ImportLineError) -> ImportLine? {
        try ImportLine.parse(Substring(text), number: 7)
    }

    @Test func acceptsTheThreeShapes() throws {
        let plain = try #require(try parse("  https://example.com/a.jpg  "))
        #expect(
            plain.url == "https://example.com/a.jpg" && plain.customID == nil && plain.metadata == nil
                && plain.number == 7)
        let named = try #require(try parse("https://example.com/a.jpg\tmy-id"))
        #expect(named.customID == "my-id")
        let full = try #require(try parse("http://example.com/a.jpg\tmy-id\t{\"a\": {\"b\": [1, true]}}"))
        #expect(full.metadata == ["a": ["b": [1, true]]])
        let noID = try #require(try parse("http://example.com/a.jpg\t\t{\"k\":\"v\"}"))
        #expect(noID.customID == nil && noID.metadata == ["k": "v"])
    }

    @Test func skipsBlankAndCommentLines() throws {
        #expect(try parse("") == nil)
        #expect(try parse("   \t ") == nil)
        #expect(try parse("  # a comment\twith tabs") == nil)
    }

    @Test func rejectsBadLinesWithTheLineNumber() {
        func reason(_ text: String) -> String? {
            do {
                _ = try parse(text)
                return nil
            } catch {
                #expect(error.line == 7 && error.description.hasPrefix("line 7: "))
                return error.reason
            }
        }
        #expect(reason("example.com/a.jpg")?.contains("http(s) URL") == true)
        #expect(reason("ftp://example.com/a.jpg")?.contains("http(s) URL") == true)
        #expect(reason("https://example.com/a.jpg\t" + String(repeating: "x", count: 256))?.contains("255") == true)
        #expect(reason("https://example.com/a.jpg\tbad\u{7}id")?.contains("control") == true)
        #expect(reason("https://example.com/a.jpg\tid\t[1, 2]")?.contains("JSON object") == true)
        #expect(reason("https://example.com/a.jpg\tid\t{oops")?.contains("not valid JSON") == true)
    }

    @Test func theHashIgnoresSpacingButNotContent() throws {
        let a = try #require(try parse("https://example.com/a.jpg\tid\t{\"x\": 1, \"y\": 2}"))
        let b = try #require(try parse("  https://example.com/a.jpg \t id \t{\"y\":2,\"x\":1}"))
        let c = try #require(try parse("https://example.com/a.jpg\tid"))
        #expect(a.hash == b.hash && a.hash != c.hash && a.hash.count == 64)
    }
}
