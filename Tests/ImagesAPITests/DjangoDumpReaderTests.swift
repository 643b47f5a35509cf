import Foundation
import ImageStore
import JSON
import SQLite
import TestSupport
import Testing

@testable import ImagesAPI

/// `DjangoDumpReader` (the element scanner), `DjangoDateTime` and the object mapping, on fixed cases and on random,
/// mutated and truncated dumps, which must never trap.
@Suite struct DjangoDumpReaderTests {
    /// Every element, or the error that ended the read.
    static func read(
        _ bytes: [UInt8], chunkSize: Int = 1 << 20, maxElementBytes: Int = 64 << 20
    )
        -> (elements: [DjangoDumpReader.Element], error: String?)
    {
        let reader = DjangoDumpReader(bytes: bytes, chunkSize: chunkSize, maxElementBytes: maxElementBytes)
        var elements: [DjangoDumpReader.Element] = []
        do {
            while let element = try reader.next() { elements.append(element) }
        } catch {
            // After an error the reader stays finished.
            #expect((try? reader.next()) == nil)
            return (elements, error.reason)
        }
        return (elements, nil)
    }

    static func texts(_ elements: [DjangoDumpReader.Element]) -> [String] {
        elements.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test(arguments: DjangoFixture.dumps)
    func theFixturesElementsAreTheArraysItemsWhateverTheChunkSize(dump: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: DjangoFixture.path(dump))))
        guard case .array(let items) = try JSONValue.parse(bytes) else { throw HarnessError("not an array") }
        for chunkSize in [1, 2, 3, 7, 64, 4096, 1 << 20] {
            let (elements, error) = Self.read(bytes, chunkSize: chunkSize)
            #expect(error == nil)
            #expect(try elements.map { try JSONValue.parse($0.bytes) } == items, "chunk size \(chunkSize)")
            #expect(elements.map(\.index) == Array(0..<items.count))
            for element in elements {
                #expect(Array(bytes[element.offset..<(element.offset + element.size)]) == element.bytes)
            }
        }
    }

    @Test func stringsWithEscapesAndBracketsDoNotEndAnElement() {
        let text = #"[ {"a": "}\"{]", "b": ["]", {"c": "\\"}]} ,"x\"]",12, -3.5e2 ,true,null,[[]],{} ]"#
        for chunkSize in [1, 5, 100] {
            let (elements, error) = Self.read(Array(text.utf8), chunkSize: chunkSize)
            #expect(error == nil)
            #expect(
                Self.texts(elements) == [
                    #"{"a": "}\"{]", "b": ["]", {"c": "\\"}]}"#, #""x\"]""#, "12", "-3.5e2", "true", "null", "[[]]",
                    "{}",
                ])
        }
    }

    @Test func whatCannotBeReadOnEndsTheRead() {
        let cases: [(String, [String], String)] = [
            ("", [], "empty"),
            (" \n\t", [], "empty"),
            ("{\"model\": 1}", [], "expected '['"),
            ("[1,]", ["1"], "trailing comma"),
            ("[,1]", [], "found ','"),
            ("[1 2]", ["1"], "expected ',' or ']' after element 0"),
            ("[{} {}]", ["{}"], "expected ',' or ']'"),
            ("[1] x", ["1"], "data after the closing ']'"),
            ("[1][2]", ["1"], "data after the closing ']'"),
            ("[{\"a\": 1", [], "ends inside element 0"),
            ("[{\"a\": \"}", [], "ends inside element 0"),
            ("[1, {}", ["1", "{}"], "ends before the closing ']'"),
            ("[1", ["1"], "ends before the closing ']'"),
            ("[", [], "ends before the closing ']'"),
            ("\u{FEFF}[1]", ["1"], ""),
            ("\u{FEFF}", [], "empty"),
            ("[]", [], ""),
            (" [ ] ", [], ""),
        ]
        for (input, elements, error) in cases {
            let result = Self.read(Array(input.utf8), chunkSize: 2)
            #expect(Self.texts(result.elements) == elements, "\(input.debugDescription)")
            if error.isEmpty {
                #expect(result.error == nil, "\(input.debugDescription)")
            } else {
                #expect(
                    result.error?.contains(error) == true, "\(input.debugDescription): \(result.error ?? "no error")")
            }
        }
    }

    @Test func anElementTooLargeIsHandedOutWithoutItsBytes() {
        let text = #"[{"a": "0123456789abcdef"}, {"b": 1}]"#
        for chunkSize in [1, 4, 1000] {
            let (elements, error) = Self.read(Array(text.utf8), chunkSize: chunkSize, maxElementBytes: 12)
            #expect(error == nil && elements.count == 2)
            #expect(elements[0].isTooLarge && elements[0].bytes.isEmpty && elements[0].size == 25)
            #expect(!elements[1].isTooLarge && elements[1].bytes == Array(#"{"b": 1}"#.utf8))
        }
    }

    /// Random edits of a real dump, read in random chunk sizes: no trap, elements in order, within the file, each
    /// mapped (or refused) without trapping.
    @Test func mutatedAndTruncatedDumpsNeverTrap() throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: DjangoFixture.path("dump-natural.json"))))
        var random = SeededGenerator(seed: 16)
        let interesting = Array(#"{}[]",:\ 0n-."#.utf8) + [0x00, 0x80, 0xFF, 0x0A]
        for _ in 0..<1500 {
            var bytes = original
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[at] = interesting.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(interesting.randomElement(using: &random) ?? 0, at: at)
                default: bytes[at] = UInt8.random(in: 0...255, using: &random)
                }
            }
            if Bool.random(using: &random) {
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            }
            let (elements, _) = Self.read(
                bytes, chunkSize: Int.random(in: 1...4096, using: &random), maxElementBytes: 900)
            var previousEnd = 0
            for element in elements {
                #expect(element.offset >= previousEnd && element.offset + element.size <= bytes.count)
                previousEnd = element.offset + element.size
                guard let value = try? JSONValue.parse(element.bytes), let object = try? DjangoObject(value) else {
                    continue
                }
                _ = try? object.user(usernameField: "username")
                _ = try? object.contentType()
                _ = try? object.token()
                _ = try? object.image()
                _ = try? object.log()
                _ = try? object.usage()
            }
        }
    }

    /// Whole imports of mutated dumps into a real store: no trap, and whatever was read is accounted for.
    @Test func importsOfMutatedDumpsNeverTrap() async throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: DjangoFixture.path("dump.json"))))
        let directory = NSTemporaryDirectory() + "django-fuzz-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database(path: directory + "/store.sqlite", readerCount: 1)
        defer { database.close() }
        try await Migrator(directory: TestPaths.migrations, database: database).apply()
        let service = DjangoImportService(store: SQLiteImageRepository(database: database))
        var random = SeededGenerator(seed: 1616)
        for round in 0..<40 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...20, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                bytes[at] = Array(#"{}[]",:0a1-Z "#.utf8).randomElement(using: &random) ?? 0
            }
            if round % 3 == 0 { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random))) }
            let path = directory + "/dump-\(round).json"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            var options = DjangoImportService.Options(ownerForUnowned: "ops")
            options.batchSize = Int.random(in: 1...50, using: &random)
            let report = try await service.run(path: path, options: options)
            let read = report.counts.values.reduce(0) { $0 + $1.read } + report.ignored.values.reduce(0, +)
            let settled = report.counts.values.reduce(0) {
                $0 + $1.created + $1.updated + $1.unchanged + $1.keptNewer + $1.failed
            }
            let users =
                (report.counts["auth.user"]?.read ?? 0) + (report.counts["contenttypes.contenttype"]?.read ?? 0)
                - (report.counts["auth.user"]?.failed ?? 0) - (report.counts["contenttypes.contenttype"]?.failed ?? 0)
            #expect(
                settled + users + report.ignored.values.reduce(0, +) == read, "round \(round): \(report.summaryLines)")
        }
    }

    // MARK: DjangoDateTime

    @Test func datetimesAreReadAsDjangoWritesThem() {
        let cases: [(String, Int64?)] = [
            ("2025-03-01T09:00:00Z", 1_740_819_600_000_000),
            ("2025-03-01T09:02:10.250Z", 1_740_819_730_250_000),
            ("2025-03-01T09:02:05.482913Z", 1_740_819_725_482_913),
            ("2025-03-01T09:02:05.4829139Z", 1_740_819_725_482_913),
            ("2025-03-01T10:00:00+01:00", 1_740_819_600_000_000),
            ("2025-03-01T08:30:00-0030", 1_740_819_600_000_000),
            ("2025-03-01T09:00:00", 1_740_819_600_000_000),
            ("2025-03-01 09:00", 1_740_819_600_000_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.999999Z", -1),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000_000),
            ("2025-02-29T00:00:00Z", nil),
            ("2025-13-01T00:00:00Z", nil),
            ("2025-03-01T24:00:00Z", nil),
            ("2025-03-01T09:00:00.Z", nil),
            ("2025-03-01T09:00:00ZZ", nil),
            ("2025-03-01", nil),
            ("", nil),
            ("२०२५-03-01T09:00:00Z", nil),
        ]
        for (text, expected) in cases {
            #expect(DjangoDateTime.microseconds(text) == expected, "\(text)")
        }
    }

    @Test func datetimesAreWrittenAsDjangoWritesThemWithoutLosingPrecision() {
        let cases: [(Int64, String)] = [
            (1_740_819_600_000_000, "2025-03-01T09:00:00Z"),
            (1_740_819_730_250_000, "2025-03-01T09:02:10.250Z"),
            (1_740_819_725_482_913, "2025-03-01T09:02:05.482913Z"),
            (-1, "1969-12-31T23:59:59.999999Z"),
            (4_070_908_800_000_000, "2099-01-01T00:00:00Z"),
        ]
        for (micros, text) in cases {
            #expect(DjangoDateTime.format(DjangoDateTime.date(microseconds: micros)) == text)
            #expect(DjangoDateTime.microseconds(text) == micros)
        }
        var random = SeededGenerator(seed: 7)
        for _ in 0..<5000 {
            let micros = Int64.random(in: -62_000_000_000_000_000...253_000_000_000_000_000, using: &random)
            let date = DjangoDateTime.date(microseconds: micros)
            #expect(DjangoDateTime.microseconds(DjangoDateTime.format(date)) == DjangoDateTime.microseconds(date))
        }
    }

    @Test func labelsKeepTheUsersFlags() {
        for staff in [false, true] {
            for superuser in [false, true] {
                for active in [false, true] {
                    let flags = DjangoModels.UserFlags(isStaff: staff, isSuperuser: superuser, isActive: active)
                    #expect(DjangoModels.flags(fromLabel: DjangoModels.tokenLabel(flags)) == flags)
                }
            }
        }
        #expect(DjangoModels.flags(fromLabel: "test") == nil)
        #expect(DjangoModels.flags(fromLabel: "imported from Django (root)") == nil)
    }
}
