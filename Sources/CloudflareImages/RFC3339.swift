import Foundation

/// RFC 3339 timestamps as Cloudflare writes them: `2023-08-09T15:33:56.273411222Z`, any number of fraction digits.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        var whole = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            fraction = Double("0." + digits) ?? 0
            whole = String(text[..<dot]) + text[text.index(dot, offsetBy: digits.count + 1)...]
        }
        guard let date = try? Date(whole, strategy: .iso8601) else { return nil }
        return date.addingTimeInterval(fraction)
    }

    /// Whole seconds, UTC, `Z` suffix.
    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
