import Crypto
import HTTPFields
import HTTPServer
import JSON
import Logging

/// The account-wide settings under `/client/v4/accounts/{account_id}/images/v1`: `config` (flexible variants),
/// `variants`, and which tokens may do what.
///
/// - `PATCH v1/config` with `{"flexible_variants": bool}` turns flexible variants on or off, as the "Enable
///   flexible variants" page shows; the result is the account's Images configuration, `{"flexible_variants": bool}`
///   (Cloudflare documents the request, not the answer's shape).
/// - `GET v1/variants` answers `{"variants": {"<name>": <variant>}}` and `GET v1/variants/{id}`
///   `{"variant": <variant>}`, each variant `{"id", "options": {"fit", "metadata", "width", "height"},
///   "neverRequireSignedURLs"}` as in Cloudflare's API schema. The names are `Configuration.variants`; the options
///   are nominal (the emulator serves every variant unresized).
extension CloudflareEmulator {
    /// Whether flexible variants are on now: `Configuration.flexibleVariants` until changed at run time.
    public var flexibleVariantsEnabled: Bool { flexibleVariantsOverride.get() ?? configuration.flexibleVariants }

    /// Turns flexible variants on or off for every later delivery, as `PATCH v1/config` does.
    public func setFlexibleVariants(_ enabled: Bool) {
        flexibleVariantsOverride.set(enabled)
        logger.info("emulator flexible variants set", metadata: ["enabled": "\(enabled)"])
    }

    /// `PATCH v1/config`: `flexible_variants` (a boolean) changes the setting; other members are accepted and
    /// left alone (the emulator has no use for `browser_ttl` or `preserve_content_credentials`).
    func updateConfig(_ request: Request) async throws -> Response {
        guard let body = (try? JSONValue.parse(request.body))?.objectValue else {
            throw EmulatorError.badRequest("Body must be a JSON object")
        }
        if let value = body["flexible_variants"] {
            guard case .bool(let enabled) = value else {
                throw EmulatorError.badRequest("flexible_variants must be a boolean")
            }
            setFlexibleVariants(enabled)
        }
        return envelope(["flexible_variants": .bool(flexibleVariantsEnabled)])
    }

    /// `GET v1/variants`.
    func listVariants(_ request: Request) async throws -> Response {
        var variants: [String: JSONValue] = [:]
        for name in configuration.variants { variants[name] = Self.variantObject(name) }
        return envelope(["variants": .object(variants)])
    }

    /// `GET v1/variants/{id}`.
    func variantDetails(_ request: Request) async throws -> Response {
        guard let name = request.pathParameters["variant"], configuration.variants.contains(name) else {
            throw EmulatorError.variantNotFound
        }
        return envelope(["variant": Self.variantObject(name)])
    }

    /// `GET v1/keys`, listing no key when `Configuration.listsSigningKeys` is off.
    func listSigningKeys(_ request: Request) async throws -> Response {
        guard configuration.listsSigningKeys else { return envelope(["keys": []]) }
        return try await signingKeys(request)
    }

    /// Whether `token` may make `request`: the API token always; the read-only token for `GET` and `HEAD` only,
    /// else Cloudflare's 403 for a token that lacks the permission.
    func checkToken(_ token: String, for request: Request) throws(EmulatorError) {
        if ConstantTime.equals(token, configuration.apiToken) { return }
        guard let readOnly = configuration.readOnlyToken, ConstantTime.equals(token, readOnly) else {
            throw .authentication
        }
        guard request.method == .get || request.method == .head else { throw .authentication }
    }

    /// A variant as Cloudflare's API describes one. `thumbnail` is a small cover crop, any other name a large
    /// scale-down, as the dashboard's defaults suggest.
    static func variantObject(_ name: String) -> JSONValue {
        let options: JSONValue =
            name == "thumbnail"
            ? ["fit": "cover", "metadata": "none", "width": 200, "height": 200]
            : ["fit": "scale-down", "metadata": "none", "width": 1366, "height": 768]
        return ["id": .string(name), "options": options, "neverRequireSignedURLs": false]
    }

    /// Cloudflare's refusal of a flexible variant while they are off: 403, error 9429 in the body and in
    /// `Cf-Resized` ("Flexible variants are not enabled for the account", Images reference, Errors).
    func flexibleVariantsDisabled() -> Response {
        var response = Response.text(.forbidden, "ERROR 9429: Flexible variants are not enabled for the account")
        response.headers["Cf-Resized"] = "err=9429"
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}

extension EmulatorError {
    /// `GET v1/variants/{id}` for a name the account does not have.
    static let variantNotFound = EmulatorError(status: .notFound, code: 5404, message: "Variant not found")
}
