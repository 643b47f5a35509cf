import ArgumentParser
import Foundation
import ImageStore
import ImagesAPI

/// `cfimages register --cloudflare-id ID --owner NAME`: tracks an image uploaded some other way.
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Track an image already uploaded to Cloudflare (it must not be a draft).")

    @Option(name: .customLong("cloudflare-id"), help: "The image's Cloudflare id.")
    var cloudflareID: String

    @Option(help: ArgumentHelp("The user the image will belong to.", valueName: "NAME"))
    var owner: String

    @Option(help: "Refuse unless the image's Cloudflare creator is this.")
    var expectedCreator: String?

    func validate() throws {
        guard CloudflareClientFactory.validOwner(owner) != nil else {
            throw ValidationError("--owner must be 1 to 150 characters on one line.")
        }
        guard !cloudflareID.isEmpty, cloudflareID.count <= 255 else {
            throw ValidationError("--cloudflare-id must be 1 to 255 characters.")
        }
    }

    func run() async throws {
        let context = try await ServiceContext.open()
        defer { context.store.close() }
        let registrar = ImageRegistrar(
            repository: context.repository, cloudflare: try CloudflareClientFactory.commandClient(context),
            logger: context.logger)
        do {
            switch try await registrar.register(
                cloudflareID: cloudflareID, owner: CloudflareClientFactory.validOwner(owner) ?? owner,
                expectedCreator: expectedCreator)
            {
            case .created(let record):
                print("Registered \(cloudflareID) as image \(record.id.lowercasedText) of \(record.owner)")
            case .existing(let record): print("\(cloudflareID) is already tracked as image \(record.id.lowercasedText)")
            }
        } catch let refusal as ImageRegistrar.Refusal {
            throw CommandFailure(refusal.description)
        }
    }
}
