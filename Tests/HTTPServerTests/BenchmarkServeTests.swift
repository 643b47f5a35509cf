import Foundation
import Logging
import Testing
import HTTPServer

/// Not a test: with `HTTPSERVER_BENCH_PORT=8089 HTTPSERVER_BENCH_SECONDS=20` set, serves a small JSON GET on that
/// port for that long so a load generator (wrk) can be pointed at it. Skipped otherwise.
@Test(.enabled(if: ProcessInfo.processInfo.environment["HTTPSERVER_BENCH_PORT"] != nil))
func serveForBenchmark() async throws {
    let environment = ProcessInfo.processInfo.environment
    let port = Int(environment["HTTPSERVER_BENCH_PORT"] ?? "") ?? 8089
    let seconds = Int(environment["HTTPSERVER_BENCH_SECONDS"] ?? "") ?? 20
    let body = Array(#"{"id":"2cdc28f0-017a-49c4-9ed7-87056c83901","uploaded":true}"#.utf8)
    let router = Router { routes in
        routes.get("/images/:id") { _ in .json(.ok, bytes: body) }
    }
    let configuration = HTTPServer.Configuration(port: port, eventLoopCount: 2, accessLog: false)
    let server = HTTPServer(configuration: configuration, logger: Logger(label: "bench"), handler: router.respond)
    try server.start()
    try await Task.sleep(for: .seconds(seconds))
    await server.shutdown()
}
