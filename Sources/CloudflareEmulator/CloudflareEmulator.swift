import Crypto
import Foundation
import HTTPClient
import HTTPFields
import HTTPServer
import JSON
import Logging
import Synchronization

/// A local stand-in for the Cloudflare Images API, served by our own `HTTPServer`.
///
/// It answers at Cloudflare's paths (`/client/v4/accounts/{account_id}/images/v1`, `v2`, `v2/direct_upload`, ...)
/// with Cloudflare's envelope, limits and error codes, accepts direct creator uploads at one-time upload URLs,
/// serves the stored bytes at imagedelivery-style URLs (verifying signed URLs for private images), posts webhooks
/// when direct uploads complete or fail, and keeps its state in SQLite plus files so it survives restarts.
///
/// ```swift
/// let emulator = try CloudflareEmulator(configuration: config, logger: logger)
/// let server = HTTPServer(configuration: ..., logger: logger, responder: emulator.makeRouter(mountPath: "").responder)
/// ```
public final class CloudflareEmulator: Sendable {
    public let configuration: Configuration
    let logger: Logger
    let store: EmulatorStore
    let client: HTTPClient
    let webhooks: WebhookNotifier?
    let faultSettings: LockedValue<FaultSettings>
    let rateLimiter = EmulatorRateLimiter()
    private let apiCalls = Atomic<Int>(0)
    /// How many of the next successful API calls lose their answer (see ``loseNextAnswers(_:)``).
    private let answersToLose = Mutex(0)
    let baseURL: LockedValue<String>
    /// Flexible variants as last set by `PATCH v1/config`; nil keeps `configuration.flexibleVariants`.
    let flexibleVariantsOverride = LockedValue<Bool?>(nil)
    /// Added to the wall clock; tests move time forward to expire upload URLs and signatures.
    let clockOffset = LockedValue<Int64>(0)

    /// Opens (creating when needed) the state under `configuration.dataDirectory`.
    public init(configuration: Configuration, logger: Logger) throws {
        try configuration.faults.validate()
        self.configuration = configuration
        self.logger = logger
        store = try EmulatorStore(directory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true))
        client = try HTTPClient(logger: logger)
        faultSettings = LockedValue(configuration.faults)
        baseURL = LockedValue(configuration.publicBaseURL)
        if let url = configuration.webhookURL {
            webhooks = WebhookNotifier(
                url: url, secret: configuration.webhookSecret, format: configuration.webhookFormat,
                signsBody: configuration.webhookSignsBody, accountID: configuration.accountID,
                retryDelays: configuration.webhookRetryDelays, client: client, logger: logger,
                clock: configuration.clock)
        } else {
            webhooks = nil
        }
    }

    /// Closes the SQLite state. Requests after this fail with 500.
    public func close() { store.close() }

    /// The current latency and failure knobs.
    public var faults: FaultSettings { faultSettings.get() }

    /// Changes the latency and failure knobs for every later API call.
    public func setFaults(_ faults: FaultSettings) throws {
        try faults.validate()
        faultSettings.set(faults)
        logger.info(
            "emulator faults set",
            metadata: [
                "latency_ms": "\(faults.latencyMilliseconds)", "failure_rate": "\(faults.failureRate)",
                "failure_status": "\(faults.failureStatus)", "apply_then_fail_rate": "\(faults.applyThenFailRate)",
                "rate_limit_requests": "\(faults.rateLimitRequests)", "per_second_limit": "\(faults.perSecondLimit)",
            ])
    }

    /// API calls received so far, refused ones included: what reached "Cloudflare".
    public var apiCallCount: Int { apiCalls.load(ordering: .relaxed) }

    /// The next `count` API calls that succeed are applied and then answered with a 5xx, as if the answer had been
    /// lost on its way back: a deterministic form of `applyThenFailRate` for tests.
    public func loseNextAnswers(_ count: Int) {
        answersToLose.withLock { $0 = max(0, count) }
    }

    /// Refuses every API call for `seconds` (emulator time), as Cloudflare does once the quota is overrun.
    public func blockRateLimited(for seconds: Double) {
        rateLimiter.block(for: seconds, now: now())
        logger.info("emulator rate-limit block started", metadata: ["seconds": "\(seconds)"])
    }

    /// The emulator's time in Unix milliseconds (`Configuration.clock`, plus the offset tests move it by).
    func now() -> Int64 {
        Int64((configuration.clock().timeIntervalSince1970 * 1000).rounded(.down)) + clockOffset.get()
    }

    /// The URL the router is reachable at (see `Configuration.publicBaseURL`).
    public var publicBaseURL: String { baseURL.get() }

    /// Changes the public base URL for URLs handed out from now on, e.g. once a server started on port 0 knows
    /// its port. URLs already handed out keep their old base.
    public func setPublicBaseURL(_ url: String) {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        baseURL.set(base)
    }

    /// The `Authorization` header a client of this emulator sends.
    public var authorizationHeader: String { "Bearer \(configuration.apiToken)" }

    /// The API base URL a Cloudflare client should use: `{publicBaseURL}/client/v4`.
    public var apiBaseURL: String { publicBaseURL + "/client/v4" }

    /// The base of delivery URLs, standing in for `https://imagedelivery.net`: `{publicBaseURL}/imagedelivery`.
    public var deliveryBaseURL: String { publicBaseURL + "/imagedelivery" }

    /// Every route, under `mountPath` ("" standalone, e.g. "/_emulator" embedded):
    /// - `{mount}/client/v4/accounts/:account/images/...`: the API (Bearer token, fault knobs apply);
    /// - `POST {mount}/upload/:token`: one-time direct upload URLs (no token, as on Cloudflare);
    /// - `GET {mount}/imagedelivery/:hash/<id>/<variant>`: delivery, signed URLs for private images;
    /// - `GET|POST {mount}/_control/faults`: read or change the fault knobs (Bearer token).
    public func makeRouter(mountPath: String) -> Router {
        Router(prefix: mountPath) { r in
            let images = "/client/v4/accounts/:account/images"
            r.post(images + "/v2/direct_upload", api(createDirectUpload))
            r.get(images + "/v2", api(listImagesV2))
            r.get(images + "/v1/stats", api(stats))
            r.get(images + "/v1/keys", api(listSigningKeys))
            r.patch(images + "/v1/config", api(updateConfig))
            r.get(images + "/v1/variants", api(listVariants))
            r.get(images + "/v1/variants/:variant", api(variantDetails))
            r.get(images + "/v1/batch_token", api(batchToken))
            r.get(images + "/v1", api(listImagesV1))
            r.post(images + "/v1", api(uploadImage))
            r.get(images + "/v1/*id", api(getImage))
            r.patch(images + "/v1/*id", api(updateImage))
            r.delete(images + "/v1/*id", api(deleteImage))
            for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
                r.on(method, "/client/v4/*path") { request in EmulatorError.noRoute(request.rawPath).response }
            }
            r.post(
                "/upload/:token",
                { [self] request in try await Self.allowingAnyOrigin { try await receiveUpload(request) } })
            r.on(.options, "/upload/:token", { request in Self.uploadPreflight(request) })
            r.get("/imagedelivery/:hash/*path", { [self] request in try await deliver(request, mountPath: mountPath) })
            r.get("/_control/faults", { [self] request in try control(request, update: false) })
            r.post("/_control/faults", { [self] request in try control(request, update: true) })
        }
    }

    // MARK: - Shared request handling

    /// Wraps an API handler: latency, authentication, account check, rate limits (with Cloudflare's `Ratelimit`
    /// headers on every answer while a quota is set), injected failures, lost responses, error mapping.
    func api(_ handler: @escaping Handler) -> Handler {
        { [self] request in
            apiCalls.add(1, ordering: .relaxed)
            let faults = faultSettings.get()
            if faults.latencyMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(faults.latencyMilliseconds)) }
            try authenticate(request)
            guard request.pathParameters["account"] == configuration.accountID else {
                throw EmulatorError.authentication
            }
            let decision = rateLimiter.admit(address: request.remoteAddress ?? "", now: now(), settings: faults)
            let limitHeaders = Self.rateLimitHeaders(decision, faults)
            do {
                if case .refused(let seconds) = decision { throw EmulatorError.rateLimited(retryAfterSeconds: seconds) }
                if faults.failureRate > 0, Double.random(in: 0..<1) < faults.failureRate {
                    throw EmulatorError.injected(faults)
                }
                var response: Response
                do {
                    response = try await handler(request)
                } catch let error as EmulatorError {
                    throw error
                } catch {
                    logger.error("emulator request failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
                    throw EmulatorError(status: .internalServerError, code: 5500, message: "Internal error")
                }
                let loseThis = answersToLose.withLock { remaining in
                    guard remaining > 0 else { return false }
                    remaining -= 1
                    return true
                }
                if loseThis || (faults.applyThenFailRate > 0 && Double.random(in: 0..<1) < faults.applyThenFailRate) {
                    throw EmulatorError.lostResponse(faults)
                }
                for (name, value) in limitHeaders { response.headers[name] = value }
                return response
            } catch var error as EmulatorError {
                for (name, value) in limitHeaders { error.extraHeaders[name] = value }
                throw error
            }
        }
    }

    /// `Ratelimit: "default";r=<left>;t=<seconds to reset>` and `Ratelimit-Policy: "default";q=<quota>;w=<window>`,
    /// as Cloudflare's API sends them; none while no quota is set.
    static func rateLimitHeaders(_ decision: EmulatorRateLimiter.Decision, _ faults: FaultSettings) -> [String: String]
    {
        guard faults.rateLimitRequests > 0 else { return [:] }
        let window = EmulatorRateLimiter.seconds(EmulatorRateLimiter.milliseconds(faults.rateLimitWindowSeconds))
        let policy = "\"default\";q=\(faults.rateLimitRequests);w=\(window)"
        switch decision {
        case .allowed(let remaining, let reset):
            return [
                "Ratelimit": "\"default\";r=\(remaining ?? faults.rateLimitRequests);t=\(reset)",
                "Ratelimit-Policy": policy,
            ]
        case .refused(let seconds):
            return ["Ratelimit": "\"default\";r=0;t=\(seconds)", "Ratelimit-Policy": policy]
        }
    }

    func authenticate(_ request: Request) throws(EmulatorError) {
        guard let header = request.headers["Authorization"] else { throw .malformedAuthorization }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw .malformedAuthorization
        }
        try checkToken(String(parts[1]).trimmingCharacters(in: .whitespaces), for: request)
    }

    /// `{"result": result, "success": true, "errors": [], "messages": [], "result_info": info}`.
    func envelope(_ result: JSONValue, resultInfo: JSONValue = .null, status: HTTPStatus = .ok) -> Response {
        let object: JSONValue = [
            "result": result, "success": true, "errors": [], "messages": [], "result_info": resultInfo,
        ]
        return Response.json(status, bytes: object.jsonBytes)
    }

    /// Variant URLs for an image id (each path segment percent-encoded, slashes kept), on `variantBaseURL` when set.
    func variantURLs(for id: String) -> [String] {
        let encodedID = id.split(separator: "/", omittingEmptySubsequences: false)
            .map { CloudflareEmulator.encodeSegment($0) }.joined(separator: "/")
        var base = configuration.variantBaseURL ?? deliveryBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return configuration.variants.map { "\(base)/\(configuration.accountHash)/\(encodedID)/\($0)" }
    }

    /// RFC 3986 `pchar` encoding: unreserved, sub-delimiters, `:` and `@` stay; everything else becomes `%XX`.
    static func encodeSegment(_ segment: Substring) -> String {
        let allowed = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".utf8))
        var out = ""
        for byte in segment.utf8 {
            if allowed.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    func object(_ image: EmulatorImage) -> JSONValue {
        .object(image.cloudflareObject(variants: variantURLs(for: image.id)))
    }
}
