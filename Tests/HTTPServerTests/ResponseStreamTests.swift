import Foundation
import HTTPFields
import HTTPServer
import Logging
import TestSupport
import Testing

/// Bodies sent as they are produced (``ResponseStream``): head at once with no `Content-Length`, chunks as written,
/// the close ends the body; HEAD gets the head only; a client that goes away stops the producer.
@Suite struct ResponseStreamTests {
    static func streaming(_ produce: @escaping @Sendable (ResponseStream.Writer) async -> Void) -> Handler {
        { _ in .eventStream(produce) }
    }

    @Test func chunksArriveAsWrittenAndTheCloseEndsTheBody() async throws {
        let released = LockedBox(false)
        let handler = Self.streaming { writer in
            writer.write(Array("event: a\ndata: 1\n\n".utf8))
            for _ in 0..<1_000 where !released.current { try? await Task.sleep(for: .milliseconds(10)) }
            writer.write(Array("event: b\ndata: 2\n\n".utf8))
        }
        try await withServer(handler: handler) { _, port in
            // The first chunk is out while the producer is still at work.
            let (first, rest) = try await blocking { [released] () throws -> (String, String) in
                let client = try TestClient(port: port)
                client.send(RawClient.request(Array("GET /events HTTP/1.1".utf8)))
                let first = String(decoding: client.read(until: "data: 1\n\n"), as: UTF8.self)
                released.update { $0 = true }
                return (first, String(decoding: client.readAll(), as: UTF8.self))
            }
            #expect(first.contains("event: a"))
            #expect(!first.contains("event: b"))
            #expect(rest == "event: b\ndata: 2\n\n")
            released.update { $0 = false }
            let reply = Task {
                try await RawClient.exchange(port: port, RawClient.request(Array("GET /events HTTP/1.1".utf8)))
            }
            try await Task.sleep(for: .milliseconds(100))
            released.update { $0 = true }
            let whole = try await reply.value
            #expect(whole.status == 200)
            #expect(whole.head.contains("Content-Type: text/event-stream"))
            #expect(!whole.head.lowercased().contains("content-length"))
            #expect(whole.head.contains("Connection: close"))
            #expect(whole.bodyText == "event: a\ndata: 1\n\nevent: b\ndata: 2\n\n")
        }
    }

    @Test func headGetsTheHeadOnlyAndNoProducerRuns() async throws {
        let ran = LockedBox(false)
        let handler = Self.streaming { writer in
            ran.update { $0 = true }
            writer.write(Array("data: x\n\n".utf8))
        }
        try await withServer(handler: handler) { _, port in
            let reply = try await RawClient.exchange(port: port, RawClient.request(Array("HEAD /events HTTP/1.1".utf8)))
            #expect(reply.status == 200)
            #expect(reply.body.isEmpty)
            #expect(!ran.current)
        }
    }

    @Test func aClientThatLeavesStopsTheProducer() async throws {
        let stopped = LockedBox(false)
        let handler = Self.streaming { writer in
            while writer.write(Array(": tick\n\n".utf8)) {
                try? await Task.sleep(for: .milliseconds(20))
            }
            stopped.update { $0 = true }
        }
        try await withServer(handler: handler) { _, port in
            try await blocking {
                let client = try TestClient(port: port)
                client.send(RawClient.request(Array("GET /events HTTP/1.1".utf8)))
                _ = client.read(until: "tick")
            }
            #expect(await eventually(timeout: .seconds(10)) { stopped.current })
            // The server still answers.
            let reply = try await RawClient.exchange(port: port, RawClient.request(Array("HEAD /x HTTP/1.1".utf8)))
            #expect(reply.status == 200)
        }
    }

    @Test func shutdownEndsAStreamWithWhatItWrote() async throws {
        let handler = Self.streaming { writer in
            writer.write(Array("data: first\n\n".utf8))
            while writer.isOpen { try? await Task.sleep(for: .milliseconds(20)) }
        }
        let configuration = testConfiguration(grace: .seconds(5))
        let server = HTTPServer(
            configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            responder: Responder(handler: handler))
        try server.start()
        let port = server.localPort
        let reply = Task { try await RawClient.exchange(port: port, RawClient.request(Array("GET /e HTTP/1.1".utf8))) }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        await server.shutdown()
        // A bound, not a speed figure: the stream does not hold the shutdown for its grace period.
        #expect(ContinuousClock.now - started < .seconds(4))
        #expect(try await reply.value.bodyText == "data: first\n\n")
    }
}
