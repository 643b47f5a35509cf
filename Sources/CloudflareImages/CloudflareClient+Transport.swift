import Foundation
import HTTPClient
import HTTPFields

extension CloudflareClient {
    /// One HTTP request for `call`, its response mapped to an envelope or a ``CloudflareError``. The request's
    /// timeouts are cut to what is left before the call's `deadline`.
    func attempt<Result: Decodable>(
        _ call: Call, decoding: Result.Type, reading: Envelope<Result>.Reader? = nil, deadline: ContinuousClock.Instant
    ) async throws -> Envelope<Result> {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw CloudflareError.timeout }
        var headers: HTTPHeaders = ["Authorization": "Bearer \(configuration.apiToken)", "Accept": "application/json"]
        if let contentType = call.contentType { headers["Content-Type"] = contentType }
        let request = HTTPClientRequest(
            method: call.method, url: url(for: call), headers: headers, body: call.body,
            connectTimeout: min(configuration.connectTimeout, remaining),
            timeout: min(configuration.requestTimeout, remaining))
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw map(error)
        }
        // Cloudflare blocks every call for minutes once its quota is overrun: stop at zero instead.
        if let status = response.headers["Ratelimit"].flatMap(RateLimitStatus.init(header:)), status.remaining == 0,
            status.resetSeconds > 0
        {
            await pauseBudgets(for: .seconds(status.resetSeconds))
        }
        return try decode(response, as: Result.self, reading: reading)
    }

    func url(for call: Call) -> String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var url = "\(base)/accounts/\(Self.percentEncode(configuration.accountID))/images/\(call.path)"
        if !call.query.isEmpty {
            url +=
                "?"
                + call.query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        return url
    }

    func decode<Result: Decodable>(
        _ response: HTTPClientResponse, as: Result.Type, reading: Envelope<Result>.Reader? = nil
    ) throws(CloudflareError) -> Envelope<Result> {
        let status = response.status
        if (200..<300).contains(status) {
            let envelope: Envelope<Result>
            do {
                if let reading {
                    envelope = try Envelope(json: response.body, reading: reading)
                } else {
                    envelope = try JSONDecoder().decode(Envelope<Result>.self, from: Data(response.body))
                }
            } catch {
                throw .invalidResponse(
                    scrub("HTTP \(status) body is not a \(Result.self) envelope (\(Self.summary(of: error)))"))
            }
            guard envelope.success else { throw .clientError(status: status, errors: scrub(envelope.errors)) }
            return envelope
        }
        let errors = scrub((try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(response.body)))?.errors ?? [])
        switch status {
        case 401, 403: throw .authentication(status: status, errors: errors)
        case 404: throw .notFound(errors)
        case 429:
            let reported = errors.isEmpty ? [APIError(code: 429, message: "Too Many Requests")] : errors
            let retryAfter =
                response.headers["Retry-After"].flatMap(Self.parseRetryAfter)
                ?? response.headers["Ratelimit"].flatMap(RateLimitStatus.init(header:)).map {
                    .seconds($0.resetSeconds)
                }
            throw .rateLimited(retryAfter: retryAfter, errors: reported)
        case 400..<500: throw .clientError(status: status, errors: errors)
        case 500..<600: throw .upstream(status: status, errors: errors)
        default: throw .invalidResponse("unexpected HTTP status \(status)")
        }
    }

    private func map(_ error: HTTPClientError) -> CloudflareError {
        switch error {
        case .timeout: .timeout
        case .connectFailed(let message): .connectFailed(message: scrub(message))
        case .transport(let code, let message): .transport(message: scrub("\(message) (curl error \(code))"))
        case .shutdown: .transport(message: "HTTP client shut down")
        case .responseTooLarge(let limit): .transport(message: "response body exceeds \(limit) bytes")
        // Refused locally (bad base URL or header characters): retrying cannot help.
        case .invalidRequest(let reason): .clientError(status: 0, errors: [APIError(code: 0, message: scrub(reason))])
        }
    }

    /// Removes the API token from text we did not write ourselves (Cloudflare messages, libcurl messages).
    func scrub(_ text: String) -> String {
        let token = configuration.apiToken
        guard !token.isEmpty else { return text }
        return text.replacingOccurrences(of: token, with: "<redacted>")
    }

    func scrub(_ errors: [APIError]) -> [APIError] {
        errors.map { APIError(code: $0.code, message: scrub($0.message)) }
    }

    /// `Retry-After` as delay-seconds (fractions accepted) or an HTTP-date.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64(min(seconds, 86_400) * 1000))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let seconds = max(0, min(date.timeIntervalSinceNow, 86_400))
        return .milliseconds(Int64(seconds * 1000))
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (so `/` in an id stays inside one segment).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func summary(of error: any Error) -> String {
        if let error = error as? EnvelopeShapeError { return error.summary }
        guard let error = error as? DecodingError else { return "not JSON" }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value at \(path(context.codingPath))"
        @unknown default: return "undecodable"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
