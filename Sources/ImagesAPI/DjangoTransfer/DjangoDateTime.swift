import CloudflareImagesCore
import Foundation

/// Datetimes as Django's serializers write them (`DjangoJSONEncoder`): ISO 8601, `Z` for UTC, the fraction cut to
/// milliseconds (`2025-03-01T09:02:10.250Z`), none when zero. Parsed to whole microseconds since the Unix epoch.
enum DjangoDateTime {
    /// `YYYY-MM-DD(T| )HH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM]`, fraction of 1 to 9 digits (cut to microseconds). A
    /// time without a zone (a project with `USE_TZ = False`) is taken as UTC. Nil when malformed or out of range.
    static func microseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var at = 0
        func digits(_ count: Int) -> Int? {
            guard at + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[at..<(at + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            at += count
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }
        guard let year = digits(4), take(UInt8(ascii: "-")), let month = digits(2), take(UInt8(ascii: "-")),
            let day = digits(2), take(UInt8(ascii: "T")) || take(UInt8(ascii: " ")),
            let hour = digits(2), take(UInt8(ascii: ":")), let minute = digits(2)
        else { return nil }
        var second = 0
        var micros = 0
        if take(UInt8(ascii: ":")) {
            guard let value = digits(2) else { return nil }
            second = value
            if take(UInt8(ascii: ".")) || take(UInt8(ascii: ",")) {
                var count = 0
                while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) {
                    if count < 6 { micros = micros * 10 + Int(bytes[at] - UInt8(ascii: "0")) }
                    count += 1
                    at += 1
                }
                guard (1...9).contains(count) else { return nil }
                for _ in min(count, 6)..<6 { micros *= 10 }
            }
        }
        var offsetMinutes = 0
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
            // UTC
        } else if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") {
            let sign = bytes[at] == UInt8(ascii: "-") ? -1 : 1
            at += 1
            guard let hours = digits(2) else { return nil }
            _ = take(UInt8(ascii: ":"))
            guard let minutes = digits(2), hours <= 23, minutes <= 59 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        }
        guard at == bytes.count, (1...9999).contains(year), (1...12).contains(month),
            (1...ISO8601DateTime.daysIn(month: month, year: year)).contains(day), hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = Int64(ISO8601DateTime.daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// `Date` at the store's precision from whole microseconds.
    static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// As Django writes it, but never losing precision: no fraction when it is zero, three digits when that is
    /// exact, else six (`loaddata` reads all three forms).
    static func format(_ date: Date) -> String {
        let micros = microseconds(date)
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 {
            rest += 86_400_000_000
            days -= 1
        }
        let (year, month, day) = ISO8601DateTime.civil(fromDays: Int(days))
        let seconds = Int(rest / 1_000_000)
        let fraction = Int(rest % 1_000_000)
        var text =
            pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction != 0 {
            text += "." + (fraction % 1000 == 0 ? pad(fraction / 1000, 3) : pad(fraction, 6))
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
