import Foundation

/// Reads `KEY=VALUE` lines: blank lines and `#` comments are skipped, an optional `export ` prefix is allowed, and a
/// value may be wrapped in single or double quotes (kept literally inside). Anything else is an error naming the line.
public enum EnvironmentFile {
    public static func parse(_ text: String, path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "=") else {
                throw SettingsError(setting: "\(path):\(index + 1)", reason: "expected KEY=VALUE")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw SettingsError(setting: "\(path):\(index + 1)", reason: "'\(key)' is not a valid setting name")
            }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }

    /// Loads `path` when it exists; a missing file is an empty set of values, an unreadable one an error.
    public static func load(path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError(setting: path, reason: "cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }
}
