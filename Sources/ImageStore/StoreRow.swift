import Foundation
import PostgreSQL
import SQLite

/// A result row as the decoders shared by both backends read it (`EventSQL`'s): SQLite's statement on its row and
/// PostgreSQL's row alike.
protocol StoreRow {
    func isNull(at index: Int) -> Bool
    func text(at index: Int) -> String
    func int64(at index: Int) -> Int64
    /// The column's bytes: a SQLite blob, PostgreSQL text (the stores keep JSON there).
    func bytes(at index: Int) -> [UInt8]
}

extension StoreRow {
    func optionalText(at index: Int) -> String? { isNull(at: index) ? nil : text(at: index) }
    func optionalDate(at index: Int) -> Date? { isNull(at: index) ? nil : Date(microseconds: int64(at: index)) }
    func date(at index: Int) -> Date { Date(microseconds: int64(at: index)) }
}

extension Statement: StoreRow {
    func bytes(at index: Int) -> [UInt8] { blob(at: index) }
}

extension PostgreSQLRow: StoreRow {
    func bytes(at index: Int) -> [UInt8] { Array(text(at: index).utf8) }
}
