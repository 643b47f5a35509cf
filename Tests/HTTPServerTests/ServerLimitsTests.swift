import Foundation
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

extension ServerTests {
    @Suite("Hostile input, limits and timeouts") struct Limits {
        /// Sends `request` and expects `status`, `Connection: close`, then the connection closed.
        func expectRejected(
            _ request: String, status: Int, configuration: HTTPServer.Configuration = testConfiguration()
        ) async throws {
            try await withServer(configuration) { server, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send(request)
                    let response = try client.readResponse()
                    #expect(response.status == status, "\(request.debugDescription)")
                    #expect(response.header("Connection") == "close")
                    #expect(response.header("Date") != nil)
                    #expect(response.header("Content-Type") == "application/json")
                    #expect(client.isClosed(), "\(request.debugDescription)")
                }
                #expect(await eventually { server.stats.openConnections == 0 })
            }
        }

        @Test func requestLineTooLongIs414() async throws {
            try await expectRejected(
                "GET /\(String(repeating: "a", count: 2000)) HTTP/1.1\r\nHost: x\r\n\r\n", status: 414)
        }

        @Test func headerBlockTooLargeIs431() async throws {
            try await expectRejected(
                "GET / HTTP/1.1\r\nHost: x\r\nBig: \(String(repeating: "b", count: 5000))\r\n\r\n", status: 431)
        }

        @Test func tooManyHeadersIs431() async throws {
            let fields = (0..<30).map { "H\($0): v\r\n" }.joined()
            try await expectRejected("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n", status: 431)
        }

        @Test func bodyTooLargeIs413() async throws {
            try await expectRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\nabc", status: 413)
            let chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + "FFFFFF\r\n"
            try await expectRejected(chunked, status: 413)
        }

        static let smuggling: [String] = [
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: x3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
            "GET / HTTP/1.1\nHost: x\n\n",
            "GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n",
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n\tb\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        ]

        @Test(arguments: Limits.smuggling)
        func smugglingShapesAre400AndClosed(request: String) async throws {
            try await expectRejected(request, status: 400)
        }

        @Test func unsupportedVersionIs505() async throws {
            try await expectRejected("GET / HTTP/2.0\r\nHost: x\r\n\r\n", status: 505)
        }

        @Test func slowHeadersGet408ThenClose() async throws {
            try await expectRejected(
                "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", status: 408,
                configuration: testConfiguration(timeouts: .milliseconds(300)))
        }

        @Test func slowBodyGets408ThenClose() async throws {
            try await expectRejected(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", status: 408,
                configuration: testConfiguration(timeouts: .milliseconds(300)))
        }

        @Test func idleKeepAliveAndSilentConnectionsAreClosedQuietly() async throws {
            try await withServer(testConfiguration(timeouts: .milliseconds(300))) { server, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().status == 200)
                    #expect(client.readAll().isEmpty)  // EOF with no bytes: closed without a response
                    let silent = try TestClient(port: port)
                    #expect(silent.readAll().isEmpty)
                }
                #expect(await eventually { server.stats.openConnections == 0 })
            }
        }

        @Test func connectionCapClosesExtraConnectionsAndRecovers() async throws {
            try await withServer(testConfiguration(maxConnections: 2)) { server, port in
                try await blocking {
                    let first = try TestClient(port: port)
                    let second = try TestClient(port: port)
                    for client in [first, second] {
                        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                        #expect(try client.readResponse().status == 200)
                    }
                    let third = try TestClient(port: port)
                    let refused = try third.readResponse()
                    #expect(refused.status == 503)
                    #expect(refused.header("Connection") == "close")
                    #expect(refused.bodyText == #"{"detail":"Server is at its connection limit."}"#)
                    #expect(third.isClosed())
                    #expect(server.stats.openConnections == 2)
                }
                // The first two were closed when their clients were released at the end of the block above.
                #expect(await eventually { server.stats.openConnections == 0 })
                try await blocking {
                    let again = try TestClient(port: port)
                    again.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try again.readResponse().bodyText == "GET /again")
                }
            }
        }

        @Test func thousandConcurrentConnections() async throws {
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            if limit.rlim_cur < 4096 {
                limit.rlim_cur = min(4096, limit.rlim_max)
                setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            }
            try await withServer { server, port in
                let count = 1000
                let statuses = try await blocking { () -> [Int] in
                    var clients: [TestClient] = []
                    for _ in 0..<count { clients.append(try TestClient(port: port, timeout: 10)) }
                    for (i, client) in clients.enumerated() { client.send("GET /c\(i) HTTP/1.1\r\nHost: x\r\n\r\n") }
                    return try clients.enumerated().map { i, client in
                        let response = try client.readResponse()
                        return response.bodyText == "GET /c\(i)" ? response.status : -1
                    }
                }
                #expect(statuses.count == count)
                #expect(statuses.allSatisfy { $0 == 200 })
                #expect(server.stats.acceptedConnections == count)
            }
        }
    }
}
