import Foundation
import FlyingFox
import FlyingSocks
import PeerRecords

// Scenario 1 written with FlyingFox: a route, a token check, a Codable record encoded per request.

let settings = PeerSettings()
let authorization = settings.authorization
let records = settings.records
let prefix = "/cloudflare-images/api/images/"

let pool = NoDelayPool(wrapping: HTTPServer.defaultPool())
let server = HTTPServer(config: .init(address: try sockaddr_in.inet(ip4: settings.host, port: UInt16(settings.port)), pool: pool, logger: .disabled))

await server.appendRoute("GET /cloudflare-images/api/images/*") { request in
    guard request.headers[.authorization] == authorization else {
        return HTTPResponse(statusCode: .unauthorized, headers: [.contentType: "application/json"],
                            body: Data(#"{"detail":"Invalid token."}"#.utf8))
    }
    var id = Substring(request.path.dropFirst(prefix.count))
    if id.hasSuffix("/") { id = id.dropLast() }
    guard let record = records[String(id)] else {
        return HTTPResponse(statusCode: .notFound, headers: [.contentType: "application/json"],
                            body: Data(#"{"detail":"No CloudflareImage matches the given query."}"#.utf8))
    }
    let body = try JSONEncoder().encode(record)
    return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: body)
}
try await server.run()
