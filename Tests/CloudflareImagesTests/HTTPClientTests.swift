import Foundation
import HTTPClient
import HTTPFields
import TestSupport
import Testing

@Suite struct HTTPClientTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try ScriptedServer { _ in
            .respond(
                status: 201, headers: [("X-Thing", "one"), ("x-thing", "two"), ("Content-Type", "text/plain")],
                body: Array("hello".utf8))
        }
        defer { server.stop() }
        let client = try HTTPClient()
        let response = try await client.send(HTTPClientRequest(url: server.baseURL + "/path?a=1&b=x%20y"))
        #expect(response.status == 201)
        #expect(response.bodyText == "hello")
        #expect(response.headers["content-type"] == "text/plain")
        #expect(response.headers.values(for: "X-THING") == ["one", "two"])
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/path")
        #expect(request.query == ["a": "1", "b": "x y"])
        #expect(request.body.isEmpty)
    }

    @Test(arguments: ["POST", "PATCH", "DELETE", "PUT"])
    func bodiesArriveIntact(method: String) async throws {
        let server = try ScriptedServer { request in .respond(status: 200, body: request.body) }
        defer { server.stop() }
        let client = try HTTPClient()
        var payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        payload[10] = 0
        let response = try await client.send(
            HTTPClientRequest(
                method: method, url: server.baseURL + "/echo",
                headers: ["Content-Type": "application/octet-stream"], body: .bytes(payload)))
        #expect(response.status == 200)
        #expect(response.body == payload)
        let request = try #require(server.requests.first)
        #expect(request.method == method)
        #expect(request.body == payload)
        #expect(request.headers["Expect"] == nil)
    }

    @Test func deleteWithoutBodyAndEmptyPost() async throws {
        let server = try ScriptedServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let client = try HTTPClient()
        _ = try await client.send(HTTPClientRequest(method: "DELETE", url: server.baseURL + "/x"))
        _ = try await client.send(HTTPClientRequest(method: "POST", url: server.baseURL + "/y"))
        let requests = server.requests
        #expect(requests.map(\.method) == ["DELETE", "POST"])
        #expect(requests.allSatisfy { $0.body.isEmpty })
    }

    @Test func requestHeadersArrive() async throws {
        let server = try ScriptedServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let client = try HTTPClient()
        _ = try await client.send(
            HTTPClientRequest(
                url: server.baseURL, headers: ["Authorization": "Bearer sekrit", "X-Custom": "v 1", "X-Empty": ""]))
        let request = try #require(server.requests.first)
        #expect(request.headers["authorization"] == "Bearer sekrit")
        #expect(request.headers["X-Custom"] == "v 1")
        #expect(request.headers["X-Empty"] == "")
    }

    @Test func headerDescriptionRedactsCredentials() {
        let headers: HTTPHeaders = ["Authorization": "Bearer sekrit", "Accept": "*/*"]
        #expect(!headers.description.contains("sekrit"))
        #expect(headers.description.contains("Accept: */*"))
        let request = HTTPClientRequest(url: "https://example.com/", headers: headers)
        #expect(!request.description.contains("sekrit"))
    }

    @Test func headerInjectionIsRefused() async throws {
        let client = try HTTPClient()
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:1/", headers: ["X-A": "a\r\nX-B: b"]))
        }
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPClientRequest(url: "file:///etc/passwd"))
        }
    }

    @Test func multipartFieldsReachTheServer() async throws {
        let server = try ScriptedServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let client = try HTTPClient()
        var form = MultipartForm()
        form.append("id", "image-1")
        form.append("metadata", #"{"a":"b\"c"}"#)
        form.append("we\"ird\r\nname", "value\r\n--not-a-boundary")
        let file = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        form.append("file", filename: "pic \"1\".png", contentType: "image/png", data: file)
        _ = try await client.send(
            HTTPClientRequest(method: "POST", url: server.baseURL + "/upload", body: .multipart(form)))
        let request = try #require(server.requests.first)
        let parts = try #require(request.formParts)
        #expect(parts.map(\.name) == ["id", "metadata", "we\"ird\r\nname", "file"])
        #expect(request.formFields["id"] == "image-1")
        #expect(request.formFields["metadata"] == #"{"a":"b\"c"}"#)
        #expect(request.formFields["we\"ird\r\nname"] == "value\r\n--not-a-boundary")
        #expect(parts[3].filename == "pic \"1\".png")
        #expect(parts[3].contentType == "image/png")
        #expect(parts[3].data == file)
    }

    @Test func redirectsAreNotFollowed() async throws {
        let server = try ScriptedServer { _ in .respond(status: 302, headers: [("Location", "/elsewhere")]) }
        defer { server.stop() }
        let client = try HTTPClient()
        let response = try await client.send(HTTPClientRequest(url: server.baseURL + "/start"))
        #expect(response.status == 302)
        #expect(response.headers["location"] == "/elsewhere")
        #expect(server.requests.count == 1)
    }

    @Test func maxResponseBytesBoundsTheBody() async throws {
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        let server = try ScriptedServer { request in
            .respond(status: 200, body: request.path == "/small" ? Array(body.prefix(1000)) : body)
        }
        defer { server.stop() }
        let client = try HTTPClient()
        var exact = HTTPClientRequest(url: server.baseURL + "/small")
        exact.maxResponseBytes = 1000
        #expect(try await client.send(exact).body == Array(body.prefix(1000)))
        var large = HTTPClientRequest(url: server.baseURL + "/large")
        large.maxResponseBytes = 1000
        await #expect(throws: HTTPClientError.responseTooLarge(limit: 1000)) { _ = try await client.send(large) }
    }

    @Test func decompressionCanBeTurnedOff() async throws {
        let notGzip = Array("not really gzip".utf8)
        let server = try ScriptedServer { _ in
            .respond(status: 200, headers: [("Content-Encoding", "gzip")], body: notGzip)
        }
        defer { server.stop() }
        let client = try HTTPClient()
        var raw = HTTPClientRequest(url: server.baseURL + "/raw")
        raw.decompressesResponse = false
        #expect(try await client.send(raw).body == notGzip)
        #expect(server.requests.first?.headers["Accept-Encoding"] == nil)
        // By default libcurl asks for compressed bodies and decodes them (so this one fails to decode).
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPClientRequest(url: server.baseURL))
        }
        #expect(server.requests.last?.headers["Accept-Encoding"] != nil)
    }

    @Test func connectTargetPinsTheConnection() async throws {
        let server = try ScriptedServer { _ in .text(200, "pinned") }
        defer { server.stop() }
        let client = try HTTPClient()
        // The host does not resolve; the pinned address and port are used instead.
        var request = HTTPClientRequest(url: "http://pinned.invalid:9/x")
        request.connectTarget = .init(address: "127.0.0.1", port: Int(server.port))
        #expect(try await client.send(request).bodyText == "pinned")
        #expect(try await client.send(request).bodyText == "pinned")
        #expect(server.requests.first?.headers["Host"] == "pinned.invalid:9")
        // Pinned transfers never reuse a connection.
        #expect(server.acceptedConnections == 2)
        request.connectTarget = .init(address: "127.0.0.1:80\r\nX", port: 80)
        await #expect(throws: HTTPClientError.self) { _ = try await client.send(request) }
        request.connectTarget = .init(address: "127.0.0.1", port: 0)
        await #expect(throws: HTTPClientError.self) { _ = try await client.send(request) }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try ScriptedServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let client = try HTTPClient()
        for i in 0..<10 {
            let response = try await client.send(HTTPClientRequest(url: server.baseURL + "/\(i)"))
            #expect(response.status == 200)
        }
        #expect(server.requests.count == 10)
        #expect(server.acceptedConnections == 1)
    }

    @Test func threeHundredConcurrentRequestsShareOneThread() async throws {
        let release = Gate()
        let server = try ScriptedServer { request in
            // Hold every answer until all requests have arrived, so they are truly in flight together. The 300
            // connection threads block on a condition (polling them every few milliseconds cost the machine more
            // than the requests did, and on a loaded machine kept the last ones from arriving in time).
            release.wait(until: Date().addingTimeInterval(30))
            return .respond(status: 200, body: Array(request.path.utf8))
        }
        defer { server.stop() }
        let threadName = "cfi-hc-\(UInt16.random(in: 1000...9999))"
        let client = try HTTPClient(
            configuration: .init(maxConnectionsPerHost: 0, maxCachedConnections: 300, threadName: threadName))
        let count = 300
        let peak = LockedBox(0)
        try await withThrowingTaskGroup(of: (Int, HTTPClientResponse).self) { group in
            for i in 0..<count {
                group.addTask { (i, try await client.send(HTTPClientRequest(url: server.baseURL + "/r\(i)"))) }
            }
            let allArrived = await eventually(timeout: .seconds(30)) { server.requests.count == count }
            peak.update { $0 = threadCount(named: threadName) }
            release.open()
            #expect(allArrived)
            var seen = Set<Int>()
            for try await (i, response) in group {
                #expect(response.status == 200)
                #expect(response.bodyText == "/r\(i)")
                seen.insert(i)
            }
            #expect(seen.count == count)
        }
        // Every transfer is driven by this client's one named thread. (Counting all threads would be unreliable:
        // other suites run in parallel and start threads of their own.)
        #expect(peak.current == 1)
    }

    @Test func refusedConnectionIsConnectFailed() async throws {
        let client = try HTTPClient()
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        await #expect {
            _ = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        } throws: { error in
            guard case .connectFailed(let message) = error as? HTTPClientError else { return false }
            return !message.isEmpty
        }
    }

    @Test func hangingServerTimesOut() async throws {
        let server = try ScriptedServer { _ in .hang }
        defer { server.stop() }
        let client = try HTTPClient()
        let started = ContinuousClock.now
        await #expect {
            _ = try await client.send(HTTPClientRequest(url: server.baseURL, timeout: .milliseconds(300)))
        } throws: { error in
            if case .timeout = error as? HTTPClientError { return true }
            return false
        }
        // A generous bound: the point is that the call ends, not how fast.
        #expect(ContinuousClock.now - started < .seconds(90))
    }

    @Test func midResponseCloseIsATransportError() async throws {
        let server = try ScriptedServer { _ in .closeMidResponse }
        defer { server.stop() }
        let client = try HTTPClient()
        await #expect {
            _ = try await client.send(HTTPClientRequest(url: server.baseURL))
        } throws: { error in
            if case .transport(let code, let message) = error as? HTTPClientError {
                return code != 0 && !message.isEmpty
            }
            return false
        }
    }

    @Test func cancellationRemovesTheTransfer() async throws {
        let server = try ScriptedServer { _ in .hang }
        defer { server.stop() }
        let client = try HTTPClient()
        let task = Task { try await client.send(HTTPClientRequest(url: server.baseURL, timeout: .seconds(30))) }
        #expect(await eventually { server.requests.count == 1 })
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        // The connection is closed rather than left waiting for the answer.
        #expect(await eventually { server.liveConnections == 0 })
    }

    @Test func cancelledBeforeSendingNeverConnects() async throws {
        let server = try ScriptedServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let client = try HTTPClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(HTTPClientRequest(url: server.baseURL))
        }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(server.acceptedConnections == 0)
    }
}

/// A one-way gate the fixture server's connection threads wait at until the test opens it.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func wait(until deadline: Date) {
        condition.lock()
        defer { condition.unlock() }
        while !isOpen, condition.wait(until: deadline) {}
    }

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }
}
