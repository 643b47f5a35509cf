/// Keeps every log line one line: control characters in client-supplied text (CR, LF, tabs, escape sequences, DEL)
/// are written as `\r`, `\n`, `\t` or `\u{XX}`, so no request can forge or break up a log line.
enum LogEscaping {
    static func needsEscaping(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    /// `text`, escaped (the same string when nothing needs it).
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscaping) else { return text }
        var bytes: [UInt8] = []
        append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text`'s UTF-8, escaped.
    static func append(_ text: String, to bytes: inout [UInt8]) {
        guard text.utf8.contains(where: needsEscaping) else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            guard needsEscaping(byte) else {
                bytes.append(byte)
                continue
            }
            switch byte {
            case 0x0A: bytes.append(contentsOf: Array(#"\n"#.utf8))
            case 0x0D: bytes.append(contentsOf: Array(#"\r"#.utf8))
            case 0x09: bytes.append(contentsOf: Array(#"\t"#.utf8))
            default:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array(#"\u{"#.utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
                bytes.append(UInt8(ascii: "}"))
            }
        }
    }
}
