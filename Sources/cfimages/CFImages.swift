import ArgumentParser
import ImagesAPI

@main
struct CFImages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cfimages",
        abstract: "A self-hosted broker for Cloudflare Images.",
        discussion:
            "Settings come from CFIMAGES_* and CLOUDFLARE_IMAGES_* environment variables over Config/cfimages.env.",
        version: OpenAPIDocument.version,
        subcommands: [
            Serve.self, Migrate.self, TokenCommand.self, CleanupExpired.self, SyncCommand.self, ImportCommand.self,
            EmulatorCommand.self, Doctor.self, ImportDjangoCommand.self, ExportDjangoCommand.self, RegisterCommand.self,
            UsagesCommand.self, EventsCommand.self,
        ]
    )
}
