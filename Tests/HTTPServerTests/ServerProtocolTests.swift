import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Every test that runs a real server; serialized so timeouts are not at the mercy of a busy 2-core machine.
@Suite(.serialized) struct ServerTests {}

extension ServerTests {
    @Suite("HTTP/1.1 behaviour") struct ProtocolBehaviour {
        @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    for path in ["/one", "/two", "/three"] {
                        client.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                        let response = try client.readResponse()
                        #expect(response.status == 200)
                        #expect(response.bodyText == "GET \(path)")
                        #expect(response.header("Connection") == nil)
                        #expect(response.header("Date")?.hasSuffix(" GMT") == true)
                        #expect(response.header("Content-Length") == String(response.body.count))
                        #expect(response.header("X-Request-ID")?.count == 32)
                    }
                }
            }
        }

        @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send(
                        "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nbodGET /c HTTP/1.1\r\nHost: x\r\n\r\n"
                    )
                    let bodies = try (0..<4).map { _ in try client.readResponse().bodyText }
                    #expect(bodies == ["GET /slow", "GET /a", "bod", "GET /c"])
                }
            }
        }

        @Test func chunkedRequestBodyWithExtensionsAndTrailers() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    client.send("4;ext=1\r\nWiki\r\n")
                    client.send("5\r\npedia\r\n0\r\nX-Checksum: abc\r\n\r\n")
                    let response = try client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.bodyText == "Wikipedia")
                }
            }
        }

        @Test func expectContinueSendsInterimResponseBeforeBody() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                    let interim = try client.readResponse()
                    #expect(interim.status == 100)
                    client.send("hello")
                    let final = try client.readResponse()
                    #expect(final.status == 200)
                    #expect(final.bodyText == "hello")
                }
            }
        }

        @Test func expectContinueWithOversizedBodyGets413Instead() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send(
                        "PUT /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 99999999\r\n\r\n")
                    let response = try client.readResponse()
                    #expect(response.status == 413)
                    #expect(response.header("Connection") == "close")
                    #expect(client.isClosed())
                }
            }
        }

        @Test func unknownExpectationGets417() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("PUT / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n")
                    #expect(try client.readResponse().status == 417)
                    #expect(client.isClosed())
                }
            }
        }

        @Test func headHasLengthOfGetButNoBody() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    let head = try client.readResponse(head: true)
                    #expect(head.status == 200)
                    #expect(head.header("Content-Length") == "5")
                    // If any body bytes had been sent, this second response would not parse.
                    client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    let get = try client.readResponse()
                    #expect(get.bodyText == "hello")
                }
            }
        }

        @Test func noBodyFor204And304() async throws {
            let handler: Handler = { request in
                Response(status: HTTPStatus(code: Int(request.path.dropFirst()) ?? 200), body: Array("ignored".utf8))
            }
            try await withServer(handler: handler) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    for code in [204, 304] {
                        client.send("GET /\(code) HTTP/1.1\r\nHost: x\r\n\r\n")
                        let response = try client.readResponse()
                        #expect(response.status == code)
                        #expect(response.header("Content-Length") == nil)
                    }
                    client.send("GET /200 HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().bodyText == "ignored")
                }
            }
        }

        @Test func http10ClosesByDefaultAndKeepsAliveOnRequest() async throws {
            try await withServer { _, port in
                try await blocking {
                    let plain = try TestClient(port: port)
                    plain.send("GET /old HTTP/1.0\r\n\r\n")
                    let response = try plain.readResponse()
                    #expect(response.status == 200)
                    #expect(response.header("Connection") == "close")
                    #expect(plain.isClosed())

                    let kept = try TestClient(port: port)
                    kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    #expect(try kept.readResponse().header("Connection") == "keep-alive")
                    kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    #expect(try kept.readResponse().bodyText == "GET /b")
                }
            }
        }

        @Test func connectionCloseIsHonoured() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send(
                        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: x\r\n\r\n"
                    )
                    let response = try client.readResponse()
                    #expect(response.header("Connection") == "close")
                    #expect(client.isClosed())
                }
            }
        }

        @Test func requestWithHalfClosedClientIsStillAnswered() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
                    client.shutdownWrite()
                    #expect(try client.readResponse().bodyText == "GET /slow")
                    #expect(client.isClosed())
                }
            }
        }

        @Test func absoluteFormAndPercentDecodedPath() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET http://example.com/a%2Fb%20c?token=secret HTTP/1.1\r\nHost: example.com\r\n\r\n")
                    let response = try client.readResponse()
                    #expect(response.header("X-Path") == "/a/b c")
                }
            }
        }

        @Test func largeBodiesBothWays() async throws {
            try await withServer(testConfiguration(maxBodyBytes: 8 << 20)) { _, port in
                try await blocking {
                    let client = try TestClient(port: port, timeout: 10)
                    client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
                    let big = try client.readResponse()
                    #expect(big.body.count == 4 << 20)
                    let upload = [UInt8](repeating: 0x62, count: 3 << 20)
                    client.send(
                        Array("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: \(upload.count)\r\n\r\n".utf8) + upload)
                    let echoed = try client.readResponse()
                    #expect(echoed.body == upload)
                }
            }
        }

        @Test func invalidUTF8AnywhereDoesNotCrash() async throws {
            try await withServer { server, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    var request =
                        Array("POST /\u{00}".utf8).dropLast() + [0xFF, 0xC3, 0x28]
                        + Array(" HTTP/1.1\r\nHost: x\r\nX-Bad: ".utf8)
                    request +=
                        [0xFE, 0x80] + Array("\r\nX-Request-ID: ".utf8) + [0xFF]
                        + Array("\r\nContent-Length: 3\r\n\r\n".utf8)
                    request += [0xFF, 0xFE, 0xFD]
                    client.send(Array(request))
                    let response = try client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.body == [0xFF, 0xFE, 0xFD])
                    #expect(response.header("X-Request-ID")?.count == 32)
                }
                #expect(server.stats.requestsServed == 1)
            }
        }
    }
}
