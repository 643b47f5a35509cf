import Foundation
import ImageStore
import JSON
import SQLite
import Testing

/// The JSON columns are read with the JSON module's byte parser; what comes back must be exactly what
/// `JSONDecoder` made of the same stored text (integral numbers that fit Int64 read back as `.int`).
struct JSONColumnTests {
    static let metadataCases: [[String: JSONValue]] = [
        [:],
        ["a": "b", "n": 3, "nested": ["x": [true, .null, 1.5]]],
        ["whole": .double(1.0), "thousand": .double(1000), "big": .double(1e16), "huge": .double(1e22),
         "negZero": .double(-0.0), "tiny": .double(1e-7), "pi": .double(3.14159), "max": .int(Int64.max),
         "min": .int(Int64.min), "neg": -42],
        ["deep": ["a": ["b": ["c": [.double(2.0), ["d": .double(0.5)]]]]], "empty": [:], "list": []],
        ["unicode": "é 日本 \u{1F600} \u{2028}", "escapes": "q\"b\\s/t\tn\n\u{1}\u{7f}", "": "empty key"],
    ]

    static func foundationRoundTrip(_ value: [String: JSONValue]) throws -> [String: JSONValue] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try JSONDecoder().decode([String: JSONValue].self, from: encoder.encode(value))
    }

    @Test(arguments: metadataCases)
    func metadataReadsBackAsJSONDecoderWouldHaveIt(_ metadata: [String: JSONValue]) async throws {
        let store = try await TestStore()
        let image = ImageRecord.sample("cf-json", metadata: metadata)
        var withAll = image
        withAll.cloudflareMetadata = metadata
        withAll.variants = ["https://imagedelivery.net/h/cf-json/public", "a\"b", "é"]
        _ = try await store.repository.insert(withAll, log: LogEvent("x", message: "m", data: metadata))
        let read = try #require(try await store.repository.image(.id(image.id), owner: nil))
        let expected = try Self.foundationRoundTrip(metadata)
        #expect(read.metadata == expected)
        #expect(read.cloudflareMetadata == expected)
        #expect(read.variants == withAll.variants)
        let logs = try await store.repository.logs(imageID: image.id, limit: nil)
        #expect(logs.first?.data == expected)
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
