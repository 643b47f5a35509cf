import CloudflareImages
import CloudflareImagesCore
import Configuration
import Foundation
import ImageStore

/// Where one image's delivery URLs point: domain, account hash and image id, from which any variant or flexible
/// variant URL is built (and signed, see ``URLSigner``).
///
/// The domain and account hash always come from the settings (`CLOUDFLARE_IMAGES_DELIVERY_URL` with its path prefix
/// and account-hash settings, else `imagedelivery.net`; the embedded emulator sets them to its own delivery base),
/// never from hosts found in the stored variant URLs: a URL we sign is valid on imagedelivery.net too, so it must
/// never point anywhere else. The stored URLs only say which named variants the image has.
struct DeliveryTarget: Sendable {
    let base: DeliveryURL
    /// The named variants the stored URLs list (their last path segments), e.g. `public`, `thumbnail`.
    let knownVariants: [String]

    /// Why an image has no target.
    enum Failure: Error, Equatable {
        /// The image has no stored variant URLs: it was never uploaded (or Cloudflare listed none).
        case notUploaded
        /// The settings give no account hash or no valid domain.
        case misconfigured(String)
    }

    static func resolve(_ image: ImageRecord, settings: Settings) throws(Failure) -> DeliveryTarget {
        guard !image.variants.isEmpty else { throw .notUploaded }
        let known = image.variants.map(StoredVariantURL.init).compactMap(\.variantName).reduce(into: [String]()) {
            list, name in
            if !list.contains(name) { list.append(name) }
        }
        let domain = try configuredDomain(settings)
        guard let hash = settings.accountHash, !hash.isEmpty else {
            throw .misconfigured("no account hash: set CLOUDFLARE_IMAGES_ACCOUNT_HASH")
        }
        do {
            let base = try DeliveryURL(accountHash: hash, imageID: image.cloudflareID, variant: .public, domain: domain)
            return DeliveryTarget(base: base, knownVariants: known)
        } catch {
            throw .misconfigured("\(error)")
        }
    }

    /// The settings' delivery domain: the custom one when `deliveryURL` is set, else `imagedelivery.net`.
    static func configuredDomain(_ settings: Settings) throws(Failure) -> DeliveryDomain {
        guard let raw = settings.deliveryURL, !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            return .imageDelivery
        }
        do {
            return try DeliveryDomain.custom(
                raw, pathPrefix: settings.deliveryPathPrefix, includesAccountHash: settings.deliveryIncludeAccountHash)
        } catch {
            throw .misconfigured("CLOUDFLARE_IMAGES_DELIVERY_URL: \(error)")
        }
    }

    /// A parser that recognizes this target's URLs (for ``ResponsiveImage``).
    var parser: DeliveryURLParser {
        DeliveryURLParser(customDomains: base.domain.isImageDelivery ? [] : [base.domain])
    }
}

/// One stored variant URL, read only for the name of the variant it serves (its last path segment).
struct StoredVariantURL {
    /// The last path segment, when the URL has one besides an id.
    let variantName: String?

    init(_ text: String) {
        var rest = Substring(text)
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        let segments = rest.drop { $0 != "/" }.split(separator: "/")
        variantName = segments.count >= 2 ? segments.last.map { $0.removingPercentEncoding ?? String($0) } : nil
    }
}
