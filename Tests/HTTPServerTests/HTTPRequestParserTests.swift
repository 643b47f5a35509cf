import HTTPFields
import Testing

@testable import HTTPServer

/// Feeds raw bytes to the parser, whole or one byte at a time, and collects what it reports.
struct ParserRun {
    var heads: [RequestHead] = []
    var requests: [(head: RequestHead, body: [UInt8])] = []
    var error: HTTPParseError?

    static let limits = HTTPRequestParser.Limits(
        requestLineLength: 64, headerBytes: 256, headerCount: 5, bodyBytes: 100)

    init(_ text: String, byteByByte: Bool, limits: HTTPRequestParser.Limits = ParserRun.limits) {
        self.init(Array(text.utf8), byteByByte: byteByByte, limits: limits)
    }

    init(_ bytes: [UInt8], byteByByte: Bool, limits: HTTPRequestParser.Limits = ParserRun.limits) {
        var parser = HTTPRequestParser(limits: limits)
        let pieces: [[UInt8]] = byteByByte ? bytes.map { [$0] } : [bytes]
        feeding: for piece in pieces {
            parser.append(piece)
            while true {
                switch parser.next() {
                case .needMore: continue feeding
                case .head(let head): heads.append(head)
                case .request(let head, let body): requests.append((head, body))
                case .error(let error):
                    self.error = error
                    break feeding
                }
            }
        }
    }
}

@Suite("HTTP request parser")
struct HTTPRequestParserTests {
    @Test(arguments: [false, true])
    func simpleGet(byteByByte: Bool) {
        let run = ParserRun(
            "GET /a%20b?x=1&y=%2F HTTP/1.1\r\nHost: example\r\nX-Thing:  spaced value \r\n\r\n", byteByByte: byteByByte)
        #expect(run.error == nil)
        #expect(run.requests.count == 1)
        let head = run.requests[0].head
        #expect(head.method == .get)
        #expect(head.target == "/a%20b?x=1&y=%2F")
        #expect(head.version == (1, 1))
        #expect(head.keepAlive)
        #expect(head.headers["x-thing"] == "spaced value")
        #expect(head.framing == .none)
        let request = Request(method: head.method, target: head.target, headers: head.headers)
        #expect(request.path == "/a b")
        #expect(request.query["y"] == "/")
    }

    @Test(arguments: [false, true])
    func leadingEmptyLinesAreIgnored(byteByByte: Bool) {
        let run = ParserRun("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", byteByByte: byteByByte)
        #expect(run.error == nil)
        #expect(run.requests.count == 1)
    }

    @Test(arguments: [false, true])
    func contentLengthBodyAndPipelining(byteByByte: Bool) {
        let text = "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let run = ParserRun(text, byteByByte: byteByByte)
        #expect(run.error == nil)
        #expect(run.requests.map(\.head.target) == ["/p", "/next"])
        #expect(run.requests[0].body == Array("hello".utf8))
        #expect(run.heads.count == 1)
    }

    @Test(arguments: [false, true])
    func chunkedBodyWithExtensionsAndTrailers(byteByByte: Bool) {
        let text =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; other\r\n world\r\nA\r\n0123456789\r\n0;last\r\nX-Trailer: yes\r\nY: z\r\n\r\n"
            + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n"
        let run = ParserRun(text, byteByByte: byteByByte)
        #expect(run.error == nil)
        #expect(run.requests.count == 2)
        #expect(String(decoding: run.requests[0].body, as: UTF8.self) == "hello world0123456789")
        #expect(run.requests[0].head.framing == .chunked)
        #expect(run.requests[1].head.target == "/after")
    }

    @Test(arguments: [false, true])
    func connectionPersistence(byteByByte: Bool) {
        let cases: [(String, Bool)] = [
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", true),
        ]
        for (text, keepAlive) in cases {
            let run = ParserRun(text, byteByByte: byteByByte)
            #expect(run.requests.first?.head.keepAlive == keepAlive, "\(text)")
        }
    }

    @Test(arguments: [false, true])
    func expectContinue(byteByByte: Bool) {
        let run = ParserRun(
            "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nok", byteByByte: byteByByte)
        #expect(run.heads.first?.expectContinue == true)
        #expect(run.requests.first?.body == Array("ok".utf8))
        let old = ParserRun(
            "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok", byteByByte: byteByByte)
        #expect(old.heads.first?.expectContinue == false)
    }

    @Test(arguments: [false, true])
    func otherTargetForms(byteByByte: Bool) {
        let absolute = ParserRun(
            "GET http://example.com/x/y?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n", byteByByte: byteByByte)
        #expect(absolute.error == nil)
        let head = absolute.requests[0].head
        let request = Request(method: head.method, target: head.target)
        #expect(request.path == "/x/y")
        #expect(request.query["q"] == "1")
        let asterisk = ParserRun("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", byteByByte: byteByByte)
        #expect(asterisk.error == nil)
    }

    @Test(arguments: [false, true])
    func invalidUTF8IsAcceptedAndRepaired(byteByByte: Bool) {
        var bytes = Array("GET /caf".utf8) + [0xC3, 0x28, 0xFF] + Array("?q=%FF HTTP/1.1\r\nHost: a\r\nX-Bin: ".utf8)
        bytes += [0xFE, 0xFF, 0x80] + Array("\r\nContent-Length: 2\r\n\r\n".utf8) + [0xFF, 0xFE]
        let run = ParserRun(bytes, byteByByte: byteByByte)
        #expect(run.error == nil)
        let head = run.requests[0].head
        let request = Request(
            method: head.method, target: head.target, headers: head.headers, body: run.requests[0].body)
        #expect(request.path.hasPrefix("/caf"))
        #expect(request.bodyText.count == 2)
        #expect(head.headers["X-Bin"] != nil)
    }

    static let failures: [(String, HTTPParseError)] = {
        let host = "Host: a\r\n"
        let long = String(repeating: "a", count: 80)
        var cases: [(String, HTTPParseError)] = [
            ("GET / HTTP/1.1\nHost: a\n\n", .badRequest("bare LF")),
            ("GET / HTTP/1.1\r\nHost: a\n\r\n", .badRequest("bare LF")),
            ("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", .badRequest("field line")),
            (
                "GET / HTTP/1.1\r\n\(host)Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                .badRequest("framing")
            ),
            (
                "GET / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                .badRequest("framing")
            ),
            ("GET / HTTP/1.1\r\n\(host)Content-Length: 3\r\nContent-Length: 4\r\n\r\n", .badRequest("content-length")),
            ("GET / HTTP/1.1\r\n\(host)Content-Length: 3, 4\r\n\r\n", .badRequest("content-length")),
            ("GET / HTTP/1.1\r\n\(host)Content-Length: abc\r\n\r\n", .badRequest("content-length")),
            ("GET / HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\n", .badRequest("content-length")),
            ("GET / HTTP/1.1\r\n\(host)Content-Length: +1\r\n\r\n", .badRequest("content-length")),
            ("GET / HTTP/1.1\r\n\(host)Content-Length: \r\n\r\n", .badRequest("content-length")),
            ("GET / HTTP/1.1\r\n\(host)Content-Length: 1 2\r\n\r\n", .badRequest("content-length")),
            ("GET / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip\r\n\r\n", .badRequest("transfer coding")),
            ("GET / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n", .badRequest("transfer coding")),
            ("GET / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, chunked\r\n\r\n", .badRequest("transfer coding")),
            (
                "GET / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                .badRequest("transfer coding")
            ),
            ("GET / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked,\r\n\r\n", .badRequest("transfer coding")),
            ("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .badRequest("framing")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nzz\r\n", .badRequest("chunk size")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n\r\n", .badRequest("chunk size")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n-1\r\n", .badRequest("chunk size")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5 x\r\n", .badRequest("chunk size")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5;\u{1}\r\n", .badRequest("chunk extension")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5\nhello", .badRequest("bare LF")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", .badRequest("chunk end")),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2\r\nab\rX", .badRequest("chunk end")),
            (
                "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
                .badRequest("trailer field")
            ),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nX: y\n", .badRequest("bare LF")),
            ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .badRequest("field line")),
            ("GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n", .badRequest("field line")),
            ("GET / HTTP/1.1\r\n Host: a\r\n\r\n", .badRequest("field line")),
            ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", .badRequest("field line")),
            ("GET / HTTP/1.1\r\nHost: a\r\n: empty-name\r\n\r\n", .badRequest("field line")),
            ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", .badRequest("field line")),
            ("GET / HTTP/1.1\r\nX: y\r\n\r\n", .badRequest("host")),
            ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .badRequest("host")),
            ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion),
            ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", .unsupportedVersion),
            ("GET / HTTP/0.9\r\nHost: a\r\n\r\n", .unsupportedVersion),
            ("GET / HTTP/1\r\nHost: a\r\n\r\n", .badRequest("version")),
            ("GET / HTTP/1.10\r\nHost: a\r\n\r\n", .badRequest("version")),
            ("GET / http/1.1\r\nHost: a\r\n\r\n", .badRequest("version")),
            ("GET /\r\n\r\n", .badRequest("request line")),
            ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest("request line")),
            (" GET / HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest("request line")),
            ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest("method")),
            ("GET abc HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest("target form")),
            ("GET * HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest("target form")),
            ("GET /a\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest("target")),
            ("GET /\(long) HTTP/1.1\r\nHost: a\r\n\r\n", .requestLineTooLong),
            ("GET /\(long)", .requestLineTooLong),
            ("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", .headersTooLarge),
            ("GET / HTTP/1.1\r\nHost: a\r\nBig: \(String(repeating: "x", count: 300))\r\n\r\n", .headersTooLarge),
            ("GET / HTTP/1.1\r\nHost: a\r\nBig: \(String(repeating: "x", count: 300))", .headersTooLarge),
            ("POST / HTTP/1.1\r\n\(host)Content-Length: 101\r\n\r\n", .bodyTooLarge),
            ("POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999999\r\n\r\n", .bodyTooLarge),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n65\r\n", .bodyTooLarge),
            (
                "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n50\r\n\(String(repeating: "x", count: 80))\r\n20\r\n",
                .bodyTooLarge
            ),
            ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n", .bodyTooLarge),
            (
                "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nT: \(String(repeating: "x", count: 300))\r\n\r\n",
                .headersTooLarge
            ),
            ("PUT / HTTP/1.1\r\n\(host)Expect: something-else\r\nContent-Length: 1\r\n\r\n", .unsupportedExpectation),
        ]
        cases.append(
            (
                "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 5000))",
                .badRequest("chunk line")
            ))
        return cases
    }()

    @Test(arguments: [false, true])
    func everyRejectedShape(byteByByte: Bool) {
        for (text, expected) in HTTPRequestParserTests.failures {
            let run = ParserRun(text, byteByByte: byteByByte)
            #expect(run.error?.status == expected.status, "\(text.debugDescription)")
            #expect(run.error == expected, "\(text.debugDescription)")
        }
    }

    @Test func errorIsSticky() {
        var parser = HTTPRequestParser(limits: ParserRun.limits)
        parser.append(Array("GET / HTTP/3.0\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        guard case .error(.unsupportedVersion) = parser.next() else {
            Issue.record("expected 505")
            return
        }
        guard case .error(.unsupportedVersion) = parser.next() else {
            Issue.record("expected sticky error")
            return
        }
    }

    @Test func statusesOfErrors() {
        #expect(HTTPParseError.badRequest("x").status.code == 400)
        #expect(HTTPParseError.requestLineTooLong.status.code == 414)
        #expect(HTTPParseError.headersTooLarge.status.code == 431)
        #expect(HTTPParseError.bodyTooLarge.status.code == 413)
        #expect(HTTPParseError.unsupportedVersion.status.code == 505)
        #expect(HTTPParseError.unsupportedExpectation.status.code == 417)
    }

    @Test func requestIDSanitizing() {
        #expect(RequestIDGenerator.sanitized("abc-123_x.y") == "abc-123_x.y")
        #expect(RequestIDGenerator.sanitized("has space") == nil)
        #expect(RequestIDGenerator.sanitized("") == nil)
        #expect(RequestIDGenerator.sanitized(String(repeating: "a", count: 129)) == nil)
        #expect(RequestIDGenerator.sanitized("é") == nil)
        var generator = RequestIDGenerator()
        let a = generator.next()
        let b = generator.next()
        #expect(a.count == 32 && a != b && a.allSatisfy(\.isHexDigit))
    }

    @Test func dateFormat() {
        var seconds: time_t = 784_111_777
        #expect(String(decoding: DateCache.format(&seconds), as: UTF8.self) == "Sun, 06 Nov 1994 08:49:37 GMT")
        var cache = DateCache()
        let line = String(decoding: cache.currentLine(), as: UTF8.self)
        #expect(line.hasPrefix("Date: ") && line.hasSuffix(" GMT\r\n") && line.utf8.count == 37)
    }

    /// The whole head, byte for byte: a prebuilt status line for a standard reason, the reason written (and
    /// sanitised) otherwise.
    @Test func responseHeads() {
        let exchange = Connection.Exchange(
            method: .get, rawPath: "/", minorVersion: 1, keepAlive: true, requestID: "r1", startedAt: 0)
        func head(_ status: HTTPStatus) -> String {
            var output: [UInt8] = []
            let response = Response(status: status, headers: ["Content-Type": "text/plain"], body: Array("hi".utf8))
            _ = Connection.append(response, exchange, close: false, dateLine: Array("Date: D\r\n".utf8), to: &output)
            return String(decoding: output, as: UTF8.self)
        }
        let fields = "Content-Type: text/plain\r\nDate: D\r\nContent-Length: 2\r\nX-Request-ID: r1\r\n\r\nhi"
        #expect(head(.ok) == "HTTP/1.1 200 OK\r\n" + fields)
        #expect(head(.unprocessableEntity) == "HTTP/1.1 422 Unprocessable Content\r\n" + fields)
        #expect(head(HTTPStatus(code: 200, reason: "Fine")) == "HTTP/1.1 200 Fine\r\n" + fields)
        #expect(head(HTTPStatus(code: 299, reason: "A\r\nB")) == "HTTP/1.1 299 A  B\r\n" + fields)
        #expect(head(HTTPStatus(code: 999)) == "HTTP/1.1 999 Status 999\r\n" + fields)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
