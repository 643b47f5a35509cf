/// The Cloudflare v4 response envelope: `{"result":…, "success":bool, "errors":[…], "messages":[…], "result_info":…}`.
struct Envelope<Result: Decodable>: Decodable {
    var result: Result?
    var success: Bool
    var errors: [APIError]
    var resultInfo: ResultInfo?

    enum CodingKeys: String, CodingKey {
        case result, success, errors
        case resultInfo = "result_info"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = try container.decode(Bool.self, forKey: .success)
        errors = (try? container.decodeIfPresent([APIError].self, forKey: .errors)) ?? []
        resultInfo = try? container.decodeIfPresent(ResultInfo.self, forKey: .resultInfo)
        // A failed call's `result` is often `null` or `{}`; only a successful one must decode.
        result = success ? try container.decodeIfPresent(Result.self, forKey: .result) : nil
    }
}

/// Just the `errors` of an envelope, read leniently from error responses.
struct ErrorEnvelope: Decodable {
    var errors: [APIError]

    enum CodingKeys: String, CodingKey { case errors }

    init(from decoder: any Decoder) throws {
        errors =
            (try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([APIError].self, forKey: .errors)) ?? []
    }
}

/// A `result` whose content we ignore (delete answers `{}` or `null`).
struct IgnoredResult: Decodable {
    init(from decoder: any Decoder) throws {}
}

/// `images/v1` list result.
struct ImageList: Decodable {
    var images: [CloudflareImage]
}

/// `images/v1/keys` result.
struct SigningKeyList: Decodable {
    var keys: [SigningKey]
}
