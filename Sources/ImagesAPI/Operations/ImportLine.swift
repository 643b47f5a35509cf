import Base16
import Crypto
import Foundation
import JSON

/// One line of an import file: `URL`, `URL<TAB>custom_id` or `URL<TAB>custom_id<TAB>{json metadata}`.
///
/// Fields are trimmed; an empty `custom_id` (`URL<TAB><TAB>{...}`) means Cloudflare picks the ID. Everything after
/// the second tab is the metadata, a JSON object. Blank lines and lines whose first non-blank character is `#` are
/// not lines to import (``parse(_:number:)`` returns nil).
public struct ImportLine: Sendable, Hashable {
    /// 1-based line number in the file.
    public var number: Int
    public var url: String
    public var customID: String?
    public var metadata: [String: JSONValue]?

    /// What identifies the line in the import ledger: SHA-256 (hex) of the URL, custom ID and metadata (as JSON with
    /// sorted keys), so spacing differences do not make a done line new again.
    public var hash: String {
        var canonical = url + "\t" + (customID ?? "") + "\t"
        if let metadata { canonical += JSONValue.object(metadata).sortedJSONText }
        return Hex.encode(SHA256.hash(canonical))
    }

    /// The longest custom ID accepted (the `cloudflare_id` column's limit).
    public static let maxCustomIDLength = 255

    /// Parses one line of text (without its line break).
    /// - Returns: nil for a blank or comment line.
    /// - Throws: ``ImportLineError`` saying what is wrong.
    public static func parse(_ text: Substring, number: Int) throws(ImportLineError) -> ImportLine? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        let fields = trimmed.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let url = fields[0]
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else {
            throw ImportLineError(line: number, reason: "not an absolute http(s) URL: \(url.prefix(200))")
        }
        var line = ImportLine(number: number, url: url, customID: nil, metadata: nil)
        if fields.count > 1, !fields[1].isEmpty {
            let id = fields[1]
            guard id.count <= maxCustomIDLength else {
                throw ImportLineError(line: number, reason: "custom id is longer than \(maxCustomIDLength) characters")
            }
            guard
                !id.unicodeScalars.contains(where: {
                    CharacterSet.whitespacesAndNewlines.contains($0) || CharacterSet.controlCharacters.contains($0)
                })
            else {
                throw ImportLineError(line: number, reason: "custom id contains whitespace or control characters")
            }
            line.customID = id
        }
        if fields.count > 2, !fields[2].isEmpty {
            let value: JSONValue
            do {
                value = try JSONValue.parse(Array(fields[2].utf8))
            } catch {
                throw ImportLineError(line: number, reason: "metadata is not valid JSON: \(error)")
            }
            guard case .object(let object) = value else {
                throw ImportLineError(line: number, reason: "metadata must be a JSON object")
            }
            line.metadata = object
        }
        return line
    }
}

/// A line of an import file that cannot be imported as written.
public struct ImportLineError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

extension JSONValue {
    /// JSON text with object keys sorted at every level.
    var sortedJSONText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? jsonText
    }
}
