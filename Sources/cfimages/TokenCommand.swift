import ArgumentParser
import Foundation
import ImageStore

/// `cfimages token create|list|revoke`: API tokens for `Authorization: Token <key>`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token for a user; the key is printed once, alone on the last line.")

        @Argument(help: "The user the token belongs to; a user sees only their own images.")
        var user: String

        @Flag(help: "Let the token see every user's images and call admin endpoints.")
        var admin = false

        @Option(help: "A note to recognise the token by in `token list`.")
        var label = ""

        func validate() throws {
            let trimmed = user.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 150, !trimmed.contains(where: { $0.isNewline || $0 == "\0" })
            else {
                throw ValidationError("The user name must be 1 to 150 characters on one line.")
            }
        }

        func run() async throws {
            let context = try await ServiceContext.open()
            defer { context.store.close() }
            let issued = try await context.repository.createToken(
                userName: user.trimmingCharacters(in: .whitespaces), isAdmin: admin, label: label)
            print(
                "Created \(admin ? "admin " : "")token \(issued.token.id.lowercasedText) for \(issued.token.userName).")
            print("Keep the key below: it is shown only now.")
            print(issued.key)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their keys).")

        @Option(help: "Only this user's tokens.")
        var user: String?

        func run() async throws {
            let context = try await ServiceContext.open()
            defer { context.store.close() }
            let tokens = try await context.repository.tokens(userName: user)
            if tokens.isEmpty { print("No tokens.") }
            let format = ISO8601DateFormatter()
            for token in tokens {
                let state = token.revokedAt.map { "revoked \(format.string(from: $0))" } ?? "active"
                let used = token.lastUsedAt.map { format.string(from: $0) } ?? "never"
                print(
                    [
                        token.id.lowercasedText, token.userName, token.isAdmin ? "admin" : "user", state,
                        "created \(format.string(from: token.createdAt))", "last used \(used)", token.label,
                    ].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id (from `token list`).")

        @Argument(help: "The token id.")
        var id: String

        func run() async throws {
            guard let uuid = UUID(canonicalText: id) else { throw ValidationError("'\(id)' is not a token id.") }
            let context = try await ServiceContext.open()
            defer { context.store.close() }
            guard try await context.repository.revokeToken(id: uuid, userName: nil) else {
                throw CommandFailure("No active token with id \(id).")
            }
            print("Revoked token \(id.lowercased()).")
        }
    }
}
