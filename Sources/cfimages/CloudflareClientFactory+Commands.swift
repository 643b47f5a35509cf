import CloudflareImages
import Configuration
import Foundation
import Logging

extension CloudflareClientFactory {
    /// The client for a one-off command: the configured account, or without one the emulator of the running
    /// `cfimages serve` with the same settings.
    static func commandClient(_ settings: Settings) throws -> CloudflareClient {
        let configuration = settings.usesEmbeddedEmulator
            ? try EmbeddedEmulator.clientConfigurationOfRunningServer(settings)
            : configuration(settings)
        return try CloudflareClient(configuration: configuration, logger: Logger(label: "cfimages.cloudflare"))
    }

    /// Checks an `--owner` value as `token create` checks user names.
    static func validOwner(_ owner: String) -> String? {
        let trimmed = owner.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 150, !trimmed.contains(where: { $0.isNewline || $0 == "\0" }) else {
            return nil
        }
        return trimmed
    }
}
