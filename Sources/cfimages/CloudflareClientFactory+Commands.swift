import CloudflareImages
import Configuration
import Foundation
import Logging

extension CloudflareClientFactory {
    /// The client for a one-off command: the configured account, or without one the emulator of the running
    /// `cfimages serve` with the same settings; its calls book from the budget the instances share.
    static func commandClient(_ context: ServiceContext) throws -> CloudflareClient {
        let configuration =
            context.settings.usesEmbeddedEmulator
            ? try EmbeddedEmulator.clientConfigurationOfRunningServer(context.settings)
            : configuration(context.settings)
        return try CloudflareClient(
            configuration: configuration, sharedBudget: context.sharedCloudflareBudget(configuration),
            logger: Logger(label: "cfimages.cloudflare"))
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
