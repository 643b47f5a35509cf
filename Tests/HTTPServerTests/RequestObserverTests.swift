import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// The per-request observer: method, status, route pattern (never the raw path) and a duration, over loopback.
@Suite struct RequestObserverTests {
    final class Recorder: Sendable {
        let events = Mutex<[CompletedRequest]>([])
        func record(_ event: CompletedRequest) { events.withLock { $0.append(event) } }
        var all: [CompletedRequest] { events.withLock { $0 } }
    }

    static let router = Router(prefix: "/p") { r in
        r.get("/items/:id") { _ in .text(.ok, "item") }
        r.delete("/items/:id") { _ in throw HTTPError(.forbidden, "no") }
        r.get("/files/*path") { _ in .text(.ok, "file") }
    }

    func withObservedServer(_ body: (Int, Recorder) async throws -> Void) async throws {
        let recorder = Recorder()
        let server = HTTPServer(
            configuration: testConfiguration(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            observer: { recorder.record($0) }, handler: Self.router.respond)
        try server.start()
        do {
            try await body(server.localPort, recorder)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func reportsRoutePatternsNotPaths() async throws {
        try await withObservedServer { port, recorder in
            let statuses = try await blocking { () -> [Int] in
                let client = try TestClient(port: port)
                var statuses: [Int] = []
                for request in [
                    "GET /p/items/42/ HTTP/1.1", "GET /p/items/43 HTTP/1.1", "DELETE /p/items/1/ HTTP/1.1",
                    "POST /p/items/1/ HTTP/1.1", "GET /p/files/a/b/c.png HTTP/1.1", "GET /nowhere HTTP/1.1",
                    "HEAD /p/items/7/ HTTP/1.1",
                ] {
                    client.send(request + "\r\nHost: x\r\n\r\n")
                    statuses.append(try client.readResponse(head: request.hasPrefix("HEAD")).status)
                }
                return statuses
            }
            #expect(statuses == [200, 200, 403, 405, 200, 404, 200])
            #expect(await eventually { recorder.all.count == 7 })
            let events = recorder.all
            #expect(
                events.map(\.routePattern) == [
                    "/p/items/{id}/", "/p/items/{id}/", "/p/items/{id}/", "/p/items/{id}/", "/p/files/{path}/", nil,
                    "/p/items/{id}/",
                ])
            #expect(events.map(\.method.rawValue) == ["GET", "GET", "DELETE", "POST", "GET", "GET", "HEAD"])
            #expect(events.map(\.status) == statuses)
            #expect(events.allSatisfy { $0.durationNanoseconds > 0 })
        }
    }

    @Test func parseErrorsAreReportedWithoutMethodOrRoute() async throws {
        try await withObservedServer { port, recorder in
            let status = try await blocking {
                let client = try TestClient(port: port)
                client.send("NOT A REQUEST\r\n\r\n")
                return try client.readResponse().status
            }
            #expect(status == 400)
            #expect(await eventually { recorder.all.count == 1 })
            let event = try #require(recorder.all.first)
            #expect(event.method.rawValue == "-")
            #expect(event.status == 400)
            #expect(event.routePattern == nil)
        }
    }

    @Test func routeTableUsesTheSamePatterns() {
        #expect(Self.router.routeTable.map(\.pattern) == ["/p/items/{id}/", "/p/items/{id}/", "/p/files/{path}/"])
        #expect(Router { r in r.get("/") { _ in .empty() } }.routeTable.map(\.pattern) == ["/"])
    }
}
