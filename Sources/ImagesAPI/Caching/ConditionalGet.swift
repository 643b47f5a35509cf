import Foundation
import HTTPFields
import HTTPServer

/// HTTP validators on `GET` (and `HEAD`) answers: a strong `ETag` derived from the body, `If-None-Match` answered
/// 304 with no body when a tag matches (RFC 9110 §13.1.2: weak comparison, `*` matches anything), and the
/// `Cache-Control` the answer allows. Only 200 answers with a whole body get a tag; errors and
/// streams pass through untouched.
enum ConditionalGet {
    /// Per-user answers: a cache may keep them but must revalidate each time (the 304 makes that cheap).
    static let perUser = "private, no-cache"
    /// The OpenAPI document: the same for everyone until the service is upgraded.
    static let publicDocument = "public, max-age=86400"

    /// `"<16 hex digits>"`: FNV-1a 64 over the body. A validator, not a secret: collisions are what matter, and
    /// 64 bits make them negligible for one resource's successive versions.
    static func entityTag(_ body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// `response` with its validator and caching headers, or a 304 when `request` already holds that version.
    static func apply(_ response: Response, to request: Request, cacheControl: String) -> Response {
        // A stream's body is not known when its head is sent: no validator.
        guard request.method == .get || request.method == .head, response.status == .ok, response.stream == nil else {
            return response
        }
        let tag = entityTag(response.body)
        if let header = request.headers["If-None-Match"], matches(header, tag) {
            var headers = HTTPHeaders()
            headers["ETag"] = tag
            headers["Cache-Control"] = cacheControl
            return Response(status: HTTPStatus(code: 304), headers: headers, body: [])
        }
        var tagged = response
        tagged.headers["ETag"] = tag
        tagged.headers["Cache-Control"] = cacheControl
        return tagged
    }

    /// Whether an `If-None-Match` value names `tag`: `*`, or a comma-separated list of entity tags compared weakly
    /// (`W/"x"` matches `"x"`).
    static func matches(_ header: String, _ tag: String) -> Bool {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { return true }
        return trimmed.split(separator: ",").contains { candidate in
            var value = candidate.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("W/") { value.removeFirst(2) }
            return value == tag
        }
    }
}
