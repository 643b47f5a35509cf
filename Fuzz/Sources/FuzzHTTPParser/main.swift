import FuzzSupport

@testable import HTTPServer

/// libFuzzer target for the HTTP/1.1 request parser (Sources/HTTPServer/Parser/).
///
/// Input: byte 0 seeds how the rest is cut into reads (1-32 bytes each), the rest is the byte stream a client sends.
/// The stream is parsed twice, whole and in those reads; both must yield the same requests and both end in an
/// error or neither does (an error's kind may differ: a limit can trip on a prefix before a later syntax error).
/// Every request must also honour its framing and the limits, and become a `Request` as the server builds it.
let limits = HTTPRequestParser.Limits(requestLineLength: 96, headerBytes: 384, headerCount: 12, bodyBytes: 2048)

struct Outcome: Equatable {
    var requests: [String] = []
    var failed = false
}

func describe(_ head: RequestHead, _ body: [UInt8]) -> String {
    let headers = head.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    return "\(head.method) \(head.target) \(head.version.major).\(head.version.minor) keepAlive=\(head.keepAlive) "
        + "continue=\(head.expectContinue) \(head.framing)\n\(headers)\n\(body)"
}

func check(_ head: RequestHead, _ body: [UInt8]) {
    switch head.framing {
    case .none: precondition(body.isEmpty, "a request without framing has a body")
    case .length(let length): precondition(body.count == length, "Content-Length \(length), body \(body.count)")
    case .chunked: break
    }
    precondition(body.count <= limits.bodyBytes, "body over the limit")
    precondition(head.version.major == 1 && (head.version.minor == 0 || head.version.minor == 1), "version")
    let request = Request(
        method: head.method, target: head.target, headers: head.headers, body: body, version: head.version)
    _ = request.path
    _ = Array(request.query)
    _ = RequestIDGenerator.sanitized(head.headers["X-Request-ID"])
}

/// Feeds `stream` in the given reads, draining events after each, as a connection does.
func parse(_ stream: ArraySlice<UInt8>, reads: [Int]) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome()
    var offset = stream.startIndex
    var readIndex = 0
    while offset < stream.endIndex {
        let length = min(reads[readIndex % reads.count], stream.endIndex - offset)
        readIndex += 1
        if readIndex % 2 == 0 {
            stream[offset..<(offset + length)].withUnsafeBytes { parser.append($0) }
        } else {
            parser.append(stream[offset..<(offset + length)])
        }
        offset += length
        drain: while true {
            switch parser.next() {
            case .needMore:
                break drain
            case .head(let head):
                precondition(head.framing != .none && head.framing != .length(0), "a head announced without a body")
                precondition(parser.isReadingBody, "a head announced while not reading a body")
            case .request(let head, let body):
                check(head, body)
                outcome.requests.append(describe(head, body))
            case .error(let error):
                _ = error.status
                _ = error.detail
                if case .error = parser.next() {} else { preconditionFailure("an error is not final") }
                outcome.failed = true
                return outcome
            }
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var seed = UInt32(bytes[0]) &* 2_654_435_761 | 1
    var reads: [Int] = []
    for _ in 0..<16 {
        seed ^= seed << 13
        seed ^= seed >> 17
        seed ^= seed << 5
        reads.append(Int(seed % 32) + 1)
    }
    let stream = bytes[1...]
    let whole = parse(stream, reads: [max(stream.count, 1)])
    let pieces = parse(stream, reads: reads)
    if whole != pieces {
        preconditionFailure("whole and piecewise parses differ:\nwhole: \(whole)\npieces: \(pieces)")
    }
    return 0
}

@_cdecl("FuzzHTTPParser_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
