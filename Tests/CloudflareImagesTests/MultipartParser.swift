import Foundation

/// One part of a parsed multipart body.
struct FormPart: Sendable {
    var name: String
    var filename: String?
    var contentType: String?
    var data: [UInt8]
    var text: String { String(decoding: data, as: UTF8.self) }
}

/// A strict-enough `multipart/form-data` parser for checking what the client sent.
enum MultipartParser {
    static func parse(body: [UInt8], contentType: String) -> [FormPart]? {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let range = contentType.range(of: "boundary=")
        else { return nil }
        let boundary = String(contentType[range.upperBound...]).trimmingCharacters(in: .init(charactersIn: "\""))
        let delimiter = Array("--\(boundary)".utf8)
        guard var position = find(delimiter, in: body) else { return nil }
        var parts: [FormPart] = []
        while true {
            position += delimiter.count
            if body.count >= position + 2, body[position] == 45, body[position + 1] == 45 { return parts }  // "--"
            position += 2  // CRLF
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: position) else { return nil }
            let headerText = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let dataStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: dataStart) else { return nil }
            var part = FormPart(name: "", data: Array(body[dataStart..<next]))
            for line in headerText.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    part.name = parameter("name", in: line) ?? ""
                    part.filename = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            parts.append(part)
            position = next + 2
        }
    }

    /// Reads `key="value"` from a Content-Disposition line, undoing the %22/%0D/%0A escapes.
    private static func parameter(_ key: String, in line: String) -> String? {
        guard let range = line.range(of: "; \(key)=\"") else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
            .replacingOccurrences(of: "%22", with: "\"")
            .replacingOccurrences(of: "%0D", with: "\r")
            .replacingOccurrences(of: "%0A", with: "\n")
    }
}
