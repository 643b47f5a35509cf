import HTTPFields
import Synchronization
import Testing

@testable import HTTPServer

/// The parser's per-request body limit and its reservations in a shared `BodyBudget`.
@Suite("Body admission in the parser")
struct BodyAdmissionTests {
    /// Every `(method, rawPath)` the limit function was asked about.
    final class Asked: Sendable {
        let calls = Mutex<[String]>([])
    }

    static func limits(_ asked: Asked = Asked()) -> HTTPRequestParser.Limits {
        HTTPRequestParser.Limits(
            requestLineLength: 256, headerBytes: 1024, headerCount: 10, bodyBytes: 5,
            bodyLimit: { method, rawPath in
                asked.calls.withLock { $0.append("\(method) \(rawPath)") }
                return rawPath == "/big" ? 200 : 10
            })
    }

    /// Feeds `text` and returns the first event other than `.head` and `.needMore` (nil when there is none yet).
    static func feed(_ parser: inout HTTPRequestParser, _ text: String) -> HTTPRequestParser.Event? {
        parser.append(Array(text.utf8))
        while true {
            switch parser.next() {
            case .needMore: return nil
            case .head: continue
            case let event: return event
            }
        }
    }

    static func error(_ event: HTTPRequestParser.Event?) -> HTTPParseError? {
        if case .error(let error)? = event { return error }
        return nil
    }

    static func body(_ event: HTTPRequestParser.Event?) -> [UInt8]? {
        if case .request(_, let body)? = event { return body }
        return nil
    }

    @Test func theLimitIsChosenPerRequestFromTheRawPath() {
        let asked = Asked()
        var parser = HTTPRequestParser(limits: Self.limits(asked))
        let big = String(repeating: "x", count: 150)
        #expect(
            Self.body(Self.feed(&parser, "POST /big?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 150\r\n\r\n\(big)"))?
                .count == 150)
        #expect(Self.body(Self.feed(&parser, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")) == [])  // no body: not asked
        // The same route spelled with an escape is another path, with the default limit.
        #expect(
            Self.error(Self.feed(&parser, "PUT /b%69g HTTP/1.1\r\nHost: x\r\nContent-Length: 150\r\n\r\n"))
                == .bodyTooLarge)
        #expect(asked.calls.withLock { $0 } == ["POST /big", "PUT /b%69g"])
    }

    @Test func chunkedBodiesAreHeldToTheRequestsLimit() {
        var parser = HTTPRequestParser(limits: Self.limits())
        let chunked = "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(Self.feed(&parser, chunked + "6\r\nabcdef\r\n") == nil)
        #expect(Self.error(Self.feed(&parser, "5\r\n")) == .bodyTooLarge)
        var big = HTTPRequestParser(limits: Self.limits())
        let body = Self.body(
            Self.feed(
                &big,
                "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "64\r\n" + String(repeating: "a", count: 100) + "\r\n0\r\n\r\n"))
        #expect(body?.count == 100)
    }

    @Test(arguments: ["99999999999999999999", "9223372036854775807", "18446744073709551616"])
    func hugeContentLengthsAre413(length: String) {
        var parser = HTTPRequestParser(limits: Self.limits())
        #expect(
            Self.error(Self.feed(&parser, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n"))
                == .bodyTooLarge)
    }

    @Test func declaredLengthsAreReservedAndReleasedOnHandOff() {
        let budget = BodyBudget(cap: 300)
        var first = HTTPRequestParser(limits: Self.limits(), budget: budget)
        var second = HTTPRequestParser(limits: Self.limits(), budget: budget)
        let head = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n"
        #expect(Self.feed(&first, head + "abc") == nil)
        #expect(budget.reserved == 200)
        #expect(Self.error(Self.feed(&second, head)) == .bodyBufferFull)
        #expect(HTTPParseError.bodyBufferFull.status.code == 503)
        #expect(HTTPParseError.bodyBufferFull.headers["Retry-After"] == "1")
        #expect(budget.reserved == 200)
        #expect(Self.body(Self.feed(&first, String(repeating: "d", count: 197)))?.count == 200)
        #expect(budget.reserved == 0)
        var third = HTTPRequestParser(limits: Self.limits(), budget: budget)
        #expect(Self.feed(&third, head) == nil)
        #expect(budget.reserved == 200)
        third.releaseReservation()  // as its connection closes
        #expect(budget.reserved == 0)
    }

    @Test func chunksAreReservedAsTheyComeAndReleasedOnFailure() {
        let budget = BodyBudget(cap: 150)
        var parser = HTTPRequestParser(limits: Self.limits(), budget: budget)
        let head = "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(Self.feed(&parser, head) == nil)
        #expect(budget.reserved == 0)
        #expect(Self.feed(&parser, "64\r\n") == nil)
        #expect(budget.reserved == 100)
        #expect(Self.feed(&parser, String(repeating: "a", count: 100) + "\r\n") == nil)
        #expect(Self.error(Self.feed(&parser, "64\r\n")) == .bodyBufferFull)
        #expect(budget.reserved == 0)
    }

    @Test func theBudgetNeverPassesItsCap() {
        let budget = BodyBudget(cap: 10)
        #expect(budget.reserve(10))
        #expect(!budget.reserve(1))
        #expect(!budget.reserve(Int.max))
        budget.release(4)
        #expect(budget.reserve(4))
        #expect(budget.reserve(0))
        #expect(!budget.reserve(-1))
        budget.release(10)
        #expect(budget.reserved == 0)
    }
}
