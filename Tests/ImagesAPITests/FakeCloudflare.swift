import Foundation
import HTTPFields
import HTTPServer
import JSON
import Logging
import Synchronization

/// A small Cloudflare Images API stand-in on a real loopback `HTTPServer`: direct uploads, an upload endpoint for the
/// one-time URLs, get/patch/delete, account stats, and injectable faults per operation (``CloudflareFaults``).
///
/// What remains of it serves ``APIHarness``, whose tests need what the emulator does not give: state set by hand and
/// at once (a draft or an image of the account nobody tracks put in place, an image removed behind the service's
/// back, an upload completed without a file, with a fixed `uploaded` time that the tests compare against), read back
/// synchronously inside expectations. The hostile and operations harnesses and ``EmulatorService`` run on the
/// emulator.
final class FakeCloudflare: Sendable {
    typealias Operation = CloudflareFaults.Operation
    typealias Fault = CloudflareFaults.Fault

    struct Image: Sendable {
        var id: String
        var uploaded: String?
        var draft = true
        var meta: [String: JSONValue] = [:]
        var requireSignedURLs = false
        var filename: String?
        var creator: String?
        var variants: [String] = []
    }

    static let account = "acc-test"
    static let accountHash = "HASH123"

    private let state = Mutex<FakeState>(FakeState())
    private let port = Mutex(0)
    private let server = Mutex<HTTPServer?>(nil)

    private let faults = CloudflareFaults()

    private struct FakeState {
        var images: [String: Image] = [:]
    }

    /// Starts a fake on an ephemeral loopback port.
    static func start() throws -> FakeCloudflare {
        let fake = FakeCloudflare()
        let router = Router(prefix: "/client/v4/accounts/\(Self.account)/images") { routes in
            routes.post("v2/direct_upload") { try await fake.directUpload($0) }
            routes.get("v1/stats") { try await fake.stats($0) }
            routes.get("v1/*id") { try await fake.get($0) }
            routes.patch("v1/*id") { try await fake.patch($0) }
            routes.delete("v1/*id") { try await fake.delete($0) }
        }
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false),
            logger: { var logger = Logger(label: "fake-cloudflare"); logger.logLevel = .critical; return logger }(),
            handler: { request in
                if request.path.hasPrefix("/upload/") { return fake.receiveUpload(request) }
                return try await router.respond(to: request)
            })
        try server.start()
        fake.port.withLock { $0 = server.localPort }
        fake.server.withLock { $0 = server }
        return fake
    }

    var baseURL: String { "http://127.0.0.1:\(port.withLock { $0 })" }

    func stop() async { await server.withLock { $0 }?.shutdown() }

    // MARK: Test controls

    func inject(_ fault: Fault?, for operation: Operation) { faults.inject(fault, for: operation) }

    func calls(_ operation: Operation) -> Int { faults.calls(operation) }

    func image(_ id: String) -> Image? { state.withLock { $0.images[id] } }

    func put(_ image: Image) { state.withLock { $0.images[image.id] = image } }

    func remove(_ id: String) { _ = state.withLock { $0.images.removeValue(forKey: id) } }

    /// Marks an image as uploaded, as a browser upload to its URL would.
    func completeUpload(_ id: String, filename: String = "photo.jpg") {
        state.withLock { state in
            guard var image = state.images[id] else { return }
            image.draft = false
            image.uploaded = "2026-01-02T03:04:05.678901Z"
            image.filename = filename
            image.variants = ["public", "thumbnail"].map { "https://imagedelivery.net/\(Self.accountHash)/\(id)/\($0)" }
            state.images[id] = image
        }
    }

    // MARK: Handlers

    private func begin(_ operation: Operation) async throws -> Response? { try await faults.begin(operation) }

    private func directUpload(_ request: Request) async throws -> Response {
        if let fault = try await begin(.directUpload) { return fault }
        let fields = Self.multipartFields(request)
        let id = fields["id"] ?? UUID().uuidString.lowercased()
        if state.withLock({ $0.images[id] != nil }) {
            return Response.json(.conflict, bytes: Array(CloudflareFaults.failure(5409, "Resource already exists").utf8))
        }
        var meta: [String: JSONValue] = [:]
        if let text = fields["metadata"], case .object(let object)? = try? JSONValue.parse(Array(text.utf8)) { meta = object }
        let image = Image(
            id: id, meta: meta, requireSignedURLs: fields["requireSignedURLs"] == "true", creator: fields["creator"])
        state.withLock { $0.images[id] = image }
        let result: JSONValue = .object(["id": .string(id), "uploadURL": .string("\(baseURL)/upload/\(id)")])
        return Self.envelope(result.jsonText)
    }

    private func receiveUpload(_ request: Request) -> Response {
        let id = String(request.path.dropFirst("/upload/".count))
        guard image(id) != nil else { return Response.json(.notFound, bytes: Array(CloudflareFaults.failure(5404, "not found").utf8)) }
        completeUpload(id)
        return Self.envelope("{}")
    }

    private func get(_ request: Request) async throws -> Response {
        if let fault = try await begin(.get) { return fault }
        guard let image = image(request.pathParameters["id"] ?? "") else { return Self.notFound }
        return Self.envelope(Self.json(image))
    }

    private func patch(_ request: Request) async throws -> Response {
        if let fault = try await begin(.patch) { return fault }
        let id = request.pathParameters["id"] ?? ""
        guard var image = image(id) else { return Self.notFound }
        if case .object(let body)? = try? JSONValue.parse(request.body) {
            if case .object(let meta)? = body["metadata"] { image.meta = meta }
            if case .bool(let signed)? = body["requireSignedURLs"] { image.requireSignedURLs = signed }
        }
        put(image)
        return Self.envelope(Self.json(image))
    }

    private func delete(_ request: Request) async throws -> Response {
        if let fault = try await begin(.delete) { return fault }
        let id = request.pathParameters["id"] ?? ""
        guard image(id) != nil else { return Self.notFound }
        remove(id)
        return Self.envelope("{}")
    }

    private func stats(_ request: Request) async throws -> Response {
        if let fault = try await begin(.stats) { return fault }
        let count = state.withLock { $0.images.count }
        return Self.envelope(#"{"count":{"allowed":100000,"current":\#(count)}}"#)
    }

    // MARK: Encoding

    static func json(_ image: Image) -> String {
        var object: [String: JSONValue] = [
            "id": .string(image.id), "meta": .object(image.meta), "requireSignedURLs": .bool(image.requireSignedURLs),
            "variants": .array(image.variants.map { .string($0) }),
        ]
        if let uploaded = image.uploaded { object["uploaded"] = .string(uploaded) }
        if image.draft { object["draft"] = .bool(true) }
        if let filename = image.filename { object["filename"] = .string(filename) }
        if let creator = image.creator { object["creator"] = .string(creator) }
        return JSONValue.object(object).jsonText
    }

    static func envelope(_ result: String) -> Response {
        Response.json(.ok, bytes: Array(#"{"result":\#(result),"success":true,"errors":[],"messages":[]}"#.utf8))
    }

    static var notFound: Response { Response.json(.notFound, bytes: Array(CloudflareFaults.failure(5404, "Image not found").utf8)) }

    /// Plain fields of a `multipart/form-data` body (no files), enough for direct-upload requests.
    static func multipartFields(_ request: Request) -> [String: String] {
        guard let contentType = request.headers["Content-Type"],
              let boundaryRange = contentType.range(of: "boundary=") else { return [:] }
        let boundary = "--" + contentType[boundaryRange.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        var fields: [String: String] = [:]
        for part in request.bodyText.components(separatedBy: boundary) {
            guard let nameStart = part.range(of: "name=\""), let headerEnd = part.range(of: "\r\n\r\n") else { continue }
            let name = part[nameStart.upperBound...].prefix { $0 != "\"" }
            var value = String(part[headerEnd.upperBound...])
            if value.hasSuffix("\r\n") { value.removeLast() }
            fields[String(name)] = value
        }
        return fields
    }
}
