import Glibc

/// An instant at millisecond precision, read from and written as RFC 3339 date-times the way the Cloudflare Images
/// API uses them. The emulator's own code, written from RFC 3339 section 5.6 and Cloudflare's API examples rather
/// than shared with the client, so a date bug in one is caught by the other.
///
/// Reading accepts `date-time` of RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, with `t` and `z`
/// allowed in lowercase as the RFC's note permits. Every field is range-checked (the day against its month, leap
/// years included). Second 60 is refused: a leap second cannot be told from a typo without a leap-second table,
/// and Cloudflare's upload window (2 minutes to 6 hours ahead) never needs one. Fractions may have any number of
/// digits; digits past the third are dropped, not rounded. `-00:00` (the RFC's "offset unknown") reads as UTC. A
/// space for `T`, a missing offset and ISO 8601's other forms (`20240101T000000Z`, `+05`, `+0500`) are refused.
///
/// Writing gives Cloudflare's `uploaded` form: UTC, exactly three fraction digits, `Z`
/// (`2014-01-02T02:20:00.123Z` in the API reference).
struct EmulatorDate: Sendable, Hashable, Comparable {
    /// `0000-01-01T00:00:00.000Z` in Unix milliseconds: the earliest instant with a four-digit year.
    static let earliest: Int64 = -62_167_219_200_000
    /// `9999-12-31T23:59:59.999Z` in Unix milliseconds: the latest instant with a four-digit year.
    static let latest: Int64 = 253_402_300_799_999

    /// Milliseconds since 1970-01-01T00:00:00Z.
    let millisecondsSince1970: Int64

    /// The instant `milliseconds` after the Unix epoch, clamped to the years 0000 through 9999 (the only ones
    /// RFC 3339 can write).
    init(millisecondsSince1970 milliseconds: Int64) {
        millisecondsSince1970 = min(max(milliseconds, EmulatorDate.earliest), EmulatorDate.latest)
    }

    /// The instant an RFC 3339 `date-time` names, or nil when `text` is anything else. An offset may carry a local
    /// time just outside the years 0000–9999 (`0000-01-01T00:00:00+01:00`); such instants are refused too.
    init?(rfc3339 text: some StringProtocol) {
        var parser = Parser(Array(text.utf8))
        guard let milliseconds = parser.dateTime(),
            (EmulatorDate.earliest...EmulatorDate.latest).contains(milliseconds)
        else { return nil }
        millisecondsSince1970 = milliseconds
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, in UTC.
    var rfc3339: String {
        let (days, millisecondOfDay) = Self.floorDivide(millisecondsSince1970, 86_400_000)
        let (year, month, day) = Self.civil(fromDays: days)
        let secondOfDay = millisecondOfDay / 1000
        var out = ""
        out.reserveCapacity(24)
        func append(_ value: Int64, width: Int) {
            let digits = String(value)
            out += String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        append(year, width: 4)
        out += "-"
        append(month, width: 2)
        out += "-"
        append(day, width: 2)
        out += "T"
        append(secondOfDay / 3600, width: 2)
        out += ":"
        append(secondOfDay / 60 % 60, width: 2)
        out += ":"
        append(secondOfDay % 60, width: 2)
        out += "."
        append(millisecondOfDay % 1000, width: 3)
        out += "Z"
        return out
    }

    static func < (lhs: EmulatorDate, rhs: EmulatorDate) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, as RFC 3339 uses)

    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to `year-month-day`, counting in 400-year eras of 146,097 days with years starting
    /// in March, so February's leap day is the last day of its year. Valid for any year RFC 3339 can write.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = floorDivide(marchYear, 400).quotient
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of ``days(year:month:day:)``, from the C library's `gmtime_r` (a second implementation beside
    /// the arithmetic one above, so the emulator's reading and writing check each other).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        var seconds = time_t(days * 86_400)
        var parts = tm()
        _ = gmtime_r(&seconds, &parts)
        return (Int64(parts.tm_year) + 1900, Int64(parts.tm_mon) + 1, Int64(parts.tm_mday))
    }

    /// Division rounding toward negative infinity, with a remainder in `0..<divisor` (`divisor` > 0).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}

extension EmulatorDate {
    /// A cursor over the ASCII bytes of one candidate `date-time`. Every read is bounds-checked; numbers are at
    /// most four digits, so no arithmetic here can overflow.
    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func dateTime() -> Int64? {
            guard let year = digits(4), take("-"), let month = digits(2), take("-"), let day = digits(2),
                take("T") || take("t"),
                let hour = digits(2), take(":"), let minute = digits(2), take(":"), let second = digits(2)
            else { return nil }
            guard (1...12).contains(month), (1...EmulatorDate.daysInMonth(month, year: year)).contains(day),
                (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
            else { return nil }

            var millisecond: Int64 = 0
            if take(".") {
                var count = 0
                while let digit = peekDigit() {
                    if count < 3 { millisecond = millisecond * 10 + digit }
                    count += 1
                    index += 1
                }
                guard count > 0 else { return nil }
                for _ in count..<max(count, 3) { millisecond *= 10 }
            }

            let offsetMinutes: Int64
            if take("Z") || take("z") {
                offsetMinutes = 0
            } else {
                let sign: Int64
                if take("+") {
                    sign = 1
                } else if take("-") {
                    sign = -1
                } else {
                    return nil
                }
                guard let offsetHour = digits(2), take(":"), let offsetMinute = digits(2),
                    (0...23).contains(offsetHour), (0...59).contains(offsetMinute)
                else { return nil }
                offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
            }
            guard index == bytes.count else { return nil }

            let seconds =
                EmulatorDate.days(year: year, month: month, day: day) * 86_400
                + hour * 3600 + minute * 60 + second - offsetMinutes * 60
            return seconds * 1000 + millisecond
        }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        func peekDigit() -> Int64? {
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            return Int64(byte - UInt8(ascii: "0"))
        }

        /// Exactly `count` ASCII digits as a number.
        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = peekDigit() else { return nil }
                value = value * 10 + digit
                index += 1
            }
            return value
        }
    }
}
