import Foundation

extension CloudflareEmulator {
    /// Everything the emulator needs: the account it pretends to be, where it keeps state, how its URLs look,
    /// where webhooks go, and the fault knobs' starting values.
    public struct Configuration: Sendable {
        /// The `{account_id}` in `/client/v4/accounts/{account_id}/images/...`; other ids are refused.
        public var accountID: String
        /// The Bearer token every API call must carry (compared in constant time, never logged).
        public var apiToken: String
        /// The `<hash>` in delivery URLs.
        public var accountHash: String
        /// The key signed delivery URLs are verified with; also what `v1/keys` returns.
        public var signingKey: String
        /// Directory for `emulator.sqlite3` and the uploaded bytes; created when missing.
        public var dataDirectory: String
        /// Absolute URL at which the emulator's router is reachable, without a trailing slash, e.g.
        /// `http://127.0.0.1:8080/_emulator` (embedded) or `http://127.0.0.1:8787` (standalone). Upload URLs are
        /// `{publicBaseURL}/upload/<token>` and variants `{publicBaseURL}/imagedelivery/<hash>/<id>/<variant>`.
        public var publicBaseURL: String
        /// The base that image objects' `variants` name instead of the emulator's own delivery route
        /// (``CloudflareEmulator/deliveryBaseURL``), trailing slashes ignored: `https://imagedelivery.net` answers
        /// with the URLs Cloudflare gives, for a client tested without delivery. nil (the default) names URLs the
        /// emulator serves.
        public var variantBaseURL: String?
        /// Where upload-completed and upload-failed notifications are POSTed; nil sends none.
        public var webhookURL: String?
        /// Sent as `cf-webhook-auth: <secret>` (as Cloudflare Notifications do) and used for `X-Signature`.
        public var webhookSecret: String?
        /// Cloudflare's Notifications envelope (the default) or the reference package's flat object.
        public var webhookFormat: WebhookFormat
        /// In the flat format, also send `X-Signature: sha256=<hex HMAC-SHA256(secret, body)>` when a secret is set.
        public var webhookSignsBody: Bool
        /// Waits between webhook delivery attempts; one attempt more than there are delays.
        public var webhookRetryDelays: [Duration]
        /// Starting latency and failure knobs; change them later with `setFaults(_:)` or `POST {mount}/_control/faults`.
        public var faults: FaultSettings
        /// The largest accepted image file, 10 MB as on Cloudflare; also where a `url` download is cut off.
        public var maxFileBytes: Int
        /// Lets `POST v1` with `url` fetch from loopback, private, link-local and other non-public addresses
        /// (local development and tests). Off, such URLs are refused before any connection is made.
        public var allowPrivateURLs: Bool
        /// The named variants every image has.
        public var variants: [String]
        /// What `v1/stats` reports as `count.allowed`.
        public var imageAllowance: Int
        /// Whether delivery URLs may carry transformation options (`.../<id>/w=400,sharpen=3`); when off they are
        /// refused with Cloudflare's 403 (error 9429). Cloudflare's default is off (an account turns them on with
        /// `PATCH v1/config {"flexible_variants": true}`); the emulator's is on, so the embedded development setup
        /// can use them. `PATCH v1/config` and `setFlexibleVariants(_:)` change it at run time.
        public var flexibleVariants: Bool
        /// A second Bearer token that may only read, as a Cloudflare token with "Cloudflare Images: Read" and
        /// not Edit: `GET` API calls accept it, every other method answers Cloudflare's 403 (code 10000).
        public var readOnlyToken: String?
        /// Whether `v1/keys` lists `signingKey`. Off, it lists none, as for an account without a signing key
        /// (signed URLs are still verified with `signingKey`).
        public var listsSigningKeys: Bool

        /// The formats uploads may have: all Cloudflare accepts, or fewer to stand in for a deployment's own limit.
        public var acceptedFormats: Set<ImageFormat>

        /// The emulator's wall clock (upload URL expiry, draft and upload times, signed URL expiry, rate-limit
        /// windows): the system's by default. A test gives the clock of the service it stands beside, so that a time
        /// one computes holds for the other.
        public var clock: @Sendable () -> Date

        public init(
            accountID: String,
            apiToken: String,
            accountHash: String,
            signingKey: String,
            dataDirectory: String,
            publicBaseURL: String,
            variantBaseURL: String? = nil,
            webhookURL: String? = nil,
            webhookSecret: String? = nil,
            webhookFormat: WebhookFormat = .notifications,
            webhookSignsBody: Bool = true,
            webhookRetryDelays: [Duration] = [.milliseconds(250), .seconds(1), .seconds(4)],
            faults: FaultSettings = .none,
            maxFileBytes: Int = 10 * 1024 * 1024,
            variants: [String] = ["public", "thumbnail"],
            imageAllowance: Int = 100_000,
            allowPrivateURLs: Bool = false,
            flexibleVariants: Bool = true,
            readOnlyToken: String? = nil,
            listsSigningKeys: Bool = true,
            acceptedFormats: Set<ImageFormat> = Set(ImageFormat.allCases),
            clock: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.accountID = accountID
            self.apiToken = apiToken
            self.accountHash = accountHash
            self.signingKey = signingKey
            self.dataDirectory = dataDirectory
            var base = publicBaseURL
            while base.hasSuffix("/") { base.removeLast() }
            self.publicBaseURL = base
            self.variantBaseURL = variantBaseURL
            self.webhookURL = webhookURL
            self.webhookSecret = webhookSecret
            self.webhookFormat = webhookFormat
            self.webhookSignsBody = webhookSignsBody
            self.webhookRetryDelays = webhookRetryDelays
            self.faults = faults
            self.maxFileBytes = maxFileBytes
            self.variants = variants
            self.imageAllowance = imageAllowance
            self.allowPrivateURLs = allowPrivateURLs
            self.flexibleVariants = flexibleVariants
            self.readOnlyToken = readOnlyToken
            self.listsSigningKeys = listsSigningKeys
            self.acceptedFormats = acceptedFormats
            self.clock = clock
        }
    }
}
