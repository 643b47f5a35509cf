import Foundation
import HTTPFields
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

extension ServerTests {
    /// The immediate handler answers on the loop thread; whatever it declines goes to the async handler.
    @Suite("Immediate handler") struct ImmediateHandlerBehaviour {
        final class Calls: Sendable {
            let count = Atomic(0)
        }

        /// Answers `/fast/...` at once (echoing the path), declines the rest.
        static func fastPaths(_ calls: Calls) -> ImmediateHandler {
            { request in
                calls.count.add(1, ordering: .relaxed)
                guard request.path.hasPrefix("/fast/") else { return nil }
                var response = Response.text(.ok, "now \(request.path)")
                response.headers["X-Loop"] = EventLoop.currentThreadName()
                return response
            }
        }

        @Test func answersAtOnceOrDeclinesToTheHandler() async throws {
            let calls = Calls()
            try await withServer(immediate: Self.fastPaths(calls)) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send("GET /fast/one HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc-123\r\n\r\n")
                    let fast = try client.readResponse()
                    #expect(fast.status == 200)
                    #expect(fast.bodyText == "now /fast/one")
                    #expect(fast.header("X-Loop")?.hasPrefix("http-loop-") == true)
                    #expect(fast.header("X-Request-ID") == "abc-123")
                    #expect(fast.header("Content-Length") == String(fast.body.count))
                    #expect(fast.header("Date") != nil)

                    client.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody")
                    let slow = try client.readResponse()
                    #expect(slow.bodyText == "body")
                    #expect(slow.header("X-Path") == "/slow")

                    client.send("HEAD /fast/two HTTP/1.1\r\nHost: x\r\n\r\n")
                    let head = try client.readResponse(head: true)
                    #expect(head.status == 200)
                    #expect(head.body.isEmpty)
                    #expect(head.header("Content-Length") == String("now /fast/two".utf8.count))
                }
            }
            #expect(calls.count.load(ordering: .relaxed) == 3)
        }

        /// A long pipelined burst of immediate answers, mixed with declined ones, comes back complete and in order
        /// (answers given at once loop rather than recurse, so the depth of a burst cannot exhaust the stack; the
        /// answers exceed the output high-water mark many times over, so input held back resumes after each flush).
        @Test func pipelinedBurstIsAnsweredInOrder() async throws {
            let calls = Calls()
            try await withServer(immediate: Self.fastPaths(calls)) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    let count = 20_000
                    var burst = ""
                    for i in 0..<count {
                        burst +=
                            i % 1_000 == 999
                            ? "GET /slow/\(i) HTTP/1.1\r\nHost: x\r\n\r\n"
                            : "GET /fast/\(i) HTTP/1.1\r\nHost: x\r\n\r\n"
                    }
                    client.send(burst)
                    for i in 0..<count {
                        let response = try client.readResponse()
                        let expected = i % 1_000 == 999 ? "GET /slow/\(i)" : "now /fast/\(i)"
                        guard response.bodyText == expected else {
                            Issue.record("response \(i): \(response.bodyText)")
                            return
                        }
                    }
                }
            }
        }

        /// More connections with an answer ready in one loop iteration than a flush batch holds: all are answered,
        /// repeatedly, each with its own response.
        @Test func manyConnectionsAnsweredInOneIteration() async throws {
            let calls = Calls()
            try await withServer(immediate: Self.fastPaths(calls)) { _, port in
                try await blocking {
                    let clients = try (0..<40).map { _ in try TestClient(port: port) }
                    for round in 0..<5 {
                        for (i, client) in clients.enumerated() {
                            client.send("GET /fast/\(round)/\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
                        }
                        for (i, client) in clients.enumerated() {
                            #expect(try client.readResponse().bodyText == "now /fast/\(round)/\(i)")
                        }
                    }
                }
            }
            #expect(calls.count.load(ordering: .relaxed) == 200)
        }

        @Test func connectionCloseIsHonouredAfterAnImmediateAnswer() async throws {
            let calls = Calls()
            try await withServer(immediate: Self.fastPaths(calls)) { _, port in
                try await blocking {
                    let client = try TestClient(port: port)
                    client.send(
                        "GET /fast/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /fast/never HTTP/1.1\r\nHost: x\r\n\r\n"
                    )
                    let response = try client.readResponse()
                    #expect(response.bodyText == "now /fast/last")
                    #expect(response.header("Connection") == "close")
                    #expect(client.readAll().isEmpty)
                }
            }
            #expect(calls.count.load(ordering: .relaxed) == 1)
        }
    }
}

@Suite struct HandlerSlotTests {
    @Test func answers503UntilSetThenTheHandlers() async throws {
        let slot = HandlerSlot()
        let served = slot.responder
        var request = Request(method: .get, target: "/x")
        #expect(try await served.handler(request).status == .serviceUnavailable)
        #expect(served.immediate?(&request) == nil)
        slot.set(Responder(immediate: { _ in .text(.ok, "now") }) { _ in .text(.ok, "later") })
        #expect(try await served.handler(request).body == Array("later".utf8))
        #expect(served.immediate?(&request)?.body == Array("now".utf8))
    }

    @Test func settingTwiceTraps() async {
        await #expect(processExitsWith: .failure) {
            let slot = HandlerSlot()
            slot.set(Responder { _ in .empty() })
            slot.set(Responder { _ in .empty() })
        }
    }
}
