import HTTPClient
import JSON

/// The account-wide Images settings: named variants and the `v1/config` switches.
extension CloudflareClient {
    /// `GET images/v1/variants`: the account's named variants, sorted by id.
    public func variants() async throws -> [ImageVariant] {
        let call = Call(endpoint: .listVariants, method: "GET", path: "v1/variants", retry: .idempotent)
        let list = try Self.required(try await perform(call, decoding: VariantList.self).result)
        return (list.variants ?? [:]).values.sorted { $0.id < $1.id }
    }

    /// `PATCH images/v1/config` with `{"flexible_variants": enabled}`, as Cloudflare's "Enable flexible variants"
    /// page shows. Setting the same value again changes nothing, so it is retried like an idempotent call.
    public func setFlexibleVariants(_ enabled: Bool) async throws {
        let body: JSONValue = ["flexible_variants": .bool(enabled)]
        let call = Call(
            endpoint: .updateConfig, method: "PATCH", path: "v1/config", body: .bytes(body.jsonBytes),
            contentType: "application/json", retry: .idempotent)
        _ = try await perform(call, decoding: IgnoredResult.self)
    }
}

/// `images/v1/variants` result: `{"variants": {"<id>": <variant>}}`.
struct VariantList: Decodable {
    var variants: [String: ImageVariant]?
}
