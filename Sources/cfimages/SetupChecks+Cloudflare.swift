import CloudflareImages
import CloudflareImagesCore
import Configuration
import Crypto
import Foundation
import HTTPFields

/// The checks that ask Cloudflare: read and edit permissions, account hash, variants, delivery and flexible
/// variants, signing keys.
extension SetupChecks {
    /// A 1x1 transparent PNG: the test image.
    static let testPNG: [UInt8] = Array(
        Data(
            base64Encoded:
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==")
            ?? Data())

    /// An image to read variant URLs from and to fetch: the test image when `created`, else one from the listing.
    struct Sample {
        var image: CloudflareImage?
        var created: Bool
    }

    func cloudflareChecks(_ cloudflare: CloudflareClient) async -> [DoctorCheck] {
        var checks = [await readCheck(cloudflare)]
        guard checks[0].verdict != .fail else {
            checks.append(.skip("cloudflare", "The other Cloudflare checks are skipped: the account cannot be read"))
            return checks
        }
        let edit = await editCheck(cloudflare)
        checks.append(edit)
        let (sample, sampleCheck) = await sample(cloudflare, canEdit: edit.verdict == .ok)
        if let sampleCheck { checks.append(sampleCheck) }
        let hash = accountHashCheck(sample.image)
        checks.append(hash.check)
        checks.append(await variantsCheck(cloudflare))
        checks.append(contentsOf: await deliveryChecks(sample.image, accountHash: hash.found ?? settings.accountHash))
        checks.append(await signingKeysCheck(cloudflare))
        if sample.created, let image = sample.image {
            do {
                try await cloudflare.deleteImage(id: image.id)
            } catch {
                checks.append(
                    .warn(
                        "cleanup", "The test image \(image.id) could not be deleted: \(error)",
                        fix: "delete it in the Images dashboard (its metadata is {\"cfimages_doctor\": true})"))
            }
        }
        return checks
    }

    // MARK: Permissions

    func readCheck(_ cloudflare: CloudflareClient) async -> DoctorCheck {
        do {
            let stats = try await cloudflare.accountStats()
            let count = stats.current.map(String.init) ?? "?"
            let allowed = stats.allowed.map(String.init) ?? "?"
            return .ok("read", "The API token can read images (v1/stats: \(count) stored of \(allowed) allowed)")
        } catch {
            return Self.cloudflareFailure(
                "read", "Cloudflare refused to read images", error,
                permission: "Account > Cloudflare Images > Read (and Edit)")
        }
    }

    /// Creates an upload draft (what `POST /api/upload-url/` does) and deletes it.
    func editCheck(_ cloudflare: CloudflareClient) async -> DoctorCheck {
        let draft: DirectUpload
        do {
            draft = try await cloudflare.createDirectUpload(
                DirectUploadOptions(metadata: Self.marker, requireSignedURLs: false))
        } catch {
            return Self.cloudflareFailure(
                "edit", "The API token cannot edit images (creating an upload draft failed)", error,
                permission: "Account > Cloudflare Images > Edit")
        }
        do {
            try await cloudflare.deleteImage(id: draft.id)
        } catch {
            return .warn(
                "edit", "The API token created upload draft \(draft.id) but could not delete it: \(error)",
                fix: "give the token Account > Cloudflare Images > Edit; the draft expires unused in 30 minutes")
        }
        return .ok("edit", "The API token can edit images (created and deleted one upload draft)")
    }

    /// The test image when the token can edit, else the first listed image with variant URLs (a public one if any).
    func sample(_ cloudflare: CloudflareClient, canEdit: Bool) async -> (Sample, DoctorCheck?) {
        if canEdit {
            do {
                let image = try await cloudflare.uploadImage(
                    file: Self.testPNG, filename: "cfimages-doctor.png", contentType: "image/png",
                    options: ImageUploadOptions(metadata: Self.marker, requireSignedURLs: false))
                return (Sample(image: image, created: true), nil)
            } catch {
                let check = DoctorCheck.warn(
                    "test-image", "Uploading a 1x1 test image failed (\(error)); reading variant URLs from the listing")
                return (await listedSample(cloudflare), check)
            }
        }
        return (await listedSample(cloudflare), nil)
    }

    private func listedSample(_ cloudflare: CloudflareClient) async -> Sample {
        let images = (try? await cloudflare.listImages(page: 1, perPage: 20).images) ?? []
        let withVariants = images.filter { !$0.draft && !$0.variants.isEmpty }
        return Sample(image: withVariants.first { !$0.requireSignedURLs } ?? withVariants.first, created: false)
    }

    // MARK: Account hash and variants

    /// Compares `CLOUDFLARE_IMAGES_ACCOUNT_HASH` with the hash in the variant URLs Cloudflare returns (on
    /// imagedelivery.net, or the configured delivery domain as with the emulator).
    func accountHashCheck(_ image: CloudflareImage?) -> (check: DoctorCheck, found: String?) {
        let parser = deliveryParser
        let parsed = image.flatMap { image in
            image.variants.lazy.compactMap(parser.parse).first { $0.imageID == image.id }
        }
        guard let found = parsed?.accountHash else {
            return (
                .warn(
                    "account-hash", "The account hash could not be checked: no image with variant URLs to read it from",
                    fix: "upload an image (or give the token Edit permission) and run cfimages doctor again"), nil
            )
        }
        guard found == settings.accountHash else {
            return (
                .fail(
                    "account-hash",
                    "CLOUDFLARE_IMAGES_ACCOUNT_HASH is \"\(settings.accountHash ?? "")\" but Cloudflare's variant URLs use \"\(found)\"",
                    fix: "set CLOUDFLARE_IMAGES_ACCOUNT_HASH=\(found) (Images dashboard, Developer Resources)"), found
            )
        }
        return (
            .ok("account-hash", "CLOUDFLARE_IMAGES_ACCOUNT_HASH matches the variant URLs Cloudflare returns"), found
        )
    }

    /// The named variants the service uses exist: `public` (the default of `/url/` and `public_url`) and
    /// `CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT` unless it holds flexible options.
    func variantsCheck(_ cloudflare: CloudflareClient) async -> DoctorCheck {
        let names: [String]
        do {
            names = try await cloudflare.variants().map(\.id)
        } catch {
            return Self.cloudflareFailure(
                "variants", "Cloudflare refused to list the variants", error,
                permission: "Account > Cloudflare Images > Read")
        }
        var needed = [("public", "the default of /url/ and public_url")]
        if !settings.thumbnailVariant.contains("=") {
            needed.append((settings.thumbnailVariant, "CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT"))
        }
        let missing = needed.filter { !names.contains($0.0) }
        guard missing.isEmpty else {
            let described = missing.map { "\"\($0.0)\" (\($0.1))" }.joined(separator: " and ")
            let existing = names.isEmpty ? "none" : names.joined(separator: ", ")
            var fix =
                "create \(missing.map { "\"\($0.0)\"" }.joined(separator: " and ")) in Images > Variants (or"
                + " POST .../images/v1/variants)"
            if missing.contains(where: { $0.1 == "CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT" }) {
                fix += ", or set CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT to one of: \(existing)"
            }
            return .fail("variants", "The account has no variant \(described); it has: \(existing)", fix: fix)
        }
        return .ok("variants", "The variants the settings name exist: \(needed.map(\.0).joined(separator: ", "))")
    }

    // MARK: Delivery

    /// Fetches a named variant of a public image (the delivery domain and hash work), then its `w=1` flexible
    /// variant, and compares the answer with `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS`.
    func deliveryChecks(_ image: CloudflareImage?, accountHash: String?) async -> [DoctorCheck] {
        guard let image, !image.requireSignedURLs else {
            return [.skip("flexible-variants", "Flexible variants not probed: no public image to fetch")]
        }
        let domain: DeliveryDomain
        let named: DeliveryURL
        let flexible: DeliveryURL
        do {
            domain = try Self.deliveryDomain(settings)
            let names = image.variants.compactMap { deliveryParser.parse($0)?.variant?.segment }
            let variant = names.contains("public") ? "public" : names.first ?? "public"
            named = try DeliveryURL(
                accountHash: accountHash ?? "", imageID: image.id, variant: .named(variant), domain: domain)
            flexible = try named.with(variant: .options("w=1"))
        } catch {
            return [
                .fail(
                    "delivery", "No delivery URL can be built from the settings: \(error)",
                    fix: "check CLOUDFLARE_IMAGES_DELIVERY_URL and CLOUDFLARE_IMAGES_ACCOUNT_HASH")
            ]
        }
        let namedAnswer = await probe(named.string)
        guard case .answered(let status, _, _) = namedAnswer, (200..<300).contains(status) else {
            let fix =
                domain.isImageDelivery
                ? "check CLOUDFLARE_IMAGES_ACCOUNT_HASH"
                : "check CLOUDFLARE_IMAGES_DELIVERY_URL, CLOUDFLARE_IMAGES_DELIVERY_PATH_PREFIX and"
                    + " CLOUDFLARE_IMAGES_DELIVERY_INCLUDE_ACCOUNT_HASH (unset them to deliver from imagedelivery.net)"
            return [
                .fail("delivery", "The delivery URL \(named.string) answered \(namedAnswer)", fix: fix),
                .skip("flexible-variants", "Flexible variants not probed: named delivery failed"),
            ]
        }
        return [
            .ok("delivery", "Delivery works: \(named.string) answered \(status)"),
            flexibleCheck(await probe(flexible.string), url: flexible.string),
        ]
    }

    func flexibleCheck(_ answer: ProbeAnswer, url: String) -> DoctorCheck {
        let enable =
            "enable flexible variants: PATCH \(settings.baseURL)/accounts/\(settings.accountID ?? "{account_id}")"
            + "/images/v1/config with {\"flexible_variants\": true} (or Images > Delivery > Flexible variants)"
        let on: Bool
        switch answer {
        case .answered(let status, _, _) where (200..<300).contains(status): on = true
        case .answered(403, let headers, let body) where Self.isFlexibleRefusal(headers["Cf-Resized"], body):
            on = false
        default:
            return .warn(
                "flexible-variants", "Flexible variants could not be told on or off: \(url) answered \(answer)")
        }
        let thumbnailIsOptions = settings.thumbnailVariant.contains("=")
        switch (on, settings.flexibleVariants) {
        case (true, true):
            return .ok("flexible-variants", "Flexible variants are on (a w=1 delivery answered 200)")
        case (true, false):
            return .warn(
                "flexible-variants",
                "Flexible variants are on, but CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=false refuses"
                    + " transformation options in /url/ and /srcset/",
                fix: "set CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=true to use them")
        case (false, true):
            return .fail(
                "flexible-variants",
                "Flexible variants are off for the account (a w=1 delivery answered 403, error"
                    + " 9429), but CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS is true: /url/ with options and /srcset/ hand out"
                    + " URLs Cloudflare refuses",
                fix: "\(enable), or set CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=false")
        case (false, false) where thumbnailIsOptions:
            return .fail(
                "flexible-variants",
                "Flexible variants are off, but CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT holds options"
                    + " (\(settings.thumbnailVariant)): thumbnail_url is a URL Cloudflare refuses",
                fix: "\(enable), or set CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT to a named variant")
        case (false, false):
            return .ok(
                "flexible-variants", "Flexible variants are off, as CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=false says")
        }
    }

    /// Reads Cloudflare's variant URLs: on imagedelivery.net, or on the configured delivery domain (the emulator).
    var deliveryParser: DeliveryURLParser {
        DeliveryURLParser(customDomains: (try? Self.deliveryDomain(settings)).map { [$0] } ?? [])
    }

    /// Cloudflare's refusal of a flexible variant while they are off: error 9429 in `Cf-Resized` or the body.
    static func isFlexibleRefusal(_ resized: String?, _ body: [UInt8]) -> Bool {
        let text = (resized ?? "") + " " + String(decoding: body.prefix(512), as: UTF8.self)
        return text.contains("9429") || text.localizedCaseInsensitiveContains("flexible variants")
    }

    /// The settings' delivery domain: the custom one when `CLOUDFLARE_IMAGES_DELIVERY_URL` is set, else
    /// imagedelivery.net (as the API builds URLs).
    static func deliveryDomain(_ settings: Settings) throws -> DeliveryDomain {
        guard let raw = settings.deliveryURL, !raw.isEmpty else { return .imageDelivery }
        return try DeliveryDomain.custom(
            raw, pathPrefix: settings.deliveryPathPrefix, includesAccountHash: settings.deliveryIncludeAccountHash)
    }

    // MARK: Signing keys

    /// The service can sign URLs Cloudflare accepts: `CLOUDFLARE_IMAGES_SIGNING_KEY` is one of the account's keys,
    /// or when unset the account has one (`v1/keys`).
    func signingKeysCheck(_ cloudflare: CloudflareClient) async -> DoctorCheck {
        let create = "create a signing key (PUT .../images/v1/keys/{name}, or Images > Keys in the dashboard)"
        let keys: [SigningKey]
        do {
            keys = try await cloudflare.signingKeys()
        } catch {
            if settings.signingKey != nil {
                return .warn(
                    "signing-keys",
                    "CLOUDFLARE_IMAGES_SIGNING_KEY could not be compared with the account's"
                        + " keys: \(error)")
            }
            return Self.cloudflareFailure(
                "signing-keys",
                "CLOUDFLARE_IMAGES_SIGNING_KEY is not set and the account's signing keys cannot be read",
                error, permission: "Account > Cloudflare Images > Read, or set CLOUDFLARE_IMAGES_SIGNING_KEY")
        }
        if let configured = settings.signingKey {
            guard let match = keys.first(where: { ConstantTime.equals($0.value, configured) }) else {
                return .fail(
                    "signing-keys",
                    "CLOUDFLARE_IMAGES_SIGNING_KEY is not one of the account's \(keys.count) signing"
                        + " key(s): Cloudflare refuses every URL it signs",
                    fix: keys.isEmpty
                        ? "\(create) and put its value in CLOUDFLARE_IMAGES_SIGNING_KEY"
                        : "put the value of one of the account's keys (\(keys.map(\.name).joined(separator: ", ")), from"
                            + " GET .../images/v1/keys) in CLOUDFLARE_IMAGES_SIGNING_KEY, or unset it to use the account's key"
                )
            }
            return .ok("signing-keys", "CLOUDFLARE_IMAGES_SIGNING_KEY is the account's signing key \"\(match.name)\"")
        }
        guard let first = keys.first else {
            let message =
                "The account has no signing key and CLOUDFLARE_IMAGES_SIGNING_KEY is not set: private images"
                + " get no delivery URL"
            return settings.requireSignedURLs
                ? .fail(
                    "signing-keys", message + " (and CLOUDFLARE_IMAGES_REQUIRE_SIGNED_URLS makes uploads private)",
                    fix: create)
                : .warn("signing-keys", message, fix: create)
        }
        return .ok("signing-keys", "Signed URLs will use the account's signing key \"\(first.name)\" (from v1/keys)")
    }

    // MARK: Helpers

    /// A failed Cloudflare call as a failed check, with the fix its kind calls for.
    static func cloudflareFailure(_ name: String, _ what: String, _ error: any Error, permission: String) -> DoctorCheck
    {
        guard let error = error as? CloudflareError else {
            return .fail(name, "\(what): \(error)", fix: "run it again")
        }
        let fix: String
        switch error {
        case .authentication:
            fix =
                "give the API token in CLOUDFLARE_IMAGES_API_TOKEN the permission \(permission) for this account"
                + " (My Profile > API Tokens), and check CLOUDFLARE_IMAGES_ACCOUNT_ID"
        case .notFound, .clientError:
            fix =
                "check CLOUDFLARE_IMAGES_ACCOUNT_ID and CLOUDFLARE_IMAGES_BASE_URL, and that Cloudflare Images is"
                + " enabled for the account"
        case .rateLimited:
            return .warn(name, "\(what): \(error)", fix: "wait for the rate limit to pass and run it again")
        case .connectFailed, .timeout, .transport:
            fix =
                "check CLOUDFLARE_IMAGES_BASE_URL (default https://api.cloudflare.com/client/v4) and this machine's"
                + " network access to it"
        case .upstream, .invalidResponse:
            fix = "Cloudflare is failing; run it again later (https://www.cloudflarestatus.com)"
        }
        return .fail(name, "\(what): \(error)", fix: fix)
    }
}
