import ArgumentParser

@main
struct CFImages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cfimages",
        abstract: "A self-hosted broker for Cloudflare Images."
    )
}
