import Foundation
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

extension ServerTests {
    @Suite("Per-route body limits and the buffered-body cap") struct BodyLimits {
        /// `/upload...` takes 64 KB, everything else 1 KB.
        static func configuration(maxBufferedBodyBytes: Int = 64 << 20) -> HTTPServer.Configuration {
            var configuration = testConfiguration()
            configuration.bodyLimit = { _, rawPath in rawPath.hasPrefix("/upload") ? 64 << 10 : 1 << 10 }
            configuration.maxBufferedBodyBytes = maxBufferedBodyBytes
            return configuration
        }

        /// Expects `response` to be the final `status` of a connection that then closes.
        static func expectFinal(_ response: RawResponse, _ status: Int, _ client: TestClient) {
            #expect(response.status == status)
            #expect(response.header("Connection") == "close")
            #expect(client.isClosed())
        }

        @Test func contentLengthOverTheRouteLimitIs413BeforeTheBodyIsSent() async throws {
            try await withServer(Self.configuration()) { server, port in
                try await blocking {
                    // Only the head is sent: the answer cannot wait for the body.
                    let client = try TestClient(port: port)
                    client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n")
                    Self.expectFinal(try client.readResponse(), 413, client)
                    // With `Expect: 100-continue` the 413 comes instead of the 100.
                    let expecting = try TestClient(port: port)
                    expecting.send(
                        "POST /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2000\r\n\r\n")
                    Self.expectFinal(try expecting.readResponse(), 413, expecting)
                    // The same length fits the larger route's limit.
                    let upload = try TestClient(port: port)
                    upload.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n")
                    upload.send([UInt8](repeating: 0x61, count: 2000))
                    #expect(try upload.readResponse().body.count == 2000)
                }
                #expect(server.stats.bufferedBodyBytes == 0)
            }
        }

        @Test func chunkedBodyIs413AsSoonAsItPassesTheRouteLimit() async throws {
            try await withServer(Self.configuration()) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    client.send("258\r\n" + String(repeating: "a", count: 600) + "\r\n")
                    // 600 + 500 passes 1 KB: answered on the size line, before the chunk's data.
                    client.send("1F4\r\n")
                    Self.expectFinal(try client.readResponse(), 413, client)
                }
            }
        }

        @Test func routeWithALargerLimitAcceptsItsBody() async throws {
            try await withServer(Self.configuration()) { server, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    let body = [UInt8](repeating: 0x62, count: 50_000)
                    client.send("POST /upload/photo?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n")
                    client.send(body)
                    #expect(try client.readResponse().body == body)
                    client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    client.send("61A8\r\n" + String(repeating: "c", count: 25_000) + "\r\n")
                    client.send("61A8\r\n" + String(repeating: "c", count: 25_000) + "\r\n0\r\n\r\n")
                    let chunked = try client.readResponse()
                    #expect(chunked.status == 200)
                    #expect(chunked.body.count == 50_000)
                }
                #expect(server.stats.bufferedBodyBytes == 0)
            }
        }

        @Test(arguments: ["99999999999999999999", "9223372036854775807", "9223372036854775808"])
        func hugeContentLengthIsACleanError(length: String) async throws {
            try await withServer(Self.configuration()) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n")
                    Self.expectFinal(try client.readResponse(), 413, client)
                }
            }
        }

        @Test func bodiesPastTheBufferedTotalGet503WhileSmallRequestsSucceed() async throws {
            try await withServer(Self.configuration(maxBufferedBodyBytes: 100_000)) { server, port in
                try await blocking {
                    // Three slow uploads reserve 3 × 30,000 of the 100,000 while sending only a few bytes.
                    var slow: [TestClient] = []
                    for index in 1...3 {
                        let client = try TestClient(port: port)
                        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 30000\r\n\r\nabc")
                        slow.append(client)
                        #expect(waitUntil { server.stats.bufferedBodyBytes == index * 30_000 })
                    }
                    // The one past the cap is turned away at its head.
                    let past = try TestClient(port: port)
                    past.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 30000\r\n\r\nabc")
                    let refused = try past.readResponse()
                    Self.expectFinal(refused, 503, past)
                    #expect(refused.header("Retry-After") == "1")
                    // A chunked body reserves chunk by chunk: one that does not fit is turned away too.
                    let chunked = try TestClient(port: port)
                    chunked.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    chunked.send("4E20\r\nabc")  // 20,000
                    Self.expectFinal(try chunked.readResponse(), 503, chunked)
                    // Requests that fit go on: no body, and a small body.
                    let normal = try TestClient(port: port)
                    normal.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try normal.readResponse().status == 200)
                    normal.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                    #expect(try normal.readResponse().bodyText == "hello")
                    #expect(server.stats.bufferedBodyBytes == 90_000)
                    // A slow upload that completes is handed off; one whose client leaves gives its share back.
                    slow[0].send([UInt8](repeating: 0x61, count: 29_997))
                    #expect(try slow[0].readResponse().body.count == 30_000)
                    slow.removeLast()
                    #expect(waitUntil { server.stats.bufferedBodyBytes == 30_000 })
                    let again = try TestClient(port: port)
                    again.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n")
                    again.send([UInt8](repeating: 0x61, count: 60_000))
                    #expect(try again.readResponse().status == 200)
                    slow.removeAll()
                }
                #expect(await eventually { server.stats.bufferedBodyBytes == 0 && server.stats.openConnections == 0 })
            }
        }
    }
}
