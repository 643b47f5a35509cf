/// A Cloudflare Images delivery URL: `<origin>/[<prefix>/][<account_hash>/]<image_id>[/<variant>]`.
///
/// Image ids may contain `/` (custom ids); each segment is percent-encoded on output, the slashes are kept.
/// ```swift
/// let url = try DeliveryURL(accountHash: "Vi7wi5KSItxGFsWRG2Us6Q", imageID: "083eb7b2", variant: .public)
/// url.string  // "https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/083eb7b2/public"
/// ```
public struct DeliveryURL: Sendable, Hashable, CustomStringConvertible {
    public let domain: DeliveryDomain
    public let accountHash: String
    /// The image id, not percent-encoded; may contain `/`.
    public let imageID: String
    /// `nil` for a URL that ends at the image id.
    public let variant: Variant?

    /// Validates the parts; leading and trailing `/` on `imageID` are dropped, as in the reference.
    public init(
        accountHash: String,
        imageID: String,
        variant: Variant? = .public,
        domain: DeliveryDomain = .imageDelivery
    ) throws(DeliveryURLError) {
        guard !accountHash.isEmpty, accountHash.utf8.allSatisfy(Self.isHashCharacter) else {
            throw .invalidAccountHash(accountHash)
        }
        let id = imageID.trimming(characters: "/")
        let segments = id.split(separator: "/", omittingEmptySubsequences: false)
        guard !id.isEmpty, !PathSegment.hasControlCharacters(id),
            segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else {
            throw .invalidImageID(imageID)
        }
        if let variant {
            let text = variant.segment
            guard !text.isEmpty, !text.contains("/"), text != ".", text != "..",
                !PathSegment.hasControlCharacters(text)
            else {
                throw .invalidVariant(text)
            }
        }
        self.domain = domain
        self.accountHash = accountHash
        self.imageID = id
        self.variant = variant
    }

    /// The encoded path from the image id on: `<image_id>[/<variant>]`.
    private var idAndVariantPath: String {
        var segments = imageID.split(separator: "/").map { PathSegment.encode(String($0)) }
        if let variant { segments.append(PathSegment.encode(variant.segment)) }
        return segments.joined(separator: "/")
    }

    /// The URL path on `domain`, starting with `/`, percent-encoded.
    public var path: String {
        var parts: [String] = []
        if !domain.pathPrefix.isEmpty { parts.append(domain.pathPrefix) }
        if domain.includesAccountHash { parts.append(accountHash) }
        parts.append(idAndVariantPath)
        return "/" + parts.joined(separator: "/")
    }

    /// The path Cloudflare signs and checks for private images: `/<account_hash>/<image_id>/<variant>`, i.e. the
    /// pathname of the equivalent `imagedelivery.net` URL, whatever `domain` is.
    public var signingPath: String {
        "/\(accountHash)/\(idAndVariantPath)"
    }

    /// The full URL text.
    public var string: String { domain.origin + path }

    public var description: String { string }

    /// The same image with another variant (validated like the initializer's).
    public func with(variant: Variant?) throws(DeliveryURLError) -> DeliveryURL {
        try DeliveryURL(accountHash: accountHash, imageID: imageID, variant: variant, domain: domain)
    }

    /// The same image as a flexible variant carrying `transformation`; unchanged when the transformation is empty.
    public func transformed(by transformation: Transformation) -> DeliveryURL {
        // An option string never holds `/` or control characters, so it needs no further check.
        transformation.isEmpty
            ? self : DeliveryURL(unchecked: domain, accountHash, imageID, .transformation(transformation))
    }

    /// The same image on another domain.
    public func on(_ domain: DeliveryDomain) -> DeliveryURL {
        DeliveryURL(unchecked: domain, accountHash, imageID, variant)
    }

    private init(unchecked domain: DeliveryDomain, _ hash: String, _ id: String, _ variant: Variant?) {
        self.domain = domain
        self.accountHash = hash
        self.imageID = id
        self.variant = variant
    }

    private static func isHashCharacter(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }
}
