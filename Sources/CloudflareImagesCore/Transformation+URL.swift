extension Transformation {
    /// Applies the options to an image URL, like the reference toolkit's `CloudflareImageTransform.build()`:
    /// - a delivery URL (as `parser` recognizes them) gets the options as its flexible variant, replacing the named
    ///   variant or appended when it has none; its query is kept;
    /// - any other URL or path gets Cloudflare's image-resizing form, `/cdn-cgi/image/<options>/<path>`.
    ///
    /// An empty transformation returns `url` unchanged.
    public func apply(to url: String, parser: DeliveryURLParser = DeliveryURLParser()) -> String {
        guard !isEmpty else { return url }
        if let parsed = parser.parse(url) {
            let withOptions = DeliveryURLParser.Result(
                domain: parsed.domain, accountHash: parsed.accountHash, imageID: parsed.imageID, variant: nil,
                query: nil
            )
            return withOptions.string(variant: .transformation(self)) + (parsed.query.map { "?" + $0 } ?? "")
        }
        return imageResizingURL(source: url)
    }

    /// Cloudflare image resizing for images on a zone: `https://<zone>/cdn-cgi/image/<options>/<source path>`.
    ///
    /// With `zone`, `source` is a path on that zone. Without, an absolute `source` keeps its scheme and host
    /// (`https://example.com/cdn-cgi/image/<options>/img.jpg`) and a relative one yields a root-relative URL
    /// (`/cdn-cgi/image/<options>/img.jpg`). The source path is not re-encoded, as Cloudflare expects.
    public func imageResizingURL(source: String, zone: String? = nil) -> String {
        let options = optionsString
        if let zone {
            return "https://\(zone)/cdn-cgi/image/\(options)/\(source.trimmingLeadingSlashes)"
        }
        let parts = URLParts(source)
        if let scheme = parts.scheme, scheme == "http" || scheme == "https", let host = parts.host {
            return "\(scheme)://\(host)/cdn-cgi/image/\(options)\(parts.path.isEmpty ? "/" : parts.path)"
        }
        return "/cdn-cgi/image/\(options)/\(source.trimmingLeadingSlashes)"
    }
}

extension String {
    var trimmingLeadingSlashes: String { String(drop(while: { $0 == "/" })) }
}
