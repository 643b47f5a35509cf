import Testing

@testable import ImageStore

/// SQLite's placeholders as PostgreSQL's (`PostgreSQLSession.translate`): fixed cases, then generated statements
/// checked against a character-by-character reading of the same rules (the translation's first form).
struct PostgreSQLPlaceholderTests {
    @Test func placeholdersAreNumberedOutsideQuotes() {
        let cases: [(String, String)] = [
            ("SELECT 1", "SELECT 1"),
            ("", ""),
            ("a = ? AND b = ?", "a = $1 AND b = $2"),
            ("a = ?2 AND b = ?1 AND c = ?", "a = $2 AND b = $1 AND c = $1"),
            ("x = '?' AND y = ?", "x = '?' AND y = $1"),
            ("x = 'it''s ?' AND y = ?", "x = 'it''s ?' AND y = $1"),
            ("(? IS NULL OR a = ?)", "($1::text IS NULL OR a = $2)"),
            ("?3 IS NULL", "$3::text IS NULL"),
            ("? IS NOT NULL", "$1 IS NOT NULL"),
            ("? IS NUL", "$1 IS NUL"),
            ("name = 'é?ü' AND v = ?", "name = 'é?ü' AND v = $1"),
            ("?", "$1"),
            ("??", "$1$2"),
            ("?12345678901234567890", "$12345678901234567890"),
        ]
        for (sql, expected) in cases {
            #expect(PostgreSQLSession.translate(sql) == expected, "\(sql)")
        }
    }

    @Test func generatedStatementsTranslateAsTheRulesSay() {
        let pieces = ["?", "?1", "?27", "'", "''", " IS NULL", " IS NUL", "a", " ", "é", "😀", "9", "$", "\u{0}", "\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let sql = (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                pieces.randomElement(using: &generator) ?? ""
            }.joined()
            #expect(PostgreSQLSession.translate(sql) == Self.reference(sql), "\(sql.debugDescription)")
        }
    }

    /// The rules read one Unicode scalar at a time.
    private static func reference(_ sql: String) -> String {
        let scalars = Array(sql.unicodeScalars)
        let nullTest = Array(" IS NULL".unicodeScalars)
        var output = String.UnicodeScalarView()
        var next = 1
        var inQuote = false
        var index = 0
        while index < scalars.count {
            let character = scalars[index]
            index += 1
            if character == "'" { inQuote.toggle() }
            guard character == "?", !inQuote else {
                output.append(character)
                continue
            }
            var digits = String.UnicodeScalarView()
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                digits.append(scalars[index])
                index += 1
            }
            if digits.isEmpty {
                digits = String(next).unicodeScalars
                next += 1
            }
            output.append("$")
            output.append(contentsOf: digits)
            if scalars.count - index >= nullTest.count, Array(scalars[index..<(index + nullTest.count)]) == nullTest {
                output.append(contentsOf: "::text".unicodeScalars)
            }
        }
        return String(output)
    }
}
