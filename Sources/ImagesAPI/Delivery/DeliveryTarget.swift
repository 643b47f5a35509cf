import CloudflareImages
import Configuration
import Foundation
import ImageStore

/// Where one image's delivery URLs point: domain, account hash and image id, from which any variant or flexible
/// variant URL is built (and signed, see ``URLSigner``).
///
/// The choice mirrors `public_url` (contract §3.1): when the image's stored variant URLs are on
/// `imagedelivery.net`, the configured delivery domain is used (`CLOUDFLARE_IMAGES_DELIVERY_URL` with its path
/// prefix and account-hash settings, else `imagedelivery.net`); when they use another base, such as the embedded
/// emulator's `http://host/_emulator/imagedelivery/<hash>/<id>/<variant>`, that base is kept, so the URLs open
/// where the stored ones do.
struct DeliveryTarget: Sendable {
    let base: DeliveryURL
    /// The named variants the stored URLs list (their last path segments), e.g. `public`, `thumbnail`.
    let knownVariants: [String]

    /// Why an image has no target.
    enum Failure: Error, Equatable {
        /// The image has no stored variant URLs: it was never uploaded (or Cloudflare listed none).
        case notUploaded
        /// Neither the stored URLs nor the settings give an account hash or a valid domain.
        case misconfigured(String)
    }

    static func resolve(_ image: ImageRecord, settings: Settings) throws(Failure) -> DeliveryTarget {
        guard !image.variants.isEmpty else { throw .notUploaded }
        let stored = image.variants.map(StoredVariantURL.init)
        let known = stored.compactMap(\.variantName).reduce(into: [String]()) { list, name in
            if !list.contains(name) { list.append(name) }
        }
        let imageID = image.cloudflareID
        let publicURL = stored.first { $0.variantName == "public" } ?? stored[0]
        let parsed = publicURL.split(imageID: imageID)

        let domain: DeliveryDomain
        let hash: String?
        if let parsed, parsed.origin.host != DeliveryDomain.imageDeliveryHost {
            do {
                domain = try DeliveryDomain.custom(
                    "\(parsed.origin.scheme)://\(parsed.origin.host)", pathPrefix: parsed.prefix, includesAccountHash: true)
            } catch {
                throw .misconfigured("the stored variant URL \(publicURL.text) has an invalid host")
            }
            hash = parsed.accountHash
        } else {
            domain = try configuredDomain(settings)
            hash = settings.accountHash ?? parsed?.accountHash
        }
        guard let hash else {
            throw .misconfigured("no account hash: set CLOUDFLARE_IMAGES_ACCOUNT_HASH")
        }
        do {
            let base = try DeliveryURL(accountHash: hash, imageID: imageID, variant: .public, domain: domain)
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

/// One stored variant URL, split into the pieces ``DeliveryTarget`` needs.
struct StoredVariantURL {
    let text: String
    let scheme: String
    let host: String
    /// Percent-decoded path segments.
    let segments: [String]

    init(_ text: String) {
        self.text = text
        var rest = Substring(text)
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
        var scheme = ""
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        self.scheme = scheme
        self.host = rest[..<slash].lowercased()
        self.segments = rest[slash...].split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
    }

    /// The last path segment, when the URL has one besides an id.
    var variantName: String? { segments.count >= 2 ? segments.last : nil }

    /// `<prefix...>/<hash>/<image id...>/<variant>` split around a known image id; nil when the path does not end
    /// in that id and a variant.
    func split(imageID: String) -> (origin: (scheme: String, host: String), prefix: String, accountHash: String)? {
        let idSegments = imageID.split(separator: "/").map(String.init)
        guard !scheme.isEmpty, !host.isEmpty, !idSegments.isEmpty, segments.count >= idSegments.count + 2 else {
            return nil
        }
        let idStart = segments.count - 1 - idSegments.count
        guard Array(segments[idStart..<segments.count - 1]) == idSegments else { return nil }
        return ((scheme, host), segments[..<(idStart - 1)].joined(separator: "/"), segments[idStart - 1])
    }
}
