import CloudflareImagesCore
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
        let (year, month, day) = ISO8601DateTime.civil(fromDays: Int(days))
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

    /// A timestamp as Django's `parse_datetime` reads it (the library's ``ISO8601DateTime``, which webhook
    /// timestamps are checked with too): one reader for both.
    static func parse(_ text: String) -> Date? {
        ISO8601DateTime.unixSeconds(text).map(Date.init(timeIntervalSince1970:))
    }
}
