import Foundation
import HTTPServer
import Logging
import PeerRecords

// Scenario 1 on cfimages's own HTTPServer with nothing else of the service (no database, no API module): what the
// HTTP framework costs, measured the way the Hummingbird and FlyingFox peers are. A router, a token check, the
// record encoded with `JSONEncoder` per request.
let settings = PeerSettings()
let authorization = settings.authorization
let records = settings.records

let router = Router { routes in
    routes.get("/cloudflare-images/api/images/:id") { request in
        guard request.headers["Authorization"] == authorization else {
            return .json(.unauthorized, bytes: Array(#"{"detail":"Invalid token."}"#.utf8))
        }
        guard let record = request.pathParameters["id"].flatMap({ records[$0] }) else {
            return .json(.notFound, bytes: Array(#"{"detail":"No CloudflareImage matches the given query."}"#.utf8))
        }
        return .json(.ok, bytes: Array(try JSONEncoder().encode(record)))
    }
}

var logger = Logger(label: "httpserver-peer")
logger.logLevel = .warning
let server = HTTPServer(
    configuration: .init(host: settings.host, port: settings.port, eventLoopCount: 2, accessLog: false),
    logger: logger, responder: router.responder)
try server.start()
// Serves until the harness stops the process.
while true { try await Task.sleep(for: .seconds(3600)) }
