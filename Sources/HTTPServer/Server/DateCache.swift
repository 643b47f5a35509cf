#if canImport(Glibc)
    import Glibc
#endif

/// The `Date` header line (IMF-fixdate, RFC 9110 §5.6.7), formatted at most once per second per event loop.
struct DateCache {
    private var second = -1
    private var line: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { Array($0.utf8) }
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .map { Array($0.utf8) }

    /// The header line for the current wall-clock second, e.g. `Date: Sun, 06 Nov 1994 08:49:37 GMT` and CRLF.
    mutating func currentLine() -> [UInt8] {
        var now = time(nil)
        if Int(now) != second {
            second = Int(now)
            line = Array("Date: ".utf8) + DateCache.format(&now) + Array("\r\n".utf8)
        }
        return line
    }

    static func format(_ seconds: inout time_t) -> [UInt8] {
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out += days[Int(parts.tm_wday) % 7]
        out += Array(", ".utf8)
        appendTwoDigits(Int(parts.tm_mday), to: &out)
        out.append(UInt8(ascii: " "))
        out += months[Int(parts.tm_mon) % 12]
        out.append(UInt8(ascii: " "))
        let year = Int(parts.tm_year) + 1900
        appendTwoDigits(year / 100, to: &out)
        appendTwoDigits(year % 100, to: &out)
        out.append(UInt8(ascii: " "))
        appendTwoDigits(Int(parts.tm_hour), to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_min), to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_sec), to: &out)
        out += Array(" GMT".utf8)
        return out
    }

    private static func appendTwoDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(value / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
