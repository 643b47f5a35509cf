import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

struct SecretFailure: Error, CustomStringConvertible {
    var description: String { "database password is hunter2" }
}

extension ServerTests {
    @Suite("Lifecycle, errors, request ids and logging") struct LifecycleBehaviour {
        @Test func shutdownLetsInFlightRequestsFinishAndClosesIdleConnections() async throws {
            // Handlers hold until the test opens the gate after shutdown has begun (a fixed sleep raced the
            // arrival of the other requests on a loaded machine).
            let gate = Mutex(false)
            let handler: Handler = { request in
                let deadline = ContinuousClock.now + .seconds(20)
                while !gate.withLock({ $0 }), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
                return .text(.ok, "done \(request.path)")
            }
            let server = HTTPServer(configuration: testConfiguration(), logger: Logger(label: "t"), handler: handler)
            try server.start()
            let port = server.localPort
            let idle = try TestClient(port: port)
            let clients = (0..<3).map { i in
                Task {
                    try await blocking { () -> String in
                        let client = try TestClient(port: port)
                        client.send("GET /r\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
                        let response = try client.readResponse()
                        let closed = client.isClosed()
                        return
                            "\(response.status) \(response.bodyText) \(response.header("Connection") ?? "-") \(closed)"
                    }
                }
            }
            #expect(await eventually(timeout: .seconds(20)) { server.stats.inFlightRequests == 3 })
            let shutdown = Task { await server.shutdown() }
            // Shutdown has begun once it has closed the idle connection (read on a thread of its own: a blocking
            // read on the cooperative pool could starve the shutdown task).
            nonisolated(unsafe) let idleClient = idle
            #expect(try await blocking { idleClient.isClosed() })
            gate.withLock { $0 = true }
            await shutdown.value
            var results: [String] = []
            for client in clients { results.append(try await client.value) }
            #expect(results == (0..<3).map { "200 done /r\($0) close true" })
            #expect(idle.readAll().isEmpty)
            #expect(
                server.stats
                    == ServerStats(openConnections: 0, inFlightRequests: 0, acceptedConnections: 4, requestsServed: 3))
            #expect(throws: TestClientError.self) { try TestClient(port: port) }
            await server.waitUntilStopped()
        }

        @Test func shutdownIsBoundedByTheGracePeriod() async throws {
            let handler: Handler = { _ in
                try? await Task.sleep(for: .seconds(30))
                return .text(.ok, "late")
            }
            let server = HTTPServer(
                configuration: testConfiguration(grace: .milliseconds(200)), logger: Logger(label: "t"),
                handler: handler)
            try server.start()
            let port = server.localPort
            let client = Task {
                try await blocking { () -> Bool in
                    let client = try TestClient(port: port)
                    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    return client.readAll().isEmpty
                }
            }
            #expect(await eventually { server.stats.inFlightRequests == 1 })
            await server.shutdown()
            #expect(try await client.value)
        }

        @Test func serverNeverStartedStopsAtOnce() async {
            let server = HTTPServer(
                configuration: testConfiguration(), logger: Logger(label: "t"), handler: echoHandler)
            await server.waitUntilStopped()
            await server.shutdown()
            #expect(server.localPort == 0)
        }

        @Test func portInUseThrowsSocketErrorWithErrnoText() async throws {
            try await withServer { _, port in
                var configuration = testConfiguration()
                configuration.port = port
                let second = HTTPServer(configuration: configuration, logger: Logger(label: "t"), handler: echoHandler)
                do {
                    try second.start()
                    Issue.record("second bind succeeded")
                } catch let error as SocketError {
                    #expect(error.code == EADDRINUSE)
                    #expect(error.description.contains("Address already in use"))
                }
            }
        }

        @Test func handlerErrorsBecomeResponses() async throws {
            let logs = LogRecorder()
            let handler: Handler = { request in
                switch request.path {
                case "/conflict": throw HTTPError(.conflict, "Already there.")
                case "/boom": throw SecretFailure()
                default: return .text(.ok, "fine")
                }
            }
            try await withServer(logger: logs.logger, handler: handler) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET /conflict HTTP/1.1\r\nHost: x\r\n\r\n")
                    let conflict = try client.readResponse()
                    #expect(conflict.status == 409)
                    #expect(conflict.bodyText == #"{"detail":"Already there."}"#)
                    client.send("GET /boom HTTP/1.1\r\nHost: x\r\nX-Request-ID: req-42\r\n\r\n")
                    let boom = try client.readResponse()
                    #expect(boom.status == 500)
                    #expect(boom.bodyText == #"{"detail":"Internal server error."}"#)
                    #expect(!boom.bodyText.contains("hunter2"))
                    client.send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().bodyText == "fine")
                }
            }
            let errors = logs.all.filter { $0.level == .error }
            #expect(errors.count == 1)
            #expect(errors.first?.metadata["request_id"] == "req-42")
        }

        @Test func requestIDIsTakenWhenSaneAndGeneratedOtherwise() async throws {
            try await withServer { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc.DEF_123-x\r\n\r\n")
                    let sane = try client.readResponse()
                    #expect(sane.header("X-Request-ID") == "abc.DEF_123-x")
                    #expect(sane.header("X-Seen-Request-ID") == "abc.DEF_123-x")
                    for bad in ["has space", String(repeating: "a", count: 129), "semi;colon"] {
                        client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-ID: \(bad)\r\n\r\n")
                        let response = try client.readResponse()
                        let id = response.header("X-Request-ID") ?? ""
                        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
                        #expect(response.header("X-Seen-Request-ID") == id)
                    }
                }
            }
        }

        @Test func accessLogHasOneLinePerRequestWithoutQueryOrHeaderValues() async throws {
            let logs = LogRecorder()
            try await withServer(testConfiguration(accessLog: true), logger: logs.logger) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send(
                        "GET /items/7?token=s3cret HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer topsecret\r\nX-Request-ID: log-1\r\n\r\n"
                    )
                    #expect(try client.readResponse().status == 200)
                    client.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n")
                    #expect(try client.readResponse().status == 400)
                }
            }
            let lines = logs.all.filter { $0.message == "request" }
            #expect(lines.count == 2)
            let first = try #require(lines.first)
            #expect(first.level == .info)
            #expect(first.metadata["http.method"] == "GET")
            #expect(first.metadata["http.path"] == "/items/7")
            #expect(first.metadata["http.status"] == "200")
            #expect(first.metadata["http.bytes"] == String("GET /items/7".utf8.count))
            #expect(first.metadata["http.duration_ms"] != nil)
            #expect(first.metadata["request_id"] == "log-1")
            #expect(lines.last?.metadata["http.status"] == "400")
            let everything = logs.all.map { "\($0.message) \($0.metadata)" }.joined()
            #expect(!everything.contains("s3cret") && !everything.contains("topsecret"))
        }

        @Test func routerRunsBehindTheServer() async throws {
            let router = Router(prefix: "/api") { routes in
                routes.get("/items/:id") { request in .text(.ok, "item \(request.pathParameters["id"] ?? "")") }
            }
            try await withServer(handler: router.respond) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET /api/items/9 HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().bodyText == "item 9")
                    client.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().status == 404)
                    client.send("DELETE /api/items/9 HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().status == 405)
                }
            }
        }

        @Test func handlerThatDoesNotSuspendRunsOnItsEventLoopThread() async throws {
            let handler: Handler = { _ in .text(.ok, EventLoop.currentThreadName()) }
            try await withServer(handler: handler) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    let name = try client.readResponse().bodyText
                    #expect(name.hasPrefix("http-loop-"), "\(name)")
                }
            }
        }

        @Test func terminationSignalWaitReturnsTheSignal() async throws {
            TerminationSignal.prepare([SIGUSR1])
            let waiter = Task { await TerminationSignal.wait(for: [SIGUSR1]) }
            try await Task.sleep(for: .milliseconds(50))
            kill(getpid(), SIGUSR1)
            #expect(await waiter.value == SIGUSR1)
        }
    }
}
