import Foundation

/// Every setting of the service, read from the environment, with an optional `Config/cfimages.env` file underneath
/// (environment wins). `Settings.load` checks each value and stops with a `SettingsError` naming the bad one.
public struct Settings: Sendable {
    // Service
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "data"
    public var databasePath = "data/cfimages.sqlite"
    /// `CFIMAGES_DATABASE_URL`: PostgreSQL instead of the SQLite file at `databasePath`, shared by any number of
    /// instances; nil keeps SQLite.
    public var databaseURL: DatabaseURL?
    /// Connections each instance keeps to PostgreSQL (`CFIMAGES_DATABASE_CONNECTIONS`).
    public var databaseConnections = 8
    public var pathPrefix = "/cloudflare-images"
    public var logLevel = LogLevel.info
    public var accessLog = true
    public var migrationsDirectory: String?
    public var eventLoops: Int?
    /// Seconds between in-process sweeps of expired uploads; 0 turns the sweep off.
    public var cleanupIntervalSeconds = 300
    /// A separate `host:port` for `/metrics`; when unset `/metrics` is served on the main port to admin tokens.
    public var metricsAddress: String?
    /// Memory for finished list responses reused while no image changes; 0 turns the cache off.
    public var listCacheMB = 16
    /// The service's public origin (`https://images.example.com`); an https one makes console cookies `Secure`.
    public var publicURL: String?
    /// Minutes a console session lives without a request.
    public var consoleIdleMinutes = 30
    /// Hours a console session lives at most, however busy.
    public var consoleSessionHours = 12
    /// Origins (`https://app.example.com`) allowed to call the API from a browser (CORS).
    public var corsOrigins: [String] = []

    // Cloudflare
    public var accountID: String?
    public var apiToken: String?
    public var accountHash: String?
    public var baseURL = "https://api.cloudflare.com/client/v4"
    public var webhookSecret: String?
    /// A missing Cloudflare account is a start-up error instead of the built-in emulator (the Dockerfile sets it).
    public var requireCloudflare = false
    /// With a real account and no webhook secret, deliveries are refused unless this is set explicitly.
    public var webhookAllowUnsigned = false
    /// How long a webhook delivery is remembered, so a redelivery or replay of it changes nothing.
    public var webhookRetentionHours = 168
    /// Event endpoints may point at private, loopback or link-local addresses (refused by default).
    public var eventsAllowPrivateURLs = false
    /// How long a rotated-out endpoint secret keeps signing beside the new one.
    public var eventsSecretGraceHours = 24
    /// Events older than this are pruned with their deliveries.
    public var eventsRetentionDays = 30
    /// The longest a `GET api/images/{id}/?wait=` is held, whatever `wait` asks (below a proxy's idle timeout).
    public var waitMaxSeconds = 60
    public var signingKey: String?
    public var defaultExpiryMinutes = 30
    public var maxFileSizeMB = 10
    /// The formats accepted wherever the service sees an image's name, type or bytes (all Cloudflare accepts).
    public var allowedFormats = Set(UploadFormat.allCases)
    public var requireSignedURLs = true
    public var deliveryURL: String?
    public var deliveryPathPrefix = "cdn-cgi/imagedelivery"
    public var deliveryIncludeAccountHash = true
    public var thumbnailVariant = "thumbnail"
    /// Whether the account has flexible variants on (transformation options in delivery URLs); Cloudflare's default
    /// is off. False makes `/url/` with options and `/srcset/` refuse with a 400 instead of handing out URLs
    /// Cloudflare answers 403.
    public var flexibleVariants = true
    /// JSON object text merged under every upload's metadata.
    public var defaultMetadataJSON = "{}"
    public var defaultCreator: String?
    public var connectTimeoutSeconds = 5.0
    /// Timeout of one attempt of a call to Cloudflare.
    public var requestTimeoutSeconds = 30.0
    /// Bound on a whole call to Cloudflare, retries and waits included.
    public var callDeadlineSeconds = 60.0
    public var maxAttempts = 5
    public var rateLimitRequests = 1200
    public var rateLimitWindowSeconds = 300
    /// Calls to Cloudflare started in any one second, kept below Cloudflare's 200 per second per client address.
    public var rateLimitPerSecond = 100
    /// Cloudflare calls one user's requests may start per window (a share of `rateLimitRequests`).
    public var cloudflareCallsPerUser = 300
    /// Calls per window user requests leave to the readiness probe and the expiry sweep.
    public var cloudflareReservedCalls = 60

    public init() {}

    /// True when no Cloudflare account is configured: `serve` then embeds the emulator.
    public var usesEmbeddedEmulator: Bool { accountID == nil && apiToken == nil }

    /// Points delivery URLs at a stand-in for imagedelivery.net such as the emulator's
    /// `http://127.0.0.1:8080/_emulator/imagedelivery`, unless a delivery URL is configured: its origin becomes the
    /// delivery domain and its path the path prefix (account hash included).
    public mutating func deliverThrough(_ base: String) {
        guard deliveryURL == nil, let scheme = base.range(of: "://") else { return }
        let rest = base[scheme.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        deliveryURL = String(base[..<slash])
        deliveryPathPrefix = rest[slash...].split(separator: "/").joined(separator: "/")
        deliveryIncludeAccountHash = true
    }

    /// Why webhook deliveries are refused whatever they carry, or nil when they are checked normally: a real
    /// account with no secret would let anyone who knows an image id report on it.
    public var webhookRefusal: String? {
        guard !usesEmbeddedEmulator, (webhookSecret ?? "").isEmpty, !webhookAllowUnsigned else { return nil }
        return "No webhook secret is configured: set CLOUDFLARE_IMAGES_WEBHOOK_SECRET to the secret of the Cloudflare"
            + " Notifications destination (or CLOUDFLARE_IMAGES_WEBHOOK_ALLOW_UNSIGNED=true to accept unsigned deliveries)"
    }

    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// The default location of the optional settings file, overridable with `CFIMAGES_CONFIG_FILE`.
    public static let defaultConfigFile = "Config/cfimages.env"

    /// Settings from `environment` over the config file (named by `CFIMAGES_CONFIG_FILE` or the default).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let filePath = environment["CFIMAGES_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultConfigFile
        if environment["CFIMAGES_CONFIG_FILE"] != nil, !FileManager.default.fileExists(atPath: filePath) {
            throw SettingsError(setting: "CFIMAGES_CONFIG_FILE", reason: "no file at '\(filePath)'")
        }
        let fileValues = try EnvironmentFile.load(path: filePath)
        return try Settings(values: fileValues.merging(environment) { _, env in env })
    }

    /// Settings from a flat `name → value` map. Empty values count as unset.
    public init(values: [String: String]) throws {
        let reader = SettingsReader(values: values)
        host = try reader.string("CFIMAGES_HOST") ?? host
        port = try reader.integer("CFIMAGES_PORT", in: 0...65535) ?? port
        dataDirectory = try reader.string("CFIMAGES_DATA_DIR") ?? dataDirectory
        databasePath =
            try reader.string("CFIMAGES_DATABASE")
            ?? (dataDirectory as NSString).appendingPathComponent("cfimages.sqlite")
        databaseURL = try reader.string("CFIMAGES_DATABASE_URL", secret: true).map { try DatabaseURL($0) }
        databaseConnections = try reader.integer("CFIMAGES_DATABASE_CONNECTIONS", in: 1...256) ?? databaseConnections
        pathPrefix = try reader.pathPrefix("CFIMAGES_PATH_PREFIX") ?? pathPrefix
        logLevel = try reader.choice("CFIMAGES_LOG_LEVEL", LogLevel.self) ?? logLevel
        accessLog = try reader.bool("CFIMAGES_ACCESS_LOG") ?? accessLog
        migrationsDirectory = try reader.string("CFIMAGES_MIGRATIONS_DIR")
        eventLoops = try reader.integer("CFIMAGES_EVENT_LOOPS", in: 1...256)
        cleanupIntervalSeconds =
            try reader.integer("CFIMAGES_CLEANUP_INTERVAL_SECONDS", in: 0...86_400) ?? cleanupIntervalSeconds
        metricsAddress = try reader.hostPort("CFIMAGES_METRICS_ADDRESS")
        listCacheMB = try reader.integer("CFIMAGES_LIST_CACHE_MB", in: 0...4096) ?? listCacheMB
        publicURL = try reader.url("CFIMAGES_PUBLIC_URL")
        consoleIdleMinutes = try reader.integer("CFIMAGES_CONSOLE_IDLE_MINUTES", in: 1...10_080) ?? consoleIdleMinutes
        consoleSessionHours = try reader.integer("CFIMAGES_CONSOLE_SESSION_HOURS", in: 1...720) ?? consoleSessionHours
        corsOrigins = try reader.origins("CFIMAGES_CORS_ORIGINS") ?? corsOrigins

        accountID = try reader.string("CLOUDFLARE_IMAGES_ACCOUNT_ID")
        apiToken = try reader.string("CLOUDFLARE_IMAGES_API_TOKEN", secret: true)
        accountHash = try reader.string("CLOUDFLARE_IMAGES_ACCOUNT_HASH")
        baseURL = try reader.url("CLOUDFLARE_IMAGES_BASE_URL") ?? baseURL
        webhookSecret = try reader.string("CLOUDFLARE_IMAGES_WEBHOOK_SECRET", secret: true)
        webhookAllowUnsigned = try reader.bool("CLOUDFLARE_IMAGES_WEBHOOK_ALLOW_UNSIGNED") ?? webhookAllowUnsigned
        webhookRetentionHours =
            try reader.integer("CFIMAGES_WEBHOOK_RETENTION_HOURS", in: 1...8_760) ?? webhookRetentionHours
        eventsAllowPrivateURLs = try reader.bool("CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS") ?? eventsAllowPrivateURLs
        eventsSecretGraceHours =
            try reader.integer("CFIMAGES_EVENTS_SECRET_GRACE_HOURS", in: 0...720) ?? eventsSecretGraceHours
        eventsRetentionDays = try reader.integer("CFIMAGES_EVENTS_RETENTION_DAYS", in: 1...3_650) ?? eventsRetentionDays
        waitMaxSeconds = try reader.integer("CFIMAGES_WAIT_MAX_SECONDS", in: 1...60) ?? waitMaxSeconds
        signingKey = try reader.string("CLOUDFLARE_IMAGES_SIGNING_KEY", secret: true)
        defaultExpiryMinutes =
            try reader.integer("CLOUDFLARE_IMAGES_DEFAULT_EXPIRY_MINUTES", in: 2...360) ?? defaultExpiryMinutes
        maxFileSizeMB = try reader.integer("CLOUDFLARE_IMAGES_MAX_FILE_SIZE_MB", in: 1...10) ?? maxFileSizeMB
        allowedFormats = try reader.choices("CLOUDFLARE_IMAGES_ALLOWED_FORMATS", UploadFormat.self) ?? allowedFormats
        requireSignedURLs = try reader.bool("CLOUDFLARE_IMAGES_REQUIRE_SIGNED_URLS") ?? requireSignedURLs
        deliveryURL = try reader.url("CLOUDFLARE_IMAGES_DELIVERY_URL", allowBareHost: true)
        if let prefix = try reader.string("CLOUDFLARE_IMAGES_DELIVERY_PATH_PREFIX", allowEmpty: true) {
            deliveryPathPrefix = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        }
        deliveryIncludeAccountHash =
            try reader.bool("CLOUDFLARE_IMAGES_DELIVERY_INCLUDE_ACCOUNT_HASH") ?? deliveryIncludeAccountHash
        thumbnailVariant = try reader.string("CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT") ?? thumbnailVariant
        flexibleVariants = try reader.bool("CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS") ?? flexibleVariants
        defaultMetadataJSON = try reader.jsonObject("CLOUDFLARE_IMAGES_DEFAULT_METADATA") ?? defaultMetadataJSON
        defaultCreator = try reader.string("CLOUDFLARE_IMAGES_DEFAULT_CREATOR")
        connectTimeoutSeconds =
            try reader.seconds("CLOUDFLARE_IMAGES_CONNECT_TIMEOUT_SECONDS", in: 0.1...120) ?? connectTimeoutSeconds
        requestTimeoutSeconds =
            try reader.seconds("CLOUDFLARE_IMAGES_TIMEOUT_SECONDS", in: 0.1...600) ?? requestTimeoutSeconds
        callDeadlineSeconds =
            try reader.seconds("CLOUDFLARE_IMAGES_CALL_DEADLINE_SECONDS", in: 0.1...3600) ?? callDeadlineSeconds
        maxAttempts = try reader.integer("CLOUDFLARE_IMAGES_MAX_ATTEMPTS", in: 1...10) ?? maxAttempts
        rateLimitRequests =
            try reader.integer("CLOUDFLARE_IMAGES_RATE_LIMIT_REQUESTS", in: 1...1_000_000) ?? rateLimitRequests
        rateLimitWindowSeconds =
            try reader.integer("CLOUDFLARE_IMAGES_RATE_LIMIT_WINDOW_SECONDS", in: 1...86_400) ?? rateLimitWindowSeconds
        rateLimitPerSecond =
            try reader.integer("CLOUDFLARE_IMAGES_RATE_LIMIT_PER_SECOND", in: 1...1_000_000) ?? rateLimitPerSecond
        cloudflareCallsPerUser =
            try reader.integer("CFIMAGES_CLOUDFLARE_CALLS_PER_USER", in: 1...1_000_000) ?? cloudflareCallsPerUser
        cloudflareReservedCalls =
            try reader.integer("CFIMAGES_CLOUDFLARE_RESERVED_CALLS", in: 0...1_000_000) ?? cloudflareReservedCalls
        if cloudflareReservedCalls >= rateLimitRequests {
            throw SettingsError(
                setting: "CFIMAGES_CLOUDFLARE_RESERVED_CALLS",
                reason: "must be less than CLOUDFLARE_IMAGES_RATE_LIMIT_REQUESTS")
        }

        requireCloudflare = try reader.bool("CFIMAGES_REQUIRE_CLOUDFLARE") ?? requireCloudflare
        try checkAccount()
    }

    /// The account settings go together: all three, or none (then the built-in emulator serves, unless
    /// `CFIMAGES_REQUIRE_CLOUDFLARE` forbids it). A partial account never falls back to the emulator.
    func checkAccount() throws {
        let account = [
            ("CLOUDFLARE_IMAGES_ACCOUNT_ID", accountID), ("CLOUDFLARE_IMAGES_API_TOKEN", apiToken),
            ("CLOUDFLARE_IMAGES_ACCOUNT_HASH", accountHash),
        ]
        let missing = account.filter { $0.1 == nil }.map(\.0)
        if missing.count == account.count {
            if requireCloudflare {
                throw SettingsError(
                    setting: "CLOUDFLARE_IMAGES_ACCOUNT_ID",
                    reason:
                        "CLOUDFLARE_IMAGES_ACCOUNT_ID, CLOUDFLARE_IMAGES_API_TOKEN and CLOUDFLARE_IMAGES_ACCOUNT_HASH are"
                        + " required: CFIMAGES_REQUIRE_CLOUDFLARE=true forbids the built-in emulator")
            }
            return
        }
        if let first = missing.first {
            let given = account.filter { $0.1 != nil }.map(\.0).joined(separator: ", ")
            let hint =
                first == "CLOUDFLARE_IMAGES_ACCOUNT_HASH"
                ? " (find it under Developer Resources in the Images dashboard)" : ""
            throw SettingsError(
                setting: first,
                reason:
                    "is required with \(given): set \(missing.joined(separator: " and "))\(hint), or none of them to use"
                    + " the built-in emulator")
        }
    }

    /// Every setting name `Settings` reads, for documentation checks.
    public static let names: [String] = [
        "CFIMAGES_CONFIG_FILE", "CFIMAGES_HOST", "CFIMAGES_PORT", "CFIMAGES_DATA_DIR", "CFIMAGES_DATABASE",
        "CFIMAGES_PATH_PREFIX", "CFIMAGES_LOG_LEVEL", "CFIMAGES_ACCESS_LOG", "CFIMAGES_MIGRATIONS_DIR",
        "CFIMAGES_EVENT_LOOPS", "CFIMAGES_CLEANUP_INTERVAL_SECONDS", "CFIMAGES_METRICS_ADDRESS",
        "CFIMAGES_LIST_CACHE_MB",
        "CFIMAGES_WAIT_MAX_SECONDS",
        "CFIMAGES_PUBLIC_URL", "CFIMAGES_CONSOLE_IDLE_MINUTES", "CFIMAGES_CONSOLE_SESSION_HOURS",
        "CFIMAGES_CORS_ORIGINS",
        "CLOUDFLARE_IMAGES_ACCOUNT_ID", "CLOUDFLARE_IMAGES_API_TOKEN", "CLOUDFLARE_IMAGES_ACCOUNT_HASH",
        "CLOUDFLARE_IMAGES_BASE_URL", "CLOUDFLARE_IMAGES_WEBHOOK_SECRET", "CLOUDFLARE_IMAGES_WEBHOOK_ALLOW_UNSIGNED",
        "CFIMAGES_WEBHOOK_RETENTION_HOURS", "CLOUDFLARE_IMAGES_SIGNING_KEY",
        "CLOUDFLARE_IMAGES_DEFAULT_EXPIRY_MINUTES", "CLOUDFLARE_IMAGES_MAX_FILE_SIZE_MB",
        "CLOUDFLARE_IMAGES_ALLOWED_FORMATS",
        "CLOUDFLARE_IMAGES_REQUIRE_SIGNED_URLS", "CLOUDFLARE_IMAGES_DELIVERY_URL",
        "CLOUDFLARE_IMAGES_DELIVERY_PATH_PREFIX", "CLOUDFLARE_IMAGES_DELIVERY_INCLUDE_ACCOUNT_HASH",
        "CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT", "CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS",
        "CLOUDFLARE_IMAGES_DEFAULT_METADATA", "CLOUDFLARE_IMAGES_DEFAULT_CREATOR",
        "CLOUDFLARE_IMAGES_CONNECT_TIMEOUT_SECONDS", "CLOUDFLARE_IMAGES_TIMEOUT_SECONDS",
        "CLOUDFLARE_IMAGES_CALL_DEADLINE_SECONDS",
        "CLOUDFLARE_IMAGES_MAX_ATTEMPTS", "CLOUDFLARE_IMAGES_RATE_LIMIT_REQUESTS",
        "CLOUDFLARE_IMAGES_RATE_LIMIT_WINDOW_SECONDS", "CLOUDFLARE_IMAGES_RATE_LIMIT_PER_SECOND",
        "CFIMAGES_CLOUDFLARE_CALLS_PER_USER", "CFIMAGES_CLOUDFLARE_RESERVED_CALLS",
        "CFIMAGES_REQUIRE_CLOUDFLARE",
    ]
}
