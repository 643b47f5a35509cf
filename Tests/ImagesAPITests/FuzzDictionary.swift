import Foundation
import TestSupport

/// A libFuzzer dictionary file (`name="value"` lines with `\xNN`, `\"` and `\\` escapes; `#` comments), read so
/// that the tests and the fuzz targets share one list of values.
struct FuzzDictionary {
    let entries: [(name: String, raw: String)]

    static let boundaries = FuzzDictionary(
        path: TestPaths.repository + "/Fuzz/Dictionaries/boundaries.dict")

    init(path: String) {
        // A missing file gives no entries, which BoundaryValueTests reports.
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        entries = text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let eq = line.firstIndex(of: "="), line.hasSuffix("\"") else { return nil }
            let quoted = line[line.index(after: eq)...].dropFirst().dropLast()
            return (String(line[..<eq]), String(decoding: Self.unescape(quoted), as: UTF8.self))
        }
    }

    static func unescape(_ text: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = rest.popFirst() else {
                bytes.append(byte)
                continue
            }
            if next == UInt8(ascii: "x"), rest.count >= 2,
                let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                rest = rest.dropFirst(2)
            } else {
                bytes.append(next)
            }
        }
        return bytes
    }
}
