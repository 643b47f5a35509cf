import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// RFC 3339 timestamps as Cloudflare writes and reads them (`2023-08-09T15:33:56.273411222Z`): one codec for the
/// client and the emulator.
public enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with any number of fraction digits (`t`, `z` and a space
    /// for the `T` accepted); nil when malformed or out of range.
    public static func parse(_ text: String) -> Date? {
        parseInstant(text).map { Date(timeIntervalSince1970: Double($0.seconds) + Double($0.nanoseconds) / 1e9) }
    }

    /// ``parse(_:)`` as whole Unix milliseconds (the fraction cut after three digits, not rounded through a double).
    public static func parseMilliseconds(_ text: String) -> Int64? {
        parseInstant(text).map { $0.seconds * 1000 + $0.nanoseconds / 1_000_000 }
    }

    /// Whole seconds, UTC, `Z` suffix: `2024-05-01T12:00:00Z`.
    public static func format(_ date: Date) -> String {
        let seconds = Int64((date.timeIntervalSince1970).rounded(.down))
        return civil(seconds) + "Z"
    }

    /// Milliseconds, UTC: `2024-05-01T12:00:00.123Z`.
    public static func format(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = String(milliseconds - seconds * 1000)
        return civil(seconds) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SS` of a Unix time, UTC.
    private static func civil(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
    }

    private static func parseInstant(_ text: String) -> (seconds: Int64, nanoseconds: Int64)? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for i in at..<at + count {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard b.count >= 20, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
            let day = digits(8, 2), [84, 116, 32].contains(b[10]), let hour = digits(11, 2), b[13] == 58,
            let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var nanoseconds: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return nil }
            var scale: Int64 = 100_000_000
            for index in start..<min(i, start + 9) {
                nanoseconds += Int64(b[index] - 48) * scale
                scale /= 10
            }
        }
        var offsetSeconds = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45, let oh = digits(i + 1, 2), b.count > i + 3, b[i + 3] == 58,
            let om = digits(i + 4, 2)
        {
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return (Int64(timegm(&parts)) - Int64(offsetSeconds), nanoseconds)
    }
}
