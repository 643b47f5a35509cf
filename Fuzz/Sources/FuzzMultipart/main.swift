import FuzzSupport
import HTTPClient
import HTTPServer

/// libFuzzer target for the multipart/form-data parser (Sources/HTTPServer/Multipart*.swift), public API only.
///
/// Input: the first line (up to LF) is the request's `Content-Type` value, the rest is the body. A body that parses
/// must respect the part cap, and its plain-named parts must round-trip: encoded again by HTTPClient's
/// `MultipartForm` and parsed back, they give the same names, filenames and bytes.
let maxParts = 64

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = bytes.firstIndex(of: 10) ?? bytes.endIndex
    let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
    let body = newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : []

    _ = MultipartFormData.parseHeaderValue(contentType)
    let form: MultipartFormData
    do {
        form = try MultipartFormData(contentType: contentType, body: body, maxParts: maxParts)
    } catch {
        _ = "\(error)"
        return 0
    }
    precondition(form.parts.count <= maxParts, "more parts than the cap")
    var plain: [MultipartPart] = []
    for part in form.parts {
        precondition(part.body.count <= body.count, "a part larger than the body")
        _ = part.text
        _ = part.contentType
        if let name = part.name {
            _ = form.value(named: name)
            let textSafe = part.filename != nil || Array(part.text.utf8) == part.body
            if isPlain(name), part.filename.map(isPlain) ?? true, textSafe { plain.append(part) }
        }
    }
    guard !plain.isEmpty else { return 0 }
    var again = MultipartForm()
    for part in plain {
        if let filename = part.filename {
            again.append(part.name!, filename: filename, data: part.body)
        } else {
            again.append(part.name!, part.text)
        }
    }
    let encoded = again.encoded()
    let reparsed: MultipartFormData
    do {
        reparsed = try MultipartFormData(contentType: encoded.contentType, body: encoded.body, maxParts: maxParts)
    } catch {
        preconditionFailure("our own encoding does not parse: \(error)")
    }
    precondition(reparsed.parts.count == plain.count, "part count changed in the round trip")
    for (original, copy) in zip(plain, reparsed.parts) {
        precondition(original.name == copy.name, "name changed: \(original.name!) vs \(copy.name ?? "nil")")
        precondition(original.filename == copy.filename, "filename changed")
        precondition(original.body == copy.body, "bytes changed")
    }
    return 0
}

/// Names the browser-style escaping leaves alone (no quote, percent, backslash, CR, LF or other controls).
func isPlain(_ text: String) -> Bool {
    !text.isEmpty
        && text.unicodeScalars.allSatisfy {
            $0.value >= 0x20 && $0.value != 0x7F && !"\"%\\".unicodeScalars.contains($0)
        }
}

@_cdecl("FuzzMultipart_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
