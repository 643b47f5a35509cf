import Foundation
import Hummingbird
import PeerRecords

// Scenario 1 written the idiomatic Hummingbird 2 way: a router, a token check, a Codable record encoded per request.
extension ImageRecord: ResponseEncodable {}

let settings = PeerSettings()
let router = Router()
let authorization = settings.authorization
let records = settings.records

router.get("cloudflare-images/api/images/:id") { request, context -> ImageRecord in
    guard request.headers[.authorization] == authorization else {
        throw HTTPError(.unauthorized, message: "Invalid token.")
    }
    guard let id = context.parameters.get("id"), let record = records[id] else {
        throw HTTPError(.notFound, message: "No CloudflareImage matches the given query.")
    }
    return record
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "hummingbird-peer")
)
try await app.runService()
