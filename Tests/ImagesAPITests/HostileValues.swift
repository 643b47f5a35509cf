import Foundation

/// The hostile values every field, query parameter and path segment is tried with.
enum HostileValues {
    /// A named JSON fragment (raw bytes, so it may hold invalid UTF-8).
    struct JSONFragment: Sendable, CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        init(_ name: String, _ text: String) {
            self.name = name
            self.bytes = Array(text.utf8)
        }
        init(_ name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
        var description: String { name }
    }

    static let sql = "' OR '1'='1'; DROP TABLE images; --"
    static let traversal = "../../../../etc/passwd"

    /// JSON values for one field.
    static let json: [JSONFragment] =
        [
            JSONFragment("sql", "\"\(sql)\""),
            JSONFragment("sql-double-quote", #""\" OR \"\"=\"; SELECT * FROM api_tokens; --""#),
            JSONFragment("traversal", "\"\(traversal)\""),
            JSONFragment("traversal-encoded", #""..%2F..%2F..%2Fetc%2Fpasswd""#),
            JSONFragment("nul", #""a\u0000b""#),
            JSONFragment("nul-only", #""\u0000""#),
            JSONFragment("crlf", #""x\r\nX-Injected: yes""#),
            JSONFragment("bare-lf", #""x\nSet-Cookie: a=b""#),
            JSONFragment("lone-surrogate", #""\ud800""#),
            JSONFragment("rtl-override", "\"a\u{202E}gpj.exe\""),
            JSONFragment("invalid-utf8", bytes: [0x22, 0x61, 0xFF, 0xFE, 0xC3, 0x22]),
            JSONFragment("overlong-utf8", bytes: [0x22, 0xC0, 0xAF, 0x22]),
            JSONFragment("long-string", "\"" + String(repeating: "a", count: 100_000) + "\""),
            JSONFragment("1e400", "1e400"),
            JSONFragment("-1e400", "-1e400"),
            JSONFragment("1e-400", "1e-400"),
            JSONFragment("2^64", "18446744073709551616"),
            JSONFragment("2^63", "9223372036854775808"),
            JSONFragment("-2^63-1", "-9223372036854775809"),
            JSONFragment("-0", "-0"),
            JSONFragment("-0.0", "-0.0"),
            JSONFragment("-1", "-1"),
            JSONFragment("fraction", "2.5"),
            JSONFragment("huge-digits", String(repeating: "9", count: 5000)),
            JSONFragment("true", "true"),
            JSONFragment("null", "null"),
            JSONFragment("object", #"{"a":{"b":[1,2,{"c":null}]}}"#),
            JSONFragment("array", #"[1,"two",null,{}]"#),
            JSONFragment("empty-array", "[]"),
            JSONFragment("empty-string", #""""#),
            JSONFragment("whitespace", #"" \t ""#),
            JSONFragment("deep-array", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)),
            JSONFragment("deep-array-unclosed", String(repeating: "[", count: 100_000)),
            JSONFragment(
                "deep-object", String(repeating: #"{"a":"#, count: 20_000) + "1" + String(repeating: "}", count: 20_000)
            ),
            JSONFragment("nan", "NaN"),
            JSONFragment("infinity", "Infinity"),
            JSONFragment("hex", "0x10"),
            JSONFragment("html", #""<script>alert(1)</script>""#),
        ] + boundaryJSON.map { JSONFragment("boundary " + $0.name, $0.json) }

    /// Numbers at and past every integer boundary, as JSON (numbers and numeric strings), plus the largest shapes.
    static let boundaryJSON: [(name: String, json: String)] = [
        ("Int.max", "9223372036854775807"), ("Int.max+1", "9223372036854775808"),
        ("Int.min", "-9223372036854775808"), ("Int.min-1", "-9223372036854775809"),
        ("2^64", "18446744073709551616"), ("10^23", "100000000000000000000000"), ("1e23", "1e23"),
        ("-1", "-1"), ("0", "0"), ("-0", "-0"), ("1", "1"), ("1e400", "1e400"), ("-1e400", "-1e400"),
        ("Int32.max+1", "2147483648"), ("\"Int.max\"", #""9223372036854775807""#),
        ("\"Int.max+1\"", #""9223372036854775808""#), ("\"Int.min\"", #""-9223372036854775808""#),
        ("\" 5 \"", #"" 5 ""#), ("\"0x10\"", #""0x10""#), ("\"NaN\"", #""NaN""#), ("\"1e400\"", #""1e400""#),
        ("\"\u{0661}\"", "\"\u{0661}\u{0662}\""), ("\"\u{FF11}\"", "\"\u{FF11}\""), ("\"\"", #""""#),
        ("3000-list", "[" + Array(repeating: "1", count: 3_000).joined(separator: ",") + "]"),
        (
            "3000-string-list",
            "[" + Array(repeating: #""00000000-0000-4000-8000-000000000001""#, count: 3_000).joined(separator: ",")
                + "]"
        ),
        ("70KB-string", "\"" + String(repeating: "7", count: 70_000) + "\""),
        ("deep", String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)),
    ]

    /// Query parameter values at and past every boundary (sent percent-encoded): the fuzz targets' dictionary
    /// (`Fuzz/Dictionaries/boundaries.dict`), then the empty value and shapes too long for a dictionary entry.
    static let boundaryText: [(name: String, raw: String)] =
        FuzzDictionary.boundaries.entries + [
            ("empty", ""),  // libFuzzer's dictionaries have no empty entry
            ("comma-list-3000", Array(repeating: "1", count: 3_000).joined(separator: ",")),
            ("70KB", String(repeating: "7", count: 70_000)),
            ("nested", String(repeating: "[", count: 3_000)),
        ]

    /// Raw text values for query parameters and path segments, percent-encoded when sent.
    static let text: [(name: String, raw: String)] = [
        ("sql", sql),
        ("traversal", traversal),
        ("nul", "a\u{0}b"),
        ("crlf", "x\r\nX-Injected: yes"),
        ("1e400", "1e400"),
        ("2^64", "18446744073709551616"),
        ("-0", "-0"),
        ("-1", "-1"),
        ("long", String(repeating: "z", count: 4000)),
        ("percent", "%"),
        ("rtl", "a\u{202E}b"),
        ("html", "<script>alert(1)</script>"),
        ("quote", "a\"b"),
        ("json", #"{"a":1}"#),
        ("dunder", "a__b__c"),
        ("comma", ",,,-,"),
    ]

    /// Percent-encoded byte sequences no text form can hold (invalid UTF-8, raw encodings).
    static let encoded: [(name: String, escaped: String)] = [
        ("invalid-utf8", "%FF%FE"),
        ("overlong", "%C0%AF"),
        ("truncated-escape", "%E2%82"),
        ("bad-escape", "%zz"),
        ("lone-percent", "%"),
        ("nul", "%00"),
        ("crlf", "%0D%0A"),
        ("encoded-slash", "..%2F..%2F..%2Fetc%2Fpasswd"),
        ("double-encoded", "%252e%252e%252f"),
    ]

    /// RFC 3986 unreserved characters stay; everything else is escaped byte by byte.
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
