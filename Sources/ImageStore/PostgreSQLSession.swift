import Foundation
import PostgreSQL
import SQLite

/// One PostgreSQL connection as the store's SQL uses it: statements written with SQLite's placeholders (`?`, `?N`)
/// and bound with `SQLiteValue`s, so the SQL that both dialects share (`ImageSQL`, `ImageListSQL`, all built from
/// `ImageColumn`) is written once. `translate(_:)` turns the placeholders into `$N`.
final class PostgreSQLSession {
    let connection: PostgreSQLConnection
    /// Rows the last `execute` changed (as SQLite's `changes`).
    private(set) var changes = 0

    init(_ connection: PostgreSQLConnection) {
        self.connection = connection
    }

    func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(PostgreSQLError) {
        _ = try run(sql, values)
    }

    private func run(_ sql: String, _ values: [SQLiteValue]) throws(PostgreSQLError) -> PostgreSQLResult {
        let result = try connection.execute(Self.translate(sql), values.map(Self.value))
        changes = result.affectedRows
        return result
    }

    func query<T>(_ sql: String, _ values: [SQLiteValue] = [], map: (PostgreSQLRow) throws -> T) throws -> [T] {
        try run(sql, values).map(map)
    }

    func first<T>(_ sql: String, _ values: [SQLiteValue] = [], map: (PostgreSQLRow) throws -> T) throws -> T? {
        let result = try run(sql, values)
        return result.rowCount > 0 ? try map(result.row(0)) : nil
    }

    /// The first column of the first row as an integer; nil when there is none or it is NULL.
    func scalarInt(_ sql: String, _ values: [SQLiteValue] = []) throws(PostgreSQLError) -> Int64? {
        let result = try run(sql, values)
        guard result.rowCount > 0 else { return nil }
        return result.row(0).optionalInt64(at: 0)
    }

    /// The first column of the first row as text; nil when there is none or it is NULL.
    func scalarText(_ sql: String, _ values: [SQLiteValue] = []) throws(PostgreSQLError) -> String? {
        let result = try run(sql, values)
        guard result.rowCount > 0 else { return nil }
        return result.row(0).optionalText(at: 0)
    }

    static func value(_ value: SQLiteValue) -> PostgreSQLValue {
        switch value {
        case .null: .null
        case .integer(let integer): .integer(integer)
        case .real(let real): .text(String(real))
        case .text(let text): .text(text)
        case .blob(let bytes): .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// SQLite's placeholders as PostgreSQL's: `?N` becomes `$N`, each bare `?` the next number; `?N IS NULL`
    /// becomes `$N::text IS NULL` (a NULL parameter is sent untyped and PostgreSQL cannot type one that is only
    /// tested for NULL; where the column is not text, the PostgreSQL SQL casts itself). Text in single quotes is
    /// left alone.
    ///
    /// Read byte by byte: `?`, `'` and the digits are ASCII, which UTF-8 never uses inside a multi-byte character.
    static func translate(_ sql: String) -> String {
        let question = UInt8(ascii: "?")
        let bytes = Array(sql.utf8)
        guard bytes.contains(question) else { return sql }
        let nullTest = Array(" IS NULL".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        var next = 1
        var inQuote = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "'") { inQuote.toggle() }
            guard byte == question, !inQuote else {
                output.append(byte)
                continue
            }
            output.append(UInt8(ascii: "$"))
            let digits = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            if index == digits {
                output += String(next).utf8
                next += 1
            } else {
                output += bytes[digits..<index]
            }
            if bytes.count - index >= nullTest.count, bytes[index..<(index + nullTest.count)].elementsEqual(nullTest) {
                output += "::text".utf8
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
