import CloudflareEmulator
import CloudflareImages
import Configuration
import Crypto
import Foundation
import HTTPServer
import Logging

/// The emulator `serve` mounts when no Cloudflare account is configured, and the settings it implies.
struct EmbeddedEmulator {
    static let mountPath = "/_emulator"
    static let accountID = "emulator-account"
    static let defaultAccountHash = "emulator-hash"

    let emulator: CloudflareEmulator
    let router: Router
    let apiToken: String

    static func directory(_ settings: Settings) -> String {
        (settings.dataDirectory as NSString).appendingPathComponent("emulator")
    }

    /// Builds the emulator under `<data dir>/emulator`. Fills in `settings` so the API signs delivery URLs with the
    /// emulator's key and the emulator's webhooks pass the API's signature check: a signing key, webhook secret and
    /// API token are generated once and kept in the data directory (0700, files 0600, see ``SecretFile``) unless settings
    /// provide them.
    static func make(settings: inout Settings, origin: String, logger: Logger) throws -> EmbeddedEmulator {
        let directory = directory(settings)
        try SecretFile.privateDirectory(settings.dataDirectory)
        try SecretFile.privateDirectory(directory)
        if settings.signingKey == nil {
            settings.signingKey = try SecretFile.readOrCreate(named: "signing-key", in: directory)
        }
        if settings.webhookSecret == nil {
            settings.webhookSecret = try SecretFile.readOrCreate(named: "webhook-secret", in: directory)
        }
        if settings.accountHash == nil { settings.accountHash = defaultAccountHash }
        let apiToken = try SecretFile.readOrCreate(named: "api-token", in: directory)
        let emulator = try CloudflareEmulator(
            configuration: .init(
                accountID: accountID, apiToken: apiToken, accountHash: settings.accountHash!,
                signingKey: settings.signingKey!, dataDirectory: directory, publicBaseURL: origin + mountPath,
                webhookURL: origin + settings.pathPrefix + "/api/webhook/", webhookSecret: settings.webhookSecret,
                maxFileBytes: settings.maxFileSizeMB * 1024 * 1024,
                flexibleVariants: settings.flexibleVariants,
                acceptedFormats: Set(settings.allowedFormats.compactMap { ImageFormat(rawValue: $0.rawValue) })),
            logger: Logger(label: "cfimages.emulator")
        )
        settings.deliverThrough(emulator.deliveryBaseURL)
        return EmbeddedEmulator(
            emulator: emulator, router: emulator.makeRouter(mountPath: mountPath), apiToken: apiToken)
    }

    /// The emulator's routes, under ``mountPath`` of the service.
    var mount: Responder.Mount { .under(Self.mountPath, router.responder) }

    func clientConfiguration(_ settings: Settings) -> CloudflareClient.Configuration {
        var configuration = CloudflareClientFactory.configuration(settings)
        configuration.accountID = Self.accountID
        configuration.apiToken = apiToken
        configuration.baseURL = emulator.apiBaseURL
        return configuration
    }

    /// For commands other than `serve`: the client of the emulator a `serve` with the same settings is running.
    static func clientConfigurationOfRunningServer(_ settings: Settings) throws -> CloudflareClient.Configuration {
        let directory = directory(settings)
        try SecretFile.privateDirectory(settings.dataDirectory)
        try SecretFile.privateDirectory(directory)
        var configuration = CloudflareClientFactory.configuration(settings)
        configuration.accountID = accountID
        configuration.apiToken = try SecretFile.readOrCreate(named: "api-token", in: directory)
        configuration.baseURL = "http://\(Serve.advertisedHost(settings.host)):\(settings.port)\(mountPath)/client/v4"
        return configuration
    }
}

/// The Cloudflare client's settings, from ours.
enum CloudflareClientFactory {
    static func configuration(_ settings: Settings) -> CloudflareClient.Configuration {
        CloudflareClient.Configuration(
            accountID: settings.accountID ?? "",
            apiToken: settings.apiToken ?? "",
            baseURL: settings.baseURL,
            connectTimeout: .milliseconds(Int(settings.connectTimeoutSeconds * 1000)),
            requestTimeout: .milliseconds(Int(settings.requestTimeoutSeconds * 1000)),
            maxAttempts: settings.maxAttempts,
            callDeadline: .milliseconds(Int(settings.callDeadlineSeconds * 1000)),
            budgetLimit: settings.rateLimitRequests,
            budgetWindow: .seconds(settings.rateLimitWindowSeconds),
            requestsPerSecond: settings.rateLimitPerSecond
        )
    }
}
