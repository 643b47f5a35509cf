import Foundation
import HTTPFields
import HTTPServer
import JSON

/// An API error answered in Cloudflare's v4 envelope: `{"result":null,"success":false,"errors":[{"code":n,
/// "message":s}],"messages":[]}`.
///
/// Codes follow what Cloudflare returns where it is known: 10000 "Authentication error", 6003/6111 for a malformed
/// `Authorization` header, 7000 for an unknown path, 971 for rate limiting, and the Images 54xx range (5400 bad
/// request, 5404 image not found, 5409 resource already exists, 5415 file field required, 5455 unsupported
/// format). Where Cloudflare's exact code is not published (size limit, expired upload URL, injected faults) the
/// nearest 54xx code is used with a precise message.
public struct EmulatorError: Error, HTTPResponseError, Equatable, CustomStringConvertible {
    public var status: HTTPStatus
    public var code: Int
    public var message: String
    /// Nested errors, as Cloudflare's `error_chain`.
    public var chain: [(code: Int, message: String)]
    public var extraHeaders: [String: String]

    public init(
        status: HTTPStatus, code: Int, message: String, chain: [(code: Int, message: String)] = [],
        headers: [String: String] = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.chain = chain
        self.extraHeaders = headers
    }

    public static func == (lhs: EmulatorError, rhs: EmulatorError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
    }

    public var description: String { "\(status.code) [\(code)] \(message)" }

    public var response: Response {
        var error: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
        if !chain.isEmpty {
            error["error_chain"] = .array(chain.map { ["code": .int(Int64($0.code)), "message": .string($0.message)] })
        }
        let object: JSONValue = ["result": .null, "success": false, "errors": [.object(error)], "messages": []]
        var response = Response.json(status, bytes: object.jsonBytes)
        for (name, value) in extraHeaders { response.headers[name] = value }
        return response
    }

    // MARK: - The errors the emulator answers

    static func badRequest(_ message: String) -> EmulatorError {
        EmulatorError(status: .badRequest, code: 5400, message: "Bad request: \(message)")
    }
    /// A `url` whose host is, or resolves to, a loopback, private, link-local or other non-public address.
    /// Says nothing of what (if anything) answers there.
    static let urlNotPublic = badRequest(
        "url must point to a publicly reachable host; loopback, private, link-local and reserved addresses are refused")
    static let imageNotFound = EmulatorError(status: .notFound, code: 5404, message: "Image not found")
    static let alreadyExists = EmulatorError(
        status: .conflict, code: 5409,
        message: "Resource already exists. Verify the resource information and try again.")
    static let alreadyUploaded = EmulatorError(
        status: .conflict, code: 5409, message: "Resource already exists. An image was already uploaded to this URL.")
    static let fileRequired = EmulatorError(
        status: .badRequest, code: 5415, message: "Images must be uploaded as a file in the form field 'file'")
    static let unsupportedFormat = EmulatorError(
        status: .unsupportedMediaType, code: 5455,
        message:
            "Uploaded image must have image/jpeg, image/png, image/webp, image/gif, image/heic or image/svg+xml content-type"
    )
    static func tooLarge(limit: Int) -> EmulatorError {
        EmulatorError(
            status: .payloadTooLarge, code: 5413, message: "Image exceeds the maximum file size of \(limit) bytes")
    }
    static let uploadURLExpired = EmulatorError(
        status: .gone, code: 5400, message: "Bad request: This upload URL has expired")
    static let uploadURLNotFound = EmulatorError(
        status: .notFound, code: 5404, message: "Upload URL not found")
    static let authentication = EmulatorError(status: .forbidden, code: 10000, message: "Authentication error")
    static let malformedAuthorization = EmulatorError(
        status: .badRequest, code: 6003, message: "Invalid request headers",
        chain: [(6111, "Invalid format for Authorization header")])
    /// Cloudflare answers an unknown API path with a 400 (codes 7003 and 7000), not a 404, so a client never
    /// mistakes a bad path for "no such image".
    static func noRoute(_ path: String) -> EmulatorError {
        EmulatorError(
            status: .badRequest, code: 7003,
            message: "Could not route to \(path), perhaps your object identifier is invalid?")
    }
    static func injected(_ faults: FaultSettings) -> EmulatorError {
        if faults.failureStatus == 429 { return rateLimited(retryAfterSeconds: faults.retryAfterSeconds) }
        return EmulatorError(
            status: HTTPStatus(code: faults.failureStatus), code: 5500,
            message: "Internal error (injected by the emulator's fault settings)")
    }
    /// Cloudflare's 429: code 971 and `Retry-After` in whole seconds.
    static func rateLimited(retryAfterSeconds: Int) -> EmulatorError {
        EmulatorError(
            status: .tooManyRequests, code: 971, message: "Please wait and consider throttling your request speed",
            headers: ["Retry-After": String(retryAfterSeconds)])
    }
    /// The answer to a request that was applied, standing for a response lost on its way back.
    static func lostResponse(_ faults: FaultSettings) -> EmulatorError {
        let status = faults.failureStatus >= 500 ? faults.failureStatus : 502
        return EmulatorError(
            status: HTTPStatus(code: status), code: 5500,
            message: "Internal error (the request was applied; its response was lost, by the emulator's fault settings)"
        )
    }
}
