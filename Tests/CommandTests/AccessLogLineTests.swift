import Foundation
import HTTPServer
import Logging
import Testing

@testable import LogOutput

#if canImport(Glibc)
    import Glibc
#endif

/// The direct access-log writer must give exactly the line the log handler gives for the server's default call.
@Suite struct AccessLogLineTests {
    static let entries = [
        AccessLogEntry(
            method: .get, path: "/cloudflare-images/api/images/0b6f6c5e-8a55-4f7e-9c47-2f1c1f4f0a11/", status: 200,
            bytes: 1234, durationNanoseconds: 453_999, requestID: "b88cea19479efa2d2688951a4c0052db"),
        AccessLogEntry(
            method: HTTPMethod(rawValue: "-"), path: "-", status: 400, bytes: 0, durationNanoseconds: 12_345_678_901,
            requestID: "r"),
        AccessLogEntry(method: .post, path: "/", status: 503, bytes: 25, durationNanoseconds: 0, requestID: ""),
        AccessLogEntry(
            method: .get, path: "/a\r\nINFO forged: line\u{1B}[31m", status: 404, bytes: 9, durationNanoseconds: 1,
            requestID: "id\n\u{7F}\t"),
    ]

    @Test(arguments: entries)
    func sameLineAsTheLogHandler(_ entry: AccessLogEntry) throws {
        let viaHandler = try captured { sink in
            var logger = Logger(label: "cfimages") { BufferedLogHandler(label: $0, sink: sink) }
            logger.logLevel = .info
            // What the server logs when no writer is installed.
            entry.log(to: logger)
        }
        let direct = try captured { sink in AccessLogLine.writer(label: "cfimages", sink: sink)(entry) }
        #expect(direct == viaHandler)
        #expect(direct.hasSuffix(" [HTTPServer] request\n"))
        #expect(direct.filter { $0 == "\n" || $0 == "\r\n" }.count == 1, "one line: \(direct.debugDescription)")
    }

    @Test func clientTextCannotForgeALine() throws {
        let text = try captured { sink in
            var logger = Logger(label: "cfimages.api") { BufferedLogHandler(label: $0, sink: sink) }
            logger.logLevel = .info
            logger.warning(
                "Received webhook for\nunknown image",
                metadata: [
                    "cloudflare_id": "x\r\n2026-01-01T00:00:00+0000 info cfimages.api: forged", "k\n": "\u{0}\u{1B}",
                ])
        }
        #expect(text.utf8.filter { $0 == 0x0A }.count == 1, "\(text.debugDescription)")
        #expect(!text.utf8.contains(0x0D) && !text.utf8.contains(0x1B) && !text.utf8.contains(0))
        #expect(text.contains(#"cloudflare_id=x\r\n2026"#) && text.contains(#"for\nunknown"#))
    }

    /// Runs `body` with a sink on a pipe and returns what reached the pipe.
    private func captured(_ body: (LogSink) -> Void) throws -> String {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let sink = LogSink(fd: fds[1])
        body(sink)
        sink.flush()
        close(fds[1])
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension AccessLogEntry: CustomTestStringConvertible {
    public var testDescription: String { "\(method.rawValue) \(path) \(status)" }
}
