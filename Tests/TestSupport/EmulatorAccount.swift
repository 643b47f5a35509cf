import CloudflareEmulator

/// The Cloudflare account a test's emulator stands for: what every emulator harness configures it with.
public struct EmulatorAccount: Sendable {
    public var accountID: String
    public var apiToken: String
    public var accountHash: String
    public var signingKey: String

    public init(accountID: String, apiToken: String, accountHash: String, signingKey: String) {
        self.accountID = accountID
        self.apiToken = apiToken
        self.accountHash = accountHash
        self.signingKey = signingKey
    }

    /// An emulator configuration for this account, its state in `dataDirectory`.
    public func configuration(
        dataDirectory: String, publicBaseURL: String = "http://127.0.0.1:1"
    )
        -> CloudflareEmulator.Configuration
    {
        CloudflareEmulator.Configuration(
            accountID: accountID, apiToken: apiToken, accountHash: accountHash, signingKey: signingKey,
            dataDirectory: dataDirectory, publicBaseURL: publicBaseURL)
    }
}
