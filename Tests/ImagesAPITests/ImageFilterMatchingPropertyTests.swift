import Foundation
import ImageStore
import JSON
import TestSupport
import Testing

@testable import ImagesAPI

/// `ImageFilter.matches` (the Swift copy of the list filters, which detail and bulk routes use) must decide
/// exactly as the repository's SQL does: random rows (statuses, upload times, variants, signing, file names with
/// mixed and non-ASCII case, creators, nested metadata of every JSON type, usages), then random filters of every
/// kind, each answered both ways and compared.
@Suite struct ImageFilterMatchingPropertyTests {
    static let words = ["Cat", "cat", "DOG", "dóg", "Ünïcode", "a_b", "100%", "x.y", "hero", "HERO", ""]
    static let creators = ["app", "App", "", "user-1"]
    static let metadataValues: [JSONValue] = [
        .string("blue"), .string("Blue"), .int(3), .int(-7), .double(1.5), .double(2.0), .bool(true), .bool(false),
        .null, .array([.int(1)]), .object(["k": .string("v")]), .string("3"), .string("true"),
    ]

    func randomMetadata(_ g: inout SeededGenerator) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for key in ["color", "n", "flag"] where Bool.random(using: &g) {
            object[key] = Self.metadataValues.randomElement(using: &g) ?? .null
        }
        if Bool.random(using: &g) {
            object["nested"] = .object(["deep": Self.metadataValues.randomElement(using: &g) ?? .null])
        }
        return object
    }

    @Test func theSwiftFiltersAgreeWithTheSQL() async throws {
        try await withHarness { h in
            var g = SeededGenerator(seed: 0x5EED_1234)
            let base = Date(timeIntervalSince1970: 1_750_000_000)
            var ids: [UUID] = []
            for i in 0..<120 {
                var record = ImageRecord(
                    cloudflareID: "cf-\(i)-" + (Self.words.randomElement(using: &g) ?? ""),
                    owner: "alice",
                    filename: (Self.words.randomElement(using: &g) ?? "") + ".jpg",
                    originalFilename: Self.words.randomElement(using: &g) ?? "",
                    status: ImageStatus.allCases.randomElement(using: &g) ?? .pending,
                    requireSignedURLs: Bool.random(using: &g),
                    metadata: randomMetadata(&g),
                    creator: Self.creators.randomElement(using: &g) ?? "",
                    createdAt: base.addingTimeInterval(Double(i)),
                    expiresAt: base.addingTimeInterval(3600))
                if Bool.random(using: &g) {
                    record.uploadedAt = base.addingTimeInterval(Double(Int.random(in: 0...200, using: &g)))
                }
                if Bool.random(using: &g) { record.variants = ["https://imagedelivery.net/h/\(i)/public"] }
                let stored = try await h.repository.insert(record, log: LogEvent("seeded"))
                ids.append(stored.id)
                if Int.random(in: 0..<3, using: &g) == 0 {
                    _ = try await h.repository.recordUsages(
                        [
                            UsageReference(
                                contentType: "blog.post", objectID: "\(i)", fieldName: "f",
                                cloudflareID: stored.cloudflareID, source: .auto)
                        ],
                        at: base)
                }
            }
            let records = try await h.repository.images(ids: ids, owner: nil)
            #expect(records.count == 120 && records.contains { $0.usageCount > 0 })

            var compared = 0
            var matchedSome = 0
            for _ in 0..<400 {
                var filter = ImageFilter()
                switch Int.random(in: 0..<10, using: &g) {
                case 0: filter.status = ImageStatus.allCases.randomElement(using: &g)
                case 1: filter.uploadedAfter = base.addingTimeInterval(Double(Int.random(in: -10...210, using: &g)))
                case 2: filter.uploadedBefore = base.addingTimeInterval(Double(Int.random(in: -10...210, using: &g)))
                case 3: filter.hasVariants = Bool.random(using: &g)
                case 4: filter.requireSignedURLs = Bool.random(using: &g)
                case 5:
                    filter.filename = String(
                        (Self.words.randomElement(using: &g) ?? "").prefix(Int.random(in: 1...4, using: &g)))
                case 6: filter.creator = Self.creators.randomElement(using: &g)
                case 7: filter.orphaned = true
                case 8:
                    let path =
                        Bool.random(using: &g)
                        ? ["nested", "deep"] : [["color", "n", "flag"].randomElement(using: &g) ?? "n"]
                    let value =
                        ["blue", "Blue", "3", "-7", "1.5", "2.0", "2", "true", "false", "[1]", #"{"k":"v"}"#]
                        .randomElement(using: &g) ?? "3"
                    filter.metadata = [MetadataFilter(path: path, value: value)]
                default:
                    filter.searchTerms = (0..<Int.random(in: 1...2, using: &g)).map { _ in
                        String((Self.words.randomElement(using: &g) ?? "").prefix(Int.random(in: 1...3, using: &g)))
                    }.filter { !$0.isEmpty }
                }
                // Sometimes two filters at once.
                if Bool.random(using: &g) { filter.requireSignedURLs = Bool.random(using: &g) }
                let sql = Set(
                    try await h.repository.list(filter.query(owner: nil, limit: nil, offset: 0)).items.map(\.id))
                let swift = Set(records.filter(filter.matches).map(\.id))
                #expect(sql == swift, "\(filter): SQL \(sql.count), Swift \(swift.count)")
                compared += 1
                if !sql.isEmpty { matchedSome += 1 }
            }
            #expect(compared == 400 && matchedSome > 100)
        }
    }
}
