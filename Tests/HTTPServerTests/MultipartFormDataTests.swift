import HTTPFields
import Testing

@testable import HTTPServer

@Suite struct MultipartFormDataTests {
    func body(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func parsesFieldsAndFile() throws {
        let text =
            "--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nabc\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
            + "\u{1}\u{2}\r\n\r\n--XyZ--\r\n"
        let form = try MultipartFormData(contentType: "multipart/form-data; boundary=XyZ", body: body(text))
        #expect(form.parts.count == 2)
        #expect(form.value(named: "id") == "abc")
        let file = try #require(form.first(named: "file"))
        #expect(file.filename == "a.png")
        #expect(file.contentType == "image/png")
        #expect(file.body == [1, 2, 13, 10])
        #expect(file.isFile)
        #expect(form.first(named: "id")?.isFile == false)
    }

    @Test func quotedBoundaryAndParametersCaseInsensitive() throws {
        let text = "--a b\r\ncontent-disposition: form-data; NAME=x\r\n\r\n1\r\n--a b--"
        let form = try MultipartFormData(contentType: "Multipart/Form-Data; Boundary=\"a b\"", body: body(text))
        #expect(form.value(named: "x") == "1")
    }

    @Test func missingBoundaryAndWrongType() {
        #expect(throws: MultipartError.missingBoundary) {
            try MultipartFormData(contentType: "multipart/form-data", body: [])
        }
        #expect(throws: MultipartError.missingBoundary) {
            try MultipartFormData(contentType: "multipart/form-data; boundary=\"\"", body: [])
        }
        #expect(throws: MultipartError.notMultipart) {
            try MultipartFormData(contentType: "application/json", body: [])
        }
        #expect(throws: MultipartError.notMultipart) { try MultipartFormData(contentType: nil, body: []) }
        #expect(throws: MultipartError.invalidBoundary) {
            try MultipartFormData(boundary: String(repeating: "b", count: 71), body: [])
        }
    }

    @Test func missingFinalBoundary() {
        #expect(throws: MultipartError.missingClosingBoundary) {
            try MultipartFormData(
                boundary: "B", body: body("--B\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue"))
        }
        #expect(throws: MultipartError.missingClosingBoundary) {
            try MultipartFormData(
                boundary: "B", body: body("--B\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--B"))
        }
        #expect(throws: MultipartError.missingOpeningBoundary) {
            try MultipartFormData(boundary: "B", body: body("no delimiter here"))
        }
    }

    @Test func preambleAndEpilogueAreIgnored() throws {
        let text =
            "This is a preamble.\r\n--B\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--B--\r\nepilogue --B junk"
        let form = try MultipartFormData(boundary: "B", body: body(text))
        #expect(form.parts.count == 1)
        #expect(form.value(named: "a") == "v")
    }

    @Test func bareLineFeedsAndPaddingAreTolerated() throws {
        let text =
            "--B  \nContent-Disposition: form-data; name=a\n\nline1\r\nline2\n--B\nContent-Disposition: form-data; name=b\n\n\n--B--"
        let form = try MultipartFormData(boundary: "B", body: body(text))
        #expect(form.value(named: "a") == "line1\r\nline2")
        #expect(form.value(named: "b") == "")
    }

    @Test func bodyKeepsInnerCRLFAndBoundaryLookalikes() throws {
        let text = "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n--Bx is not\r\n-- B either\r\n\r\n--B--"
        let form = try MultipartFormData(boundary: "B", body: body(text))
        #expect(form.parts.count == 1)
        #expect(form.value(named: "a") == "--Bx is not\r\n-- B either\r\n")
    }

    @Test func filenameWithEscapedQuotesAndUnicode() throws {
        let text =
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"my \\\"cat\\\" 猫.png\"\r\n\r\nx\r\n"
            + "--B\r\nContent-Disposition: form-data; name=f2; filename=\"plain.gif\"; filename*=UTF-8''%E2%82%AC%20rates.gif\r\n\r\ny\r\n--B--"
        let form = try MultipartFormData(boundary: "B", body: body(text))
        #expect(form.first(named: "file")?.filename == "my \"cat\" 猫.png")
        #expect(form.first(named: "f2")?.filename == "€ rates.gif")
    }

    @Test func partWithoutContentDispositionHasNoName() throws {
        let text = "--B\r\nContent-Type: text/plain\r\n\r\nanonymous\r\n--B\r\n\r\nno headers at all\r\n--B--"
        let form = try MultipartFormData(boundary: "B", body: body(text))
        #expect(form.parts.count == 2)
        #expect(form.parts[0].name == nil)
        #expect(form.parts[0].text == "anonymous")
        #expect(form.parts[1].headers.count == 0)
        #expect(form.parts[1].text == "no headers at all")
    }

    @Test func partCountIsLimited() {
        var text = ""
        for i in 0..<20 { text += "--B\r\nContent-Disposition: form-data; name=f\(i)\r\n\r\nv\r\n" }
        text += "--B--"
        #expect(throws: MultipartError.tooManyParts(limit: 10)) {
            try MultipartFormData(boundary: "B", body: body(text), maxParts: 10)
        }
        #expect((try? MultipartFormData(boundary: "B", body: body(text)))?.parts.count == 20)
    }

    @Test func malformedHeadersAreErrors() {
        #expect(throws: MultipartError.malformedPartHeaders) {
            try MultipartFormData(boundary: "B", body: body("--B\r\nNo colon here\r\n\r\nv\r\n--B--"))
        }
        #expect(throws: MultipartError.malformedPartHeaders) {
            try MultipartFormData(boundary: "B", body: body("--B\r\nContent-Disposition: form-data; name=a\r\n--B--"))
        }
    }

    @Test func garbageNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("-B\r\n:;=\"\\ aname".utf8)
        for _ in 0..<500 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? MultipartFormData(boundary: "B", body: bytes)
            _ = try? MultipartFormData(boundary: "B", body: Array("--B\r\n".utf8) + bytes)
        }
    }

    @Test func headerValueParameters() {
        let (value, parameters) = MultipartFormData.parseHeaderValue("form-data; name=\"a;b\"; filename=x.png; flag")
        #expect(value == "form-data")
        #expect(parameters.map(\.name) == ["name", "filename", "flag"])
        #expect(parameters.map(\.value) == ["a;b", "x.png", ""])
        let unterminated = MultipartFormData.parseHeaderValue("form-data; name=\"open")
        #expect(unterminated.parameters.first?.value == "open")
    }

    @Test func requestHelperUsesContentType() throws {
        let request = Request(
            method: .post, target: "/u",
            headers: ["Content-Type": "multipart/form-data; boundary=Q"],
            body: Array("--Q\r\nContent-Disposition: form-data; name=k\r\n\r\nv\r\n--Q--\r\n".utf8))
        #expect(try request.multipartFormData().value(named: "k") == "v")
    }
}
