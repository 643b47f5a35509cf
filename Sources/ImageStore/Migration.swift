import Foundation

/// One migration file, `NNNN_name.sql`: its SQL runs in a single transaction (so it must not BEGIN or COMMIT).
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String
    /// FNV-1a 64-bit hash of the file's bytes, as 16 hex digits. Detects edits; it is not a security measure.
    public let checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = Self.checksum(of: sql)
    }

    /// Every `NNNN_name.sql` file in `directory`, in version order. Other files are ignored.
    public static func load(from directory: String) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError.unreadableFile(path: directory, reason: error.localizedDescription)
        }
        var byVersion: [Int: [String]] = [:]
        var migrations: [Migration] = []
        for file in names.sorted() {
            guard let (version, name) = parse(fileName: file) else { continue }
            byVersion[version, default: []].append(file)
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MigrationError.unreadableFile(path: path, reason: "cannot open file")
            }
            guard let sql = String(data: data, encoding: .utf8) else {
                throw MigrationError.unreadableFile(path: path, reason: "not UTF-8")
            }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        if let (version, files) = byVersion.first(where: { $0.value.count > 1 }) {
            throw MigrationError.duplicateVersion(version, files: files)
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// `0001_initial.sql` → (1, "initial").
    static func parse(fileName: String) -> (Int, String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitCharacter), !name.isEmpty,
            let version = Int(digits)
        else { return nil }
        return (version, String(name))
    }

    static func checksum(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
