/// Date-times as Django's `parse_datetime` reads them, for webhook timestamps:
/// `YYYY-MM-DD[( |T)HH:MM[:SS[(.|,)f{1,12}]]][Z|±HH[[:]MM]]`. A bare date is midnight, no offset means UTC, and
/// fraction digits past the sixth are ignored.
public enum ISO8601DateTime {
    /// Seconds since 1970-01-01T00:00:00Z (microsecond resolution), or `nil` when malformed or out of range.
    public static func unixSeconds(_ text: String) -> Double? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4...4), scanner.take("-"),
            let month = scanner.number(digits: 1...2), scanner.take("-"),
            let day = scanner.number(digits: 1...2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = 0
        var micros = 0
        if scanner.take("T") || scanner.take(" ") {
            guard let hour = scanner.number(digits: 1...2), hour < 24, scanner.take(":"),
                let minute = scanner.number(digits: 1...2), minute < 60
            else { return nil }
            seconds = hour * 3600 + minute * 60
            if scanner.take(":") {
                guard let second = scanner.number(digits: 1...2), second < 60 else { return nil }
                seconds += second
                if scanner.take(".") || scanner.take(",") {
                    let start = scanner.index
                    guard scanner.number(digits: 1...12) != nil else { return nil }
                    let count = min(scanner.index - start, 6)
                    var value = 0
                    for byte in scanner.bytes[start..<(start + count)] { value = value * 10 + Int(byte - 48) }
                    for _ in count..<6 { value *= 10 }
                    micros = value
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
        return Double(days * 86_400 + seconds - offset) + Double(micros) / 1_000_000
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, proleptic Gregorian (Howard Hinnant's `civil_from_days`): the inverse of
    /// ``daysFromCivil(year:month:day:)``.
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days in `month` (1...12) of `year`, leap years included.
    public static func daysIn(month: Int, year: Int) -> Int {
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
