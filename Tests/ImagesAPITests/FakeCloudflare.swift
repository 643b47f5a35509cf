import Foundation
import HTTPFields
import HTTPServer
import JSON
import Logging
import Synchronization

/// A small Cloudflare Images API stand-in on a real loopback `HTTPServer`: direct uploads, an upload endpoint for the
/// one-time URLs, get/patch/delete, account stats, and injectable faults per operation.
final class FakeCloudflare: Sendable {
    enum Operation: String, Sendable {
        case directUpload, get, patch, delete, stats
    }

    enum Fault: Sendable {
        case status(Int, retryAfter: Int? = nil)
        case hang(Duration)
        /// 2xx with `success: false`.
        case apiError(String)
    }

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

    private struct FakeState {
        var images: [String: Image] = [:]
        var faults: [Operation: Fault] = [:]
        var calls: [Operation: Int] = [:]
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

    func inject(_ fault: Fault?, for operation: Operation) {
        state.withLock { $0.faults[operation] = fault }
    }

    func calls(_ operation: Operation) -> Int { state.withLock { $0.calls[operation] ?? 0 } }

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

    private func begin(_ operation: Operation) async throws -> Response? {
        let fault = state.withLock { state -> Fault? in
            state.calls[operation, default: 0] += 1
            return state.faults[operation]
        }
        switch fault {
        case nil: return nil
        case .status(let code, let retryAfter)?:
            var response = Response.json(HTTPStatus(code: code), bytes: Array(Self.failure(code, "injected failure").utf8))
            if let retryAfter { response.headers["Retry-After"] = String(retryAfter) }
            return response
        case .hang(let duration)?:
            try await Task.sleep(for: duration)
            return nil
        case .apiError(let message)?:
            return Response.json(.ok, bytes: Array(Self.failure(9999, message).utf8))
        }
    }

    private func directUpload(_ request: Request) async throws -> Response {
        if let fault = try await begin(.directUpload) { return fault }
        let fields = Self.multipartFields(request)
        let id = fields["id"] ?? UUID().uuidString.lowercased()
        if state.withLock({ $0.images[id] != nil }) {
            return Response.json(.conflict, bytes: Array(Self.failure(5409, "Resource already exists").utf8))
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
        guard image(id) != nil else { return Response.json(.notFound, bytes: Array(Self.failure(5404, "not found").utf8)) }
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

    static func failure(_ code: Int, _ message: String) -> String {
        #"{"result":null,"success":false,"errors":[{"code":\#(code),"message":"\#(message)"}],"messages":[]}"#
    }

    static var notFound: Response { Response.json(.notFound, bytes: Array(failure(5404, "Image not found").utf8)) }

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
