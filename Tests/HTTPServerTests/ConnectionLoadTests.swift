import Foundation
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

extension ServerTests {
    @Suite("Idle sockets, slow bodies and the connection cap") struct ConnectionLoad {
        static let idleCount = 2_000
        static let slowCount = 50
        static let slowLength = 500_000
        /// Connections kept for normal requests below the cap.
        static let normalCount = 5

        @Test func idleConnectionsAndSlowBodiesDoNotStarveOthers() async throws {
            // The client and the server side of every connection live in this process.
            let descriptors = FileDescriptorLimit.raiseSoftToHard()
            let needed = 2 * (Self.idleCount + Self.slowCount + Self.normalCount + 1) + 256
            try #require(descriptors >= needed, "RLIMIT_NOFILE \(descriptors) < \(needed)")
            let cap = Self.idleCount + Self.slowCount + Self.normalCount
            try await withServer(testConfiguration(maxConnections: cap)) { server, port in
                try await blocking {
                    let idle = try (0..<Self.idleCount).map { _ in try TestClient(port: port, timeout: 10) }
                    let slow = try (0..<Self.slowCount).map { _ in try TestClient(port: port, timeout: 10) }
                    for client in slow {
                        client.send(
                            "POST /slow-body HTTP/1.1\r\nHost: x\r\nContent-Length: \(Self.slowLength)\r\n\r\nab")
                    }
                    #expect(waitUntil(10) { server.stats.bufferedBodyBytes == Self.slowCount * Self.slowLength })
                    let normal = try (0..<Self.normalCount).map { _ in try TestClient(port: port, timeout: 10) }
                    #expect(waitUntil(10) { server.stats.openConnections == cap })

                    // Normal requests keep succeeding, on connections that keep being reused.
                    for round in 0..<20 {
                        for (index, client) in normal.enumerated() {
                            client.send("GET /r\(round)/\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                            #expect(try client.readResponse().bodyText == "GET /r\(round)/\(index)")
                        }
                    }

                    // The connection past the cap gets a 503 and is closed; the existing ones still work.
                    let refused = try TestClient(port: port)
                    let response = try refused.readResponse()
                    #expect(response.status == 503)
                    #expect(response.header("Connection") == "close")
                    #expect(refused.isClosed())
                    for index in stride(from: 0, to: Self.idleCount, by: 97) {
                        idle[index].send("GET /idle/\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                        #expect(try idle[index].readResponse().bodyText == "GET /idle/\(index)")
                    }
                    for client in slow.prefix(2) {
                        client.send([UInt8](repeating: 0x61, count: Self.slowLength - 2))
                        #expect(try client.readResponse().body.count == Self.slowLength)
                    }
                    normal[0].send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try normal[0].readResponse().status == 200)
                    #expect(server.stats.openConnections == cap)
                    #expect(server.stats.bufferedBodyBytes == (Self.slowCount - 2) * Self.slowLength)
                }
                #expect(
                    await eventually(timeout: .seconds(10)) {
                        server.stats.openConnections == 0 && server.stats.bufferedBodyBytes == 0
                    })
            }
        }

        @Test func fileDescriptorLimitIsRaisedAndConnectionsLeaveRoom() {
            let raised = FileDescriptorLimit.raiseSoftToHard()
            #expect(raised == FileDescriptorLimit.current)
            #expect(raised == FileDescriptorLimit.attainable)
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            #expect(limit.rlim_max == rlim_t.max || rlim_t(raised) <= limit.rlim_max)
            #expect(FileDescriptorLimit.connectionAllowance(descriptors: 1_024) == 768)
            #expect(FileDescriptorLimit.connectionAllowance(descriptors: 20_000) == 18_000)
            #expect(FileDescriptorLimit.connectionAllowance(descriptors: 1_048_576) == 943_719)
            #expect(FileDescriptorLimit.connectionAllowance(descriptors: 100) == 1)
            #expect(
                HTTPServer.Configuration().maxConnections
                    == FileDescriptorLimit.connectionAllowance(descriptors: raised))
        }
    }
}
