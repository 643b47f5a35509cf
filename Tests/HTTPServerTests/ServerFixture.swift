import HTTPFields
import HTTPServer
import Logging

/// Echoes method, path, query and body; `/slow` sleeps first; `/big` returns 4 MiB.
let echoHandler: Handler = { request in
    if request.path == "/slow" { try await Task.sleep(for: .milliseconds(150)) }
    if request.path == "/big" { return Response(body: [UInt8](repeating: 0x61, count: 4 << 20)) }
    if request.path == "/hello" { return .text(.ok, "hello") }
    var response = Response(
        status: .ok, body: request.body.isEmpty ? Array("\(request.method) \(request.path)".utf8) : request.body)
    response.headers["X-Path"] = request.path
    response.headers["X-Seen-Request-ID"] = request.requestID
    return response
}

func testConfiguration(
    maxConnections: Int = 16_384, timeouts: Duration = .seconds(10), grace: Duration = .seconds(5),
    accessLog: Bool = false, maxBodyBytes: Int = 1 << 20
) -> HTTPServer.Configuration {
    HTTPServer.Configuration(
        eventLoopCount: 2, maxRequestLineLength: 1024, maxHeaderBytes: 4096, maxHeaderCount: 20,
        maxBodyBytes: maxBodyBytes, headerTimeout: timeouts, bodyTimeout: timeouts, idleTimeout: timeouts,
        maxConnections: maxConnections, shutdownGracePeriod: grace, accessLog: accessLog
    )
}

/// Starts a server on an ephemeral port, runs `body`, and always shuts the server down.
func withServer(
    _ configuration: HTTPServer.Configuration = testConfiguration(),
    logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
    immediate: ImmediateHandler? = nil,
    handler: @escaping Handler = echoHandler,
    responder: Responder? = nil,
    _ body: (HTTPServer, Int) async throws -> Void
) async throws {
    let server = HTTPServer(
        configuration: configuration, logger: logger,
        responder: responder ?? Responder(immediate: immediate, handler: handler))
    try server.start()
    do {
        try await body(server, server.localPort)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}
