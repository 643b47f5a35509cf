extension DeliveryURLParser {
    /// A recognized delivery URL, split into its parts (percent-decoded).
    public struct Result: Sendable, Hashable {
        public let domain: DeliveryDomain
        /// `nil` on a domain whose URLs leave the hash out (a Worker proxy).
        public let accountHash: String?
        public let imageID: String
        public let variant: DeliveryURL.Variant?
        /// The raw query string without `?` (e.g. `exp=...&sig=...`), if any.
        public let query: String?

        /// The parts as a `DeliveryURL`; `accountHash` fills in for a URL that does not carry one.
        public func deliveryURL(accountHash fallback: String? = nil) throws(DeliveryURLError) -> DeliveryURL {
            guard let hash = accountHash ?? fallback else { throw .invalidAccountHash("") }
            return try DeliveryURL(accountHash: hash, imageID: imageID, variant: variant, domain: domain)
        }

        /// The URL rebuilt on its own domain with `variant` as its last segment (query dropped).
        func string(variant: DeliveryURL.Variant?) -> String {
            var segments: [String] = []
            if !domain.pathPrefix.isEmpty { segments.append(domain.pathPrefix) }
            if let accountHash { segments.append(PathSegment.encode(accountHash)) }
            segments += imageID.split(separator: "/").map { PathSegment.encode(String($0)) }
            if let variant { segments.append(PathSegment.encode(variant.segment)) }
            return domain.origin + "/" + segments.joined(separator: "/")
        }
    }
}
