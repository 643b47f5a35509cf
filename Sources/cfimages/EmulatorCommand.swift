import ArgumentParser
import CloudflareEmulator
import Crypto
import Foundation
import HTTPServer
import Logging

/// `cfimages emulator`: the Cloudflare Images emulator on its own port, serving `/client/v4/...` at its root, so
/// `http://127.0.0.1:N/client/v4` is a drop-in base URL for any Cloudflare client.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the built-in Cloudflare Images emulator standalone."
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one and prints it).") var port = 8787
    @Option(help: "Account id expected in API paths.") var accountId = "emulator-account"
    @Option(help: "Bearer token the API expects (default: a random one, printed on startup).") var apiToken: String?
    @Option(help: "Account hash in delivery URLs.") var accountHash = "emulator-hash"
    @Option(
        help:
            "Key that signs private delivery URLs, also served by v1/keys (default: a random one, printed on startup).")
    var signingKey: String?
    @Option(help: "Folder for the emulator's state and stored uploads.") var dataDir = "data/emulator"
    @Option(help: "URL to POST upload webhooks to.") var webhookUrl: String?
    @Option(help: "Secret sent as cf-webhook-auth (and, in the flat format, used for X-Signature).") var webhookSecret:
        String?
    @Option(
        help: "notifications (Cloudflare's envelope, the default) or flat (the reference package's object, signed).")
    var webhookFormat = "notifications"
    @Option(help: "Latency added to every API call, in milliseconds.") var latencyMs = 0
    @Option(help: "Share of API calls that fail on purpose (0 to 1).") var failureRate = 0.0
    @Option(help: "Status of failed calls: 429, 500, 502, 503 or 504.") var failureStatus = 503
    @Option(help: "Retry-After seconds on injected 429s.") var retryAfter = 1
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"
    @Flag(help: "Let uploads by url fetch from loopback, private and link-local addresses (refused by default).")
    var allowPrivateUrls = false
    @Flag(
        inversion: .prefixedNo,
        help: "Serve flexible variants (w=400,... in delivery URLs). On by default here; Cloudflare's default is off.")
    var flexibleVariants = true
    @Option(help: "Comma-separated named variants every image has.") var variants = "public,thumbnail"
    @Option(help: "A second token that may only read (GET); other calls with it answer Cloudflare's 403, code 10000.")
    var readOnlyToken: String?
    @Flag(help: "List no signing key in v1/keys, as an account without one (signed URLs are still checked).")
    var noSigningKeys = false

    func validate() throws {
        guard WebhookFormat(rawValue: webhookFormat) != nil else {
            throw ValidationError("--webhook-format must be notifications or flat.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be from 0 to 1.") }
        guard [429, 500, 502, 503, 504].contains(failureStatus) else {
            throw ValidationError("--failure-status must be 429, 500, 502, 503 or 504.")
        }
        guard latencyMs >= 0, retryAfter >= 0 else {
            throw ValidationError("--latency-ms and --retry-after must not be negative.")
        }
        guard signingKey?.isEmpty != true else { throw ValidationError("--signing-key must be non-empty.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level '\(logLevel)' is unknown.")
        }
        var identifiers = [("--account-id", accountId), ("--account-hash", accountHash)]
        if let apiToken { identifiers.append(("--api-token", apiToken)) }
        if let readOnlyToken { identifiers.append(("--read-only-token", readOnlyToken)) }
        let variantCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        guard !variantNames.isEmpty, variantNames.allSatisfy({ $0.allSatisfy(variantCharacters.contains) }) else {
            throw ValidationError("--variants must list names of letters, digits, '-' and '_', separated by commas.")
        }
        for (name, value) in identifiers {
            guard !value.isEmpty, !value.contains("/") else {
                throw ValidationError("\(name) must be non-empty, without '/'.")
            }
        }
    }

    var variantNames: [String] {
        variants.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        TerminationSignal.prepare()
        LoggingBootstrap.run(level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "cfimages.emulator")
        let advertisedHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        // No fixed default secrets: anyone who can reach the port would otherwise know them.
        let apiToken = try self.apiToken ?? SecureRandom.hexString(byteCount: 32)
        let signingKey = try self.signingKey ?? SecureRandom.hexString(byteCount: 32)
        let emulator = try CloudflareEmulator(
            configuration: .init(
                accountID: accountId, apiToken: apiToken, accountHash: accountHash, signingKey: signingKey,
                dataDirectory: dataDir, publicBaseURL: "http://\(advertisedHost):\(port)",
                webhookURL: webhookUrl, webhookSecret: webhookSecret,
                webhookFormat: WebhookFormat(rawValue: webhookFormat) ?? .notifications,
                faults: FaultSettings(
                    latencyMilliseconds: latencyMs, failureRate: failureRate,
                    failureStatus: failureStatus, retryAfterSeconds: retryAfter),
                variants: variantNames,
                allowPrivateURLs: allowPrivateUrls,
                flexibleVariants: flexibleVariants,
                readOnlyToken: readOnlyToken,
                listsSigningKeys: !noSigningKeys
            ),
            logger: logger
        )
        defer { emulator.close() }
        let server = HTTPServer(
            configuration: .init(host: host, port: port), logger: logger,
            responder: emulator.makeRouter(mountPath: "").responder)
        do {
            try server.start()
        } catch {
            throw CommandFailure("Cannot listen on \(host):\(port): \(error)")
        }
        emulator.setPublicBaseURL("http://\(advertisedHost):\(server.localPort)")
        var banner =
            "Cloudflare Images emulator on \(emulator.apiBaseURL) (account \(accountId), hash \(accountHash))\n"
        banner +=
            "Variants: \(variantNames.joined(separator: ", ")); flexible variants \(flexibleVariants ? "on" : "off")\n"
        if self.apiToken == nil { banner += "API token (generated): \(apiToken)\n" }
        if self.signingKey == nil { banner += "Signing key (generated): \(signingKey)\n" }
        FileHandle.standardOutput.write(Data(banner.utf8))
        _ = await TerminationSignal.wait()
        await server.shutdown()
    }
}
