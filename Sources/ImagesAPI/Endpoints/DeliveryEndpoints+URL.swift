import CloudflareImages
import CloudflareImagesCore
import Configuration
import Foundation
import HTTPServer
import ImageStore
import JSON

/// `GET api/images/{id}/url/?variant=public&expiry=3600` or `?width=300&height=200&fit=cover&format=webp`:
/// `{"url": "...", "expires_at": "<timestamp>" | null, "signed": bool}`.
///
/// - `variant`: a named variant the image has (default `public`), or an options string such as `w=300,fit=cover`.
/// - Transformation options (every ``Transformation`` option and alias: `width`/`w`, `height`/`h`, `fit`, `format`,
///   `quality`, `gravity`, `dpr`, `blur`, ...) make a flexible variant, in Cloudflare's canonical order. They cannot
///   be combined with `variant`, and are refused for an image that requires signed URLs, as Cloudflare refuses them,
///   and for every image while `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS` is false (the account has them off, Cloudflare's
///   default, so it would answer such a URL 403).
/// - `expiry`: lifetime of a signed URL in seconds, `1...604800`, default 3600; validated but unused for a public image.
///
/// A private image's URL is signed (`?exp=...&sig=...`) and `expires_at` is when it stops working; a public image's
/// URL is not signed and `expires_at` is null.
extension DeliveryEndpoints {
    /// The 400's message while the settings say the account has flexible variants off.
    static let flexibleVariantsOff =
        "Flexible variants are off for this Cloudflare account"
        + " (CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=false), so transformation options cannot be used; named variants"
        + " (variant=public) still work. To use options, enable flexible variants (PATCH"
        + " /accounts/{account_id}/images/v1/config with {\"flexible_variants\": true}, or Images > Delivery >"
        + " Flexible variants in the dashboard), then set CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=true."

    /// Characters a named variant may hold (Cloudflare's variant names are letters, digits, `-` and `_`).
    static func isVariantName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100
            && name.utf8.allSatisfy { c in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "-")
                    || c == UInt8(ascii: "_")
            }
    }

    func url(_ request: Request, _ caller: Caller) async throws -> Response {
        let parameters = try Self.parameters(request)
        let expiry = try Self.integer(parameters["expiry"], "expiry", in: Self.expiryRange, default: Self.defaultExpiry)
        let variant = try Self.variant(parameters)
        let (image, target) = try await target(request, caller)

        let url: DeliveryURL
        switch variant {
        case .named(let name):
            guard target.knownVariants.isEmpty || target.knownVariants.contains(name) else {
                var errors = FieldErrors()
                errors.add(
                    "variant",
                    "Unknown variant \"\(name)\": this image has \(target.knownVariants.joined(separator: ", ")).")
                throw errors.error
            }
            url = try target.base.with(variant: .named(name))
        case .options(let transformation):
            guard context.settings.flexibleVariants else {
                throw ErrorResponse.detail(.badRequest, Self.flexibleVariantsOff)
            }
            guard !image.requireSignedURLs else { throw ErrorResponse.detail(.badRequest, Self.flexibleOnPrivate) }
            url = target.base.transformed(by: transformation)
        }

        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        if image.requireSignedURLs {
            let key = try await signingKey()
            let expiresAt = Int64(context.clock().timeIntervalSince1970.rounded(.down)) + expiry
            writer.key("url")
            writer.string(URLSigner(key: key).sign(url, expiresAt: expiresAt))
            writer.key("expires_at")
            writer.string(Timestamp.format(Date(timeIntervalSince1970: TimeInterval(expiresAt))))
        } else {
            writer.key("url")
            writer.string(url.string)
            writer.key("expires_at")
            writer.null()
        }
        writer.key("signed")
        writer.bool(image.requireSignedURLs)
        writer.endObject()
        return context.json(writer.bytes)
    }

    enum RequestedVariant {
        case named(String)
        case options(Transformation)
    }

    /// The variant asked for: `variant` or transformation options (not both), `public` when neither is given.
    static func variant(_ parameters: [String: String]) throws(ErrorResponse) -> RequestedVariant {
        let transformation: Transformation
        do {
            transformation = try Transformation(parameters: parameters, ignoring: ["variant", "expiry"])
        } catch {
            throw fieldError(error)
        }
        guard let name = parameters["variant"] else {
            return transformation.isEmpty ? .named("public") : .options(transformation)
        }
        var errors = FieldErrors()
        guard transformation.isEmpty else {
            errors.add("variant", "Give a variant or transformation options, not both.")
            throw errors.error
        }
        if name.contains("=") {
            do {
                let options = try Transformation(optionsString: name)
                return options.isEmpty ? .named("public") : .options(options)
            } catch {
                throw fieldError(error, default: "variant")
            }
        }
        guard isVariantName(name) else {
            errors.add(
                "variant",
                "Enter a variant name of letters, digits, \"-\" or \"_\" (at most 100), or options such as w=300,fit=cover."
            )
            throw errors.error
        }
        return .named(name)
    }
}
