import Foundation

/// Timestamps as the reference writes and reads them, without `DateFormatter`.
///
/// Output is DRF's: UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, the fraction left out when the microsecond is 0.
/// Input is Django's `parse_datetime`: `YYYY-MM-DD[( |T)HH:MM[:SS[(.|,)f{1,6}]]][Z|±HH[[:]MM]]`; a bare date is
/// midnight and a value without an offset is UTC.
enum Timestamp {
    static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The formatted timestamp as a JSON string value, written straight into `bytes`.
    static func appendJSON(_ date: Date, to bytes: inout [UInt8]) {
        append(date, to: &bytes, quoted: true)
    }

    /// Formats into a stack buffer (in quotes for JSON), then appends once: one capacity check instead of one per
    /// byte. Digits go in two at a time.
    static func append(_ date: Date, to bytes: inout [UInt8], quoted: Bool = false) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 {
            rest += 86_400_000_000
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let seconds = Int(rest / 1_000_000)
        let fraction = Int(rest % 1_000_000)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 34) { buffer in
            let out = buffer.baseAddress!
            var at = 0
            @inline(__always) func pair(_ value: Int) {
                out[at] = UInt8(truncatingIfNeeded: 48 + value / 10)
                out[at + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
                at += 2
            }
            @inline(__always) func put(_ character: UInt8) {
                out[at] = character
                at += 1
            }
            if quoted { put(UInt8(ascii: "\"")) }
            // Four digits, as Python's years have; a year outside 1...9999 (which no write stores) wraps rather
            // than trapping.
            let fourDigitYear = (year % 10_000 + 10_000) % 10_000
            pair(fourDigitYear / 100)
            pair(fourDigitYear % 100)
            put(UInt8(ascii: "-"))
            pair(month)
            put(UInt8(ascii: "-"))
            pair(day)
            put(UInt8(ascii: "T"))
            pair(seconds / 3600)
            put(UInt8(ascii: ":"))
            pair(seconds / 60 % 60)
            put(UInt8(ascii: ":"))
            pair(seconds % 60)
            if fraction != 0 {
                put(UInt8(ascii: "."))
                pair(fraction / 10_000)
                pair(fraction / 100 % 100)
                pair(fraction % 100)
            }
            put(UInt8(ascii: "Z"))
            if quoted { put(UInt8(ascii: "\"")) }
            bytes.append(contentsOf: UnsafeBufferPointer(start: out, count: at))
        }
    }

    static func parse(_ text: String) -> Date? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4...4), scanner.take("-"),
              let month = scanner.number(digits: 1...2), scanner.take("-"),
              let day = scanner.number(digits: 1...2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var seconds = 0
        var micros = 0
        if scanner.take("T") || scanner.take(" ") {
            guard let hour = scanner.number(digits: 1...2), hour < 24, scanner.take(":"),
                  let minute = scanner.number(digits: 1...2), minute < 60 else { return nil }
            seconds = hour * 3600 + minute * 60
            if scanner.take(":") {
                guard let second = scanner.number(digits: 1...2), second < 60 else { return nil }
                seconds += second
                if scanner.take(".") || scanner.take(",") {
                    let start = scanner.index
                    guard let fraction = scanner.number(digits: 1...12) else { return nil }
                    let count = min(scanner.index - start, 6)
                    let digits = String(decoding: scanner.bytes[start..<(start + count)], as: UTF8.self)
                    micros = (Int(digits) ?? 0) * Int(pow(10, Double(6 - count)))
                    _ = fraction
                }
            }
            while scanner.take(" ") {}
        }
        var offset = 0
        if scanner.take("Z") {
            offset = 0
        } else if let sign = scanner.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            scanner.index += 1
            guard let hours = scanner.number(digits: 2...2) else { return nil }
            var minutes = 0
            if !scanner.atEnd {
                _ = scanner.take(":")
                guard let m = scanner.number(digits: 2...2) else { return nil }
                minutes = m
            }
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        guard scanner.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let total = Double(days * 86_400 + seconds - offset) + Double(micros) / 1_000_000
        return Date(timeIntervalSince1970: total)
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads ASCII digits and punctuation from a byte array.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func number(digits: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while let byte = peek, byte >= 48, byte <= 57, count < digits.upperBound {
            value = value * 10 + Int(byte - 48)
            count += 1
            index += 1
        }
        return count >= digits.lowerBound ? value : nil
    }
}
