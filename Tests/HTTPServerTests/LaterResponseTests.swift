import Foundation
import HTTPFields
import HTTPServer
import Logging
import TestSupport
import Testing

/// Answers that are not ready when the handler returns (``Response/later(_:)``): sent once ready, through the same
/// error boundary and finisher as a handler's, in order on a kept-alive connection; shutdown cancels them past its grace period.
@Suite struct LaterResponseTests {
    struct Plain: Error {}

    /// `/armed` registers its callback in `armed` (withdrawals are counted in `withdrawn`) and answers with the value
    /// it is called with (each recorded in `produced`).
    /// `/ready` answers later with a mapped header; `/missing` throws a 404 later; `/broken` throws an error the
    /// part's reporter answers with a 503; `/held` waits until cancelled. A finisher marks every answer.
    static func responder(
        released: LockedBox<Bool>, cancelled: LockedBox<Bool>,
        armed: LockedBox<(@Sendable (String) -> Void)?> = LockedBox(nil), withdrawn: LockedBox<Int> = LockedBox(0),
        produced: LockedBox<[String]> = LockedBox([])
    ) -> Responder {
        let part = Responder(unhandledError: { _ in HTTPError(.serviceUnavailable, "Try again.").response }) {
            request in
            switch request.path {
            case "/ready":
                return Response.later {
                    for _ in 0..<1_000 where !released.current { try await Task.sleep(for: .milliseconds(5)) }
                    return .text(.ok, "ready")
                }.map { response in
                    var response = response
                    response.headers["X-Mapped"] = "yes"
                    return response
                }
            case "/armed":
                return Response.later { ready in
                    armed.update { $0 = ready }
                    return {
                        withdrawn.update { $0 += 1 }
                        ready("withdrawn")
                    }
                } _: { (value: String) in
                    produced.update { $0.append(value) }
                    if value == "throw" { throw HTTPError(.conflict, "Thrown later.") }
                    return .text(.ok, value)
                }
            case "/missing":
                return .later { throw HTTPError(.notFound, "Not here.") }
            case "/broken":
                return .later { throw Plain() }
            case "/held":
                return .later {
                    await withTaskCancellationHandler {
                        for _ in 0..<6_000 where !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                    } onCancel: {
                        cancelled.update { $0 = true }
                    }
                    return .text(.ok, "late")
                }
            default:
                return .text(.ok, "now")
            }
        }
        let mounted = Responder.mounting([.init(claiming: { _ in true }, part)], otherwise: Responder { _ in .empty() })
        return Responder(
            unhandledError: mounted.unhandledError,
            finisher: { _, response in
                response.headers["X-Finished"] = "yes"
            }, handler: mounted.handler)
    }

    @Test func aLaterAnswerIsMappedFinishedAndKeepsTheConnectionsOrder() async throws {
        let released = LockedBox(false)
        let responder = Self.responder(released: released, cancelled: LockedBox(false))
        try await withServer(responder: responder) { _, port in
            let (first, second) = try await blocking { [released] () throws -> (RawResponse, RawResponse) in
                let client = try TestClient(port: port, timeout: 20)
                // Pipelined: the second answer waits for the first, which waits for the release.
                client.send("GET /ready HTTP/1.1\r\nHost: x\r\n\r\nGET /now HTTP/1.1\r\nHost: x\r\n\r\n")
                Thread.sleep(forTimeInterval: 0.2)
                released.update { $0 = true }
                return (try client.readResponse(), try client.readResponse())
            }
            #expect(first.status == 200)
            #expect(first.bodyText == "ready")
            #expect(first.header("X-Mapped") == "yes")
            #expect(first.header("X-Finished") == "yes")
            #expect(first.header("Content-Length") == "5")
            #expect(second.bodyText == "now")
            #expect(second.header("X-Finished") == "yes")
        }
    }

    @Test func whatALaterAnswerThrowsIsMappedByTheBoundary() async throws {
        let responder = Self.responder(released: LockedBox(true), cancelled: LockedBox(false))
        try await withServer(responder: responder) { _, port in
            let missing = try await RawClient.exchange(
                port: port, RawClient.request(Array("GET /missing HTTP/1.1".utf8)))
            #expect(missing.status == 404)
            #expect(missing.bodyText.contains("Not here."))
            #expect(missing.head.contains("X-Finished: yes"))
            let broken = try await RawClient.exchange(port: port, RawClient.request(Array("GET /broken HTTP/1.1".utf8)))
            #expect(broken.status == 503)
            #expect(broken.head.contains("X-Finished: yes"))
        }
    }

    /// A held answer is the connection's work in flight: shutdown waits for it through the grace period, then
    /// cancels it.
    @Test func shutdownCancelsALaterAnswerPastTheGracePeriod() async throws {
        let cancelled = LockedBox(false)
        let responder = Self.responder(released: LockedBox(true), cancelled: cancelled)
        let server = HTTPServer(
            configuration: testConfiguration(grace: .milliseconds(300)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), responder: responder)
        try server.start()
        let port = server.localPort
        let reply = Task {
            try await RawClient.exchange(port: port, RawClient.request(Array("GET /held HTTP/1.1".utf8)))
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!cancelled.current)
        await server.shutdown()
        #expect(await eventually(timeout: .seconds(20)) { cancelled.current })
        _ = try? await reply.value
    }

    @Test func respondingWithoutAServerResolvesALaterAnswer() async throws {
        let responder = Self.responder(released: LockedBox(true), cancelled: LockedBox(false))
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let ready = await responder.respond(to: Request(method: .get, target: "/ready"), logger: logger)
        #expect(ready.pending == nil)
        #expect(ready.body == Array("ready".utf8))
        #expect(ready.headers["X-Mapped"] == "yes")
        #expect(ready.headers["X-Finished"] == "yes")
        let missing = await responder.respond(to: Request(method: .get, target: "/missing"), logger: logger)
        #expect(missing.status == .notFound)
    }

    /// An armed answer waits for its callback (no task meanwhile), takes the first value it is called with, and goes
    /// through the boundary and the finisher like any other; in-process responding waits for the callback too.
    @Test func anArmedAnswerIsSentWhenItsCallbackComes() async throws {
        let armed = LockedBox<(@Sendable (String) -> Void)?>(nil)
        let responder = Self.responder(released: LockedBox(true), cancelled: LockedBox(false), armed: armed)
        try await withServer(responder: responder) { server, port in
            let reply = Task {
                try await RawClient.exchange(port: port, RawClient.request(Array("GET /armed HTTP/1.1".utf8)))
            }
            #expect(await eventually(timeout: .seconds(20)) { armed.current != nil })
            #expect(server.stats.inFlightRequests == 1)
            let ready = try #require(armed.current)
            ready("first")
            ready("second")
            let answer = try await reply.value
            #expect(answer.status == 200)
            #expect(answer.bodyText == "first")
            #expect(answer.head.contains("X-Finished: yes"))
            #expect(await eventually(timeout: .seconds(20)) { server.stats.inFlightRequests == 0 })

            armed.update { $0 = nil }
            let failing = Task {
                try await RawClient.exchange(port: port, RawClient.request(Array("GET /armed HTTP/1.1".utf8)))
            }
            #expect(await eventually(timeout: .seconds(20)) { armed.current != nil })
            armed.current?("throw")
            let thrown = try await failing.value
            #expect(thrown.status == 409)
            #expect(thrown.head.contains("X-Finished: yes"))
        }
        armed.update { $0 = nil }
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let inProcess = Task { await responder.respond(to: Request(method: .get, target: "/armed"), logger: logger) }
        #expect(await eventually(timeout: .seconds(20)) { armed.current != nil })
        armed.current?("in process")
        let answer = await inProcess.value
        #expect(answer.pending == nil && answer.armed == nil)
        #expect(answer.body == Array("in process".utf8))
        #expect(answer.headers["X-Finished"] == "yes")
    }

    /// A client that closes its connection (or only its sending side) while an armed answer waits is gone: the
    /// registration is withdrawn at once, the answer is never produced, and the request stops counting as in flight.
    @Test(arguments: [false, true])
    func aClientThatLeavesWithdrawsTheWait(halfClose: Bool) async throws {
        let armed = LockedBox<(@Sendable (String) -> Void)?>(nil)
        let withdrawn = LockedBox(0)
        let produced = LockedBox<[String]>([])
        let responder = Self.responder(
            released: LockedBox(true), cancelled: LockedBox(false), armed: armed, withdrawn: withdrawn,
            produced: produced)
        try await withServer(responder: responder) { server, port in
            try await blocking {
                let client = try TestClient(port: port, timeout: 20)
                client.send("GET /armed HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(waitUntil(20) { armed.current != nil })
                #expect(withdrawn.current == 0)
                if halfClose { client.shutdownWrite() } else { Glibc.shutdown(client.fd, Int32(SHUT_RDWR)) }
                #expect(waitUntil(20) { withdrawn.current == 1 && server.stats.inFlightRequests == 0 })
                if halfClose { #expect(client.isClosed()) }
            }
            armed.current?("too late")
            #expect(withdrawn.current == 1)
            #expect(produced.current.isEmpty)
        }
    }
}
