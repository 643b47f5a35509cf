import Foundation
import ImageStore
import JSON
import SQLite
import Testing

/// The JSON columns are written with the JSON module's writer and read with its parser: the stored text is the
/// canonical compact text, and every value reads back exactly as written (`1.0` stays a double).
struct JSONColumnTests {
    static let metadataCases: [[String: JSONValue]] = [
        [:],
        ["a": "b", "n": 3, "nested": ["x": [true, .null, 1.5]]],
        [
            "whole": .double(1.0), "thousand": .double(1000), "big": .double(1e16), "huge": .double(1e22),
            "negZero": .double(-0.0), "tiny": .double(1e-7), "pi": .double(3.14159), "max": .int(Int64.max),
            "min": .int(Int64.min), "neg": -42,
        ],
        ["deep": ["a": ["b": ["c": [.double(2.0), ["d": .double(0.5)]]]]], "empty": [:], "list": []],
        ["unicode": "é 日本 \u{1F600} \u{2028}", "escapes": "q\"b\\s/t\tn\n\u{1}\u{7f}", "": "empty key"],
        [
            "controls": .string(String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })),
            "a10": 1, "a9": 2, "e\u{301}x": 3, "f": 4, "\u{e9}": 5, "Z": 6, "_": 7, "\u{1F600}": 8, "\u{FF21}": 9,
            "doubles": [
                .double(.leastNonzeroMagnitude), .double(1.7976931348623157e308), .double(1.2345678901234568e20),
                .double(1e-6),
                .double(100.5), .double(-2.5e-5), .double(123456789.125),
            ],
        ],
    ]

    /// The stored text is the canonical text of the value (SQL compares it: `variants = '[]'`), and valid JSON by
    /// Foundation's reading too.
    @Test(arguments: metadataCases)
    func storedTextIsCanonical(_ metadata: [String: JSONValue]) async throws {
        let store = try await TestStore()
        var image = ImageRecord.sample("cf-text", metadata: metadata)
        image.cloudflareMetadata = metadata
        image.variants = ["https://imagedelivery.net/h/cf-text/public", "a\"b\u{8}\u{c}", "é/\u{1}"]
        _ = try await store.repository.insert(image, log: LogEvent("x", message: "m", data: metadata))
        let inspect = try store.inspect()
        let row = try #require(try inspect.query("SELECT metadata, cloudflare_metadata, variants FROM images").first)
        let canonical = JSONValue.object(metadata).jsonText
        #expect(row[0] == .text(canonical))
        #expect(row[1] == .text(canonical))
        #expect(row[2] == .text(JSONValue.array(image.variants.map(JSONValue.string)).jsonText))
        #expect(try inspect.scalar("SELECT data FROM image_upload_logs") == .text(canonical))
        _ = try JSONSerialization.jsonObject(with: Data(canonical.utf8))
    }

    @Test(arguments: metadataCases)
    func metadataReadsBackExactly(_ metadata: [String: JSONValue]) async throws {
        let store = try await TestStore()
        let image = ImageRecord.sample("cf-json", metadata: metadata)
        var withAll = image
        withAll.cloudflareMetadata = metadata
        withAll.variants = ["https://imagedelivery.net/h/cf-json/public", "a\"b", "é"]
        _ = try await store.repository.insert(withAll, log: LogEvent("x", message: "m", data: metadata))
        let read = try #require(try await store.repository.image(.id(image.id), owner: nil))
        #expect(read.metadata == metadata)
        #expect(read.cloudflareMetadata == metadata)
        #expect(read.variants == withAll.variants)
        let logs = try await store.repository.logs(imageID: image.id, limit: nil)
        #expect(logs.first?.data == metadata)
    }

    @Test func corruptJSONColumnIsACorruptRowError() async throws {
        let store = try await TestStore()
        let image = ImageRecord.sample("cf-corrupt")
        _ = try await store.repository.insert(image, log: .created)
        try await store.database.write { try $0.execute("UPDATE images SET variants = '[1]'", []) }
        await #expect(throws: ImageStoreError.corruptRow("images.variants")) {
            try await store.repository.image(.id(image.id), owner: nil)
        }
        try await store.database.write { try $0.execute("UPDATE images SET variants = '[]', metadata = '[1]'", []) }
        await #expect(throws: ImageStoreError.corruptRow("images.metadata")) {
            try await store.repository.image(.id(image.id), owner: nil)
        }
    }
}
