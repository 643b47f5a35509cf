import CloudflareImages
import CloudflareImagesCore
import Configuration
import Foundation
import HTTPServer
import ImageStore
import Logging

/// `GET api/images/{id}/url/` and `GET api/images/{id}/srcset/`: delivery URLs and responsive-image markup for a
/// tracked image, built from the settings' delivery domain (or the stored URLs' base, see ``DeliveryTarget``) and
/// signed with ``SigningKeySource``'s key when the image requires signed URLs.
///
/// Not in the reference (its template tags do this inside Django). Errors: bad parameters 400 with field errors
/// (`{"width": ["width must be in 1...12000, got 0"]}`); an image without variant URLs (not uploaded yet) 409
/// `{"detail"}`; flexible options on a private image 400 `{"detail"}` with Cloudflare's reason; no signing key for
/// a private image 503 `{"error"}`; a failed key fetch as other Cloudflare failures.
final class DeliveryEndpoints: Sendable {
    let context: APIContext
    let keys: SigningKeySource

    /// Signed URL lifetimes, in seconds: up to a week, an hour by default.
    static let expiryRange: ClosedRange<Int64> = 1...604_800
    static let defaultExpiry: Int64 = 3600

    /// Cloudflare's answer to a flexible variant of a private image.
    static let flexibleOnPrivate = "Flexible variants cannot be used with images that require signed URLs."

    init(_ context: APIContext) {
        self.context = context
        self.keys = SigningKeySource(configured: context.settings.signingKey, cloudflare: context.cloudflare)
    }

    // MARK: Shared steps

    /// The image named by the `:id` path parameter in the caller's scope (query parameters are options here, not
    /// list filters), and where it is delivered.
    func target(_ request: Request, _ caller: Caller) async throws -> (ImageRecord, DeliveryTarget) {
        guard let id = Fields.parseUUID(request.pathParameters["id"] ?? "") else { throw ErrorResponse.notFound }
        guard let image = try await context.repository.image(.id(id), owner: caller.scope) else {
            throw ErrorResponse.imageNotFound
        }
        do {
            return (image, try DeliveryTarget.resolve(image, settings: context.settings))
        } catch .notUploaded {
            throw ErrorResponse.detail(
                .conflict,
                "Image has no delivery URLs yet (status \"\(image.status.rawValue)\"): upload it first.")
        } catch .misconfigured(let reason) {
            context.logger.error(
                "Cannot build a delivery URL", metadata: ["image": "\(image.id.lowercasedText)", "reason": "\(reason)"])
            throw ErrorResponse.error(.internalServerError, "Cannot build a delivery URL: \(reason)")
        }
    }

    /// The signing key, or the 503 / Cloudflare failure that explains why there is none.
    func signingKey() async throws -> String {
        let key: String?
        do {
            key = try await keys.key()
        } catch {
            context.logger.error("Failed to fetch signing keys", metadata: ["error": "\(error)"])
            throw CloudflareFailure.response(
                error, prefix: "CLOUDFLARE_IMAGES_SIGNING_KEY is not set and fetching the account's signing keys failed"
            )
        }
        guard let key else {
            throw ErrorResponse.error(
                .serviceUnavailable,
                "This image requires signed URLs but no signing key is available: set CLOUDFLARE_IMAGES_SIGNING_KEY"
                    + " (Cloudflare's v1/keys listed none).")
        }
        return key
    }

    /// Query parameters as a dictionary; a parameter given twice is a 400.
    static func parameters(_ request: Request) throws(ErrorResponse) -> [String: String] {
        var result: [String: String] = [:]
        var errors = FieldErrors()
        for (name, value) in request.query {
            if result.updateValue(value, forKey: name) != nil, !errors.has(name) {
                errors.add(name, "This parameter is given more than once.")
            }
        }
        try errors.check()
        return result
    }

    /// A transformation error as a field error on the option it names.
    static func fieldError(_ error: TransformationError, default field: String = "options") -> ErrorResponse {
        let name: String
        switch error {
        case .outOfRange(let option, _, _), .invalidValue(let option, _, _): name = option
        case .unknownOption(let option), .duplicateOption(let option): name = option
        case .malformedOption: name = field
        case .noWidths: name = "widths"
        }
        var errors = FieldErrors()
        errors.add(name, error.description)
        return errors.error
    }

    /// A whole number in `range`, or a field error.
    static func integer(
        _ text: String?, _ field: String, in range: ClosedRange<Int64>, default value: Int64
    ) throws(ErrorResponse) -> Int64 {
        guard let text else { return value }
        var errors = FieldErrors()
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let number = Int64(text)
        else {
            errors.add(field, "A valid integer is required.")
            throw errors.error
        }
        guard range.contains(number) else {
            errors.add(field, "\(field) must be in \(range.lowerBound)...\(range.upperBound), got \(number)")
            throw errors.error
        }
        return number
    }
}
