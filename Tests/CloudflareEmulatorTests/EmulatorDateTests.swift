import CloudflareImages
import Foundation
import TestSupport
import Testing

@testable import CloudflareEmulator

/// The emulator's own RFC 3339 reader and writer: fixed cases from RFC 3339 and Cloudflare's API reference, then
/// generated inputs checked against an oracle built from Foundation's calendar, and against the client's codec.
@Suite struct EmulatorDateTests {
    static func parse(_ text: String) -> Int64? { EmulatorDate(rfc3339: text)?.millisecondsSince1970 }

    @Test(
        arguments: [
            // Cloudflare's examples: `uploaded` in the API reference, `expiry` in the Python SDK's tests.
            ("2014-01-02T02:20:00.123Z", 1_388_629_200_123),
            ("2021-01-02T02:20:00Z", 1_609_554_000_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:00.000Z", 0),
            ("1969-12-31T23:59:59.999Z", -1),
            ("1970-01-01t00:00:00z", 0),
            ("1970-01-01T01:00:00+01:00", 0),
            ("1969-12-31T23:00:00-01:00", 0),
            ("1970-01-01T00:00:00-00:00", 0),
            ("1970-01-02T00:00:00+23:59", 86_400_000 - 86_340_000),
            ("2000-02-29T12:00:00Z", 951_825_600_000),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000),
            ("1970-01-01T00:00:00.1Z", 100),
            ("1970-01-01T00:00:00.12Z", 120),
            ("1970-01-01T00:00:00.1239Z", 123),
            ("1970-01-01T00:00:00.999999999999999999999999Z", 999),
            ("0000-01-01T00:00:00Z", EmulatorDate.earliest),
            ("9999-12-31T23:59:59.999Z", EmulatorDate.latest),
            ("9999-12-31T23:59:59.999999Z", EmulatorDate.latest),
            ("0000-01-01T00:00:00-00:01", EmulatorDate.earliest + 60_000),
            ("9999-12-31T23:59:59.999+00:01", EmulatorDate.latest - 60_000),
        ] as [(String, Int64)])
    func readsDateTimes(text: String, milliseconds: Int64) {
        #expect(Self.parse(text) == milliseconds, "\(text)")
    }

    @Test(arguments: [
        "", "Z", "2024", "2024-01-01", "2024-01-01T", "2024-01-01T00:00", "2024-01-01T00:00:00",
        "2024-01-01 00:00:00Z", "2024-01-01T00:00:00 Z", " 2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z ",
        "2024-01-01T00:00:00Z\n", "2024-01-01T00:00:00ZZ", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00,5Z",
        "2024-01-01T00:00:00+05", "2024-01-01T00:00:00+0500", "2024-01-01T00:00:00+5:00", "2024-01-01T00:00:00+05:0",
        "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+05:60", "2024-01-01T00:00:00UTC", "2024-01-01T00:00:00GMT",
        "20240101T000000Z", "2024-1-01T00:00:00Z", "2024-01-1T00:00:00Z", "24-01-01T00:00:00Z", "+2024-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z", "12024-01-01T00:00:00Z",
        "2024-00-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z",
        "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z",
        "2024-06-31T00:00:00Z", "2024-09-31T00:00:00Z", "2024-11-31T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z", "2016-12-31T23:59:60Z",
        "2024-01-01T00:00:00.-1Z", "2024-01-01T0a:00:00Z", "2024\u{2D}01-01T00:00:00\u{FF3A}",
        "\u{0662}\u{0660}\u{0662}\u{0664}-01-01T00:00:00Z", "２０２４-01-01T00:00:00Z", "2024-01-01T00:00:00Z\u{0}",
        "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "null", "1700000000",
    ])
    func refusesEverythingElse(text: String) {
        #expect(Self.parse(text) == nil, "\(text.debugDescription)")
    }

    @Test func writesCloudflaresUploadedForm() {
        #expect(EmulatorDate(millisecondsSince1970: 1_388_629_200_123).rfc3339 == "2014-01-02T02:20:00.123Z")
        #expect(EmulatorDate(millisecondsSince1970: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(EmulatorDate(millisecondsSince1970: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
        #expect(EmulatorDate(millisecondsSince1970: 951_825_600_007).rfc3339 == "2000-02-29T12:00:00.007Z")
        #expect(EmulatorDate(millisecondsSince1970: EmulatorDate.earliest).rfc3339 == "0000-01-01T00:00:00.000Z")
        #expect(EmulatorDate(millisecondsSince1970: EmulatorDate.latest).rfc3339 == "9999-12-31T23:59:59.999Z")
        // Out of RFC 3339's years: clamped, never trapped on.
        #expect(EmulatorDate(millisecondsSince1970: .max).rfc3339 == "9999-12-31T23:59:59.999Z")
        #expect(EmulatorDate(millisecondsSince1970: .min).rfc3339 == "0000-01-01T00:00:00.000Z")
    }

    @Test func roundTripsItsOwnFormat() throws {
        var generator = SeededGenerator(seed: 0x5EED_DA7E)
        let shape = try Regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")
        var samples: [Int64] = [EmulatorDate.earliest, EmulatorDate.latest, 0, -1, 1]
        samples += (0..<20_000).map { _ in
            Int64.random(in: EmulatorDate.earliest...EmulatorDate.latest, using: &generator)
        }
        for milliseconds in samples {
            let text = EmulatorDate(millisecondsSince1970: milliseconds).rfc3339
            #expect(text.wholeMatch(of: shape) != nil, "\(text)")
            #expect(Self.parse(text) == milliseconds, "\(milliseconds) -> \(text)")
        }
    }

    @Test func survivesRandomBytes() {
        var generator = SeededGenerator(seed: 0xB17E5)
        for round in 0..<20_000 {
            let bytes = generator.bytes(Int.random(in: 0...40, using: &generator))
            let text = String(decoding: bytes, as: UTF8.self)
            if let parsed = Self.parse(text) {
                #expect((EmulatorDate.earliest...EmulatorDate.latest).contains(parsed), "round \(round)")
            }
        }
    }

    /// Valid date-times with one to three random edits, judged by an oracle that knows RFC 3339's grammar (a regex)
    /// and asks Foundation's Gregorian calendar whether the fields name a real time and which.
    @Test func nearValidStringsMatchAFoundationOracle() throws {
        var generator = SeededGenerator(seed: 0xDA7E_0FF5)
        let oracle = try DateOracle()
        var accepted = 0
        var refused = 0
        for round in 0..<6_000 {
            var text = Array(Self.randomDateTime(using: &generator))
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                Self.mutate(&text, using: &generator)
            }
            let candidate = String(text)
            let parsed = Self.parse(candidate)
            switch oracle.expectation(for: candidate) {
            case .refused:
                refused += 1
                #expect(parsed == nil, "round \(round): \(candidate.debugDescription) read as \(parsed ?? 0)")
            case .accepted(let milliseconds):
                accepted += 1
                #expect(parsed == milliseconds, "round \(round): \(candidate.debugDescription)")
            case .unknown:
                if let parsed { #expect((EmulatorDate.earliest...EmulatorDate.latest).contains(parsed)) }
            }
        }
        // Both sides of the oracle were exercised.
        #expect(accepted > 1000)
        #expect(refused > 1000)
    }

    /// The emulator's dates and the client's parse each other's output (two codecs written apart agree).
    @Test func agreesWithTheClientCodec() {
        var generator = SeededGenerator(seed: 0xC11E_27)
        for _ in 0..<5_000 {
            let milliseconds = Int64.random(in: 0...EmulatorDate.latest, using: &generator)
            let ours = EmulatorDate(millisecondsSince1970: milliseconds).rfc3339
            #expect(RFC3339.parseMilliseconds(ours) == milliseconds, "\(ours)")
            let theirs = RFC3339.format(milliseconds: milliseconds)
            #expect(Self.parse(theirs) == milliseconds, "\(theirs)")
            let wholeSeconds = RFC3339.format(Date(timeIntervalSince1970: Double(milliseconds / 1000)))
            #expect(Self.parse(wholeSeconds) == milliseconds / 1000 * 1000, "\(wholeSeconds)")
        }
    }

    // MARK: - Generators

    static func randomDateTime(using generator: inout SeededGenerator) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let year = Int.random(in: 0...9999, using: &generator)
        let month = Int.random(in: 1...12, using: &generator)
        let day = Int.random(in: 1...28, using: &generator)
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        text += Bool.random(using: &generator) ? "T" : "t"
        text +=
            "\(pad(Int.random(in: 0...23, using: &generator), 2)):\(pad(Int.random(in: 0...59, using: &generator), 2))"
        text += ":\(pad(Int.random(in: 0...59, using: &generator), 2))"
        if Bool.random(using: &generator) {
            text += "." + generator.string(from: Array("0123456789"), count: Int.random(in: 1...12, using: &generator))
        }
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: text += "Z"
        case 1: text += "z"
        default:
            text += Bool.random(using: &generator) ? "+" : "-"
            text +=
                "\(pad(Int.random(in: 0...23, using: &generator), 2)):\(pad(Int.random(in: 0...59, using: &generator), 2))"
        }
        return text
    }

    /// One edit: replace, insert, delete or swap, with characters a date-time is made of (and a few it is not).
    static func mutate(_ text: inout [Character], using generator: inout SeededGenerator) {
        let alphabet = Array("0123456789012345678901234567890123456789-:+.TtZz 9ü\u{0663}")
        let character = alphabet.randomElement(using: &generator) ?? "0"
        switch Int.random(in: 0..<4, using: &generator) {
        case 0 where !text.isEmpty:
            text[Int.random(in: 0..<text.count, using: &generator)] = character
        case 1:
            text.insert(character, at: Int.random(in: 0...text.count, using: &generator))
        case 2 where !text.isEmpty:
            text.remove(at: Int.random(in: 0..<text.count, using: &generator))
        case 3 where text.count > 1:
            let index = Int.random(in: 0..<(text.count - 1), using: &generator)
            text.swapAt(index, index + 1)
        default:
            break
        }
    }
}

/// What RFC 3339 says a string means, worked out without the emulator's code: the grammar as a regular expression,
/// the calendar from Foundation (whose Gregorian calendar switches to Julian in 1582, so earlier years are
/// `unknown`), the offset subtracted by hand (Foundation's time zones stop at 18 hours; RFC 3339 allows 23:59).
struct DateOracle {
    enum Expectation {
        case refused
        case accepted(Int64)
        case unknown
    }

    let grammar: Regex<AnyRegexOutput>
    let calendar: Calendar

    init() throws {
        grammar = try Regex(
            "^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
        )
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        self.calendar = calendar
    }

    func expectation(for text: String) -> Expectation {
        guard let match = text.wholeMatch(of: grammar) else { return .refused }
        func number(_ index: Int) -> Int { match.output[index].substring.flatMap { Int($0) } ?? -1 }
        let (year, month, day) = (number(1), number(2), number(3))
        let (hour, minute, second) = (number(4), number(5), number(6))
        guard year >= 1600 else { return .unknown }

        var milliseconds: Int64 = 0
        if let fraction = match.output[7].substring {
            let digits = fraction.dropFirst().prefix(3)
            milliseconds = Int64(digits + String(repeating: "0", count: 3 - digits.count)) ?? -1
        }
        var offsetSeconds: Int64 = 0
        if let offset = match.output[8].substring, offset.count == 6 {
            let hours = Int64(offset.dropFirst().prefix(2)) ?? 99
            let minutes = Int64(offset.suffix(2)) ?? 99
            guard hours <= 23, minutes <= 59 else { return .refused }
            offsetSeconds = (offset.hasPrefix("-") ? -1 : 1) * (hours * 3600 + minutes * 60)
        }

        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return .refused }
        // Foundation rolls impossible fields over (February 30 becomes March 1 or 2): reading them back tells.
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == year, back.month == month, back.day == day, back.hour == hour, back.minute == minute,
            back.second == second
        else { return .refused }
        let instant = (Int64(date.timeIntervalSince1970.rounded()) - offsetSeconds) * 1000 + milliseconds
        guard instant <= EmulatorDate.latest else { return .refused }
        return .accepted(instant)
    }
}
