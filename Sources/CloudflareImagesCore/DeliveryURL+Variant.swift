extension DeliveryURL {
    /// The last path segment of a delivery URL: a named variant (`public`, `thumbnail`) or flexible-variant options
    /// (`w=300,h=200,fit=cover`, which needs flexible variants enabled on the account).
    public enum Variant: Sendable, Hashable, CustomStringConvertible {
        case named(String)
        case options(String)

        /// Cloudflare's default variant.
        public static let `public` = Variant.named("public")

        /// Classifies a raw segment: anything holding `=` is options, as in the reference toolkit.
        public init(_ segment: String) {
            self = segment.contains("=") ? .options(segment) : .named(segment)
        }

        /// A flexible variant from a transformation.
        public static func transformation(_ transformation: Transformation) -> Variant {
            .options(transformation.optionsString)
        }

        /// The segment text, before percent-encoding.
        public var segment: String {
            switch self {
            case let .named(name): name
            case let .options(options): options
            }
        }

        public var description: String { segment }

        /// The transformation an options variant spells, validated; `nil` for a named variant.
        public func transformation() throws(TransformationError) -> Transformation? {
            guard case let .options(options) = self else { return nil }
            return try Transformation(optionsString: options)
        }
    }
}
