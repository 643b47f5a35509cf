import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import SQLite
import TestSupport
import Testing

@testable import cfimages

/// `cfimages doctor` against the emulator: a healthy setup passes every check (exit 0), and each broken
/// configuration fails exactly its check, with a fix, and exit status 1.
@Suite struct DoctorTests {
    /// The checks that failed, by name.
    static func failures(_ checks: [DoctorCheck]) -> [String] {
        checks.filter { $0.verdict == .fail }.map(\.name)
    }

    /// The check named `name`.
    static func check(_ checks: [DoctorCheck], _ name: String) throws -> DoctorCheck {
        try #require(checks.first { $0.name == name }, "no check \(name) in \(checks.map(\.name))")
    }

    /// `name` is the only failure, the exit status is 1, and the checklist shows a `fix:` line holding `fix`.
    static func expectOnlyFailure(_ checks: [DoctorCheck], _ name: String, fix: String) throws {
        #expect(failures(checks) == [name], "\(checks.flatMap(\.lines).joined(separator: "\n"))")
        #expect(SetupChecks.exitStatus(checks) == 1)
        let lines = try check(checks, name).lines
        #expect(lines.first?.hasPrefix("[FAIL] ") == true)
        #expect(lines.count == 2 && lines[1].hasPrefix("       fix: ") && lines[1].contains(fix), "\(lines)")
    }

    @Test func aHealthySetupPassesEveryCheckAndLeavesNothingBehind() async throws {
        try await DoctorHarness.run { h in
            let checks = try await h.check(webhookURL: h.webhookURL)
            #expect(
                checks.map(\.name) == [
                    "read", "edit", "account-hash", "variants", "delivery", "flexible-variants", "signing-keys",
                    "webhook-secret", "webhook-url", "database",
                ])
            #expect(checks.allSatisfy { $0.verdict == .ok }, "\(checks.flatMap(\.lines).joined(separator: "\n"))")
            #expect(SetupChecks.exitStatus(checks) == 0)
            #expect(SetupChecks.summary(checks) == "10 ok, 0 warnings, 0 failed")
            // The draft and the test image were deleted.
            let client = try h.client(token: DoctorHarness.account.apiToken)
            #expect(try await client.accountStats().current == 0)
            #expect(try await client.listImagesV2(perPage: 10).images.isEmpty)
            // No secret reaches the checklist.
            let text = checks.flatMap(\.lines).joined(separator: "\n")
            for secret in [
                DoctorHarness.account.apiToken, DoctorHarness.account.signingKey, DoctorHarness.webhookSecret,
            ] {
                #expect(!text.contains(secret))
            }
        }
    }

    @Test func invalidSettingsFailNamingTheSettingToFix() throws {
        let file = NSTemporaryDirectory() + "doctor-empty-\(UUID().uuidString).env"
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: file) }
        let partial = ["CFIMAGES_CONFIG_FILE": file, "CLOUDFLARE_IMAGES_ACCOUNT_ID": "acct"]
        let (settings, check) = SetupChecks.load(environment: partial)
        #expect(settings == nil)
        try Self.expectOnlyFailure([check], "settings", fix: "CLOUDFLARE_IMAGES_API_TOKEN")
        #expect(check.message.contains("CLOUDFLARE_IMAGES_ACCOUNT_HASH"))

        let (_, badValue) = SetupChecks.load(environment: ["CFIMAGES_CONFIG_FILE": file, "CFIMAGES_PORT": "99999"])
        try Self.expectOnlyFailure([badValue], "settings", fix: "CFIMAGES_PORT")

        // No account at all: valid, with a warning; the Cloudflare checks do not run.
        let (none, warning) = SetupChecks.load(environment: ["CFIMAGES_CONFIG_FILE": file])
        #expect(none != nil)
        #expect(warning.verdict == .warn)
        #expect(warning.fix?.contains("CLOUDFLARE_IMAGES_ACCOUNT_ID") == true)
    }

    @Test func aTokenCloudflareRefusesFailsTheReadCheck() async throws {
        try await DoctorHarness.run { h in
            let checks = try await h.check { $0.apiToken = "not-the-token" }
            try Self.expectOnlyFailure(checks, "read", fix: "Cloudflare Images > Read")
            #expect(try Self.check(checks, "read").message.contains("10000"))
            #expect(try Self.check(checks, "cloudflare").verdict == .skip)
            #expect(!checks.flatMap(\.lines).joined().contains("not-the-token"))
        }
    }

    @Test func aReadOnlyTokenFailsTheEditCheck() async throws {
        try await DoctorHarness.run { h in
            // An image for the read-only checks to read variant URLs from and fetch.
            _ = try await h.client(token: DoctorHarness.account.apiToken).uploadImage(
                file: SetupChecks.testPNG, filename: "a.png", options: ImageUploadOptions(requireSignedURLs: false))
            let checks = try await h.check { $0.apiToken = DoctorHarness.readOnlyToken }
            try Self.expectOnlyFailure(checks, "edit", fix: "Cloudflare Images > Edit")
            #expect(try Self.check(checks, "read").verdict == .ok)
            #expect(try Self.check(checks, "account-hash").verdict == .ok)
            #expect(try Self.check(checks, "flexible-variants").verdict == .ok)
        }
    }

    @Test func aWrongAccountHashFailsWithTheHashCloudflareUses() async throws {
        try await DoctorHarness.run { h in
            let checks = try await h.check { $0.accountHash = "WrongHash" }
            try Self.expectOnlyFailure(
                checks, "account-hash", fix: "CLOUDFLARE_IMAGES_ACCOUNT_HASH=\(DoctorHarness.account.accountHash)")
        }
    }

    @Test func aMissingThumbnailVariantFails() async throws {
        try await DoctorHarness.run(configure: { $0.variants = ["public", "hero"] }) { h in
            let checks = try await h.check()
            try Self.expectOnlyFailure(
                checks, "variants", fix: "CLOUDFLARE_IMAGES_THUMBNAIL_VARIANT to one of: hero, public")
            #expect(try Self.check(checks, "variants").message.contains(#""thumbnail""#))

            #expect(Self.failures(try await h.check { $0.thumbnailVariant = "hero" }).isEmpty)
        }
    }

    @Test func aDeliveryDomainThatDoesNotServeTheImageFails() async throws {
        try await DoctorHarness.run { h in
            let checks = try await h.check { $0.deliveryPathPrefix = "_emulator/elsewhere" }
            try Self.expectOnlyFailure(checks, "delivery", fix: "CLOUDFLARE_IMAGES_DELIVERY_PATH_PREFIX")
            #expect(try Self.check(checks, "flexible-variants").verdict == .skip)
        }
    }

    @Test func flexibleVariantsOffFailWhileTheSettingSaysOn() async throws {
        try await DoctorHarness.run(configure: { $0.flexibleVariants = false }) { h in
            let checks = try await h.check()
            try Self.expectOnlyFailure(checks, "flexible-variants", fix: #"{"flexible_variants": true}"#)
            let fix = try Self.check(checks, "flexible-variants").fix ?? ""
            #expect(fix.contains("/accounts/\(DoctorHarness.account.accountID)/images/v1/config"))
            #expect(fix.contains("CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=false"))

            // Saying so in the settings passes; so does turning them on at the account.
            var settings = h.settings
            settings.flexibleVariants = false
            #expect(SetupChecks.exitStatus(try await h.check(settings)) == 0)
            try await h.client(token: DoctorHarness.account.apiToken).setFlexibleVariants(true)
            #expect(SetupChecks.exitStatus(try await h.check()) == 0)
            // On at the account but off in the settings: only a warning.
            #expect(try Self.check(try await h.check(settings), "flexible-variants").verdict == .warn)
        }
    }

    @Test func noSigningKeyFailsWhenUploadsArePrivate() async throws {
        try await DoctorHarness.run(configure: { $0.listsSigningKeys = false }) { h in
            let checks = try await h.check()
            try Self.expectOnlyFailure(checks, "signing-keys", fix: "PUT .../images/v1/keys/{name}")

            var settings = h.settings
            settings.signingKey = DoctorHarness.account.signingKey
            // A configured key the account does not list cannot be confirmed either.
            try Self.expectOnlyFailure(
                try await h.check(settings), "signing-keys", fix: "CLOUDFLARE_IMAGES_SIGNING_KEY")
        }
    }

    @Test func aSigningKeyThatIsNotTheAccountsFails() async throws {
        try await DoctorHarness.run { h in
            var settings = h.settings
            settings.signingKey = "some-other-key"
            let checks = try await h.check(settings)
            try Self.expectOnlyFailure(checks, "signing-keys", fix: "unset it to use the account's key")
            #expect(!checks.flatMap(\.lines).joined().contains("some-other-key"))
            #expect(!checks.flatMap(\.lines).joined().contains(DoctorHarness.account.signingKey))

            settings.signingKey = DoctorHarness.account.signingKey
            #expect(try Self.check(try await h.check(settings), "signing-keys").verdict == .ok)
        }
    }

    @Test func noWebhookSecretFails() async throws {
        try await DoctorHarness.run { h in
            var settings = h.settings
            settings.webhookSecret = nil
            try Self.expectOnlyFailure(
                try await h.check(settings), "webhook-secret", fix: "CLOUDFLARE_IMAGES_WEBHOOK_SECRET")

            settings.webhookAllowUnsigned = true
            let allowed = try await h.check(settings)
            #expect(try Self.check(allowed, "webhook-secret").verdict == .warn)
            #expect(SetupChecks.exitStatus(allowed) == 0)
        }
    }

    @Test func aWebhookURLThatRefusesOrCannotBeReachedFails() async throws {
        try await DoctorHarness.run { h in
            var settings = h.settings
            settings.webhookSecret = "a-different-secret"
            try Self.expectOnlyFailure(
                try await h.check(settings, webhookURL: h.webhookURL), "webhook-url",
                fix: "CLOUDFLARE_IMAGES_WEBHOOK_SECRET")

            let wrongPath = try await h.check(webhookURL: h.origin + "/cloudflare-images/api/nowhere/")
            try Self.expectOnlyFailure(wrongPath, "webhook-url", fix: "/cloudflare-images/api/webhook/")

            let unreachable = try await h.check(webhookURL: "http://127.0.0.1:1/cloudflare-images/api/webhook/?token=x")
            try Self.expectOnlyFailure(unreachable, "webhook-url", fix: "reachable from the Internet")
            #expect(try !Self.check(unreachable, "webhook-url").message.contains("token=x"))

            #expect(try Self.check(try await h.check(), "webhook-url").verdict == .skip)
        }
    }

    @Test func aMissingOrUnmigratedDatabaseFails() async throws {
        try await DoctorHarness.run { h in
            var settings = h.settings
            settings.databasePath = h.directory + "/missing.sqlite"
            try Self.expectOnlyFailure(try await h.check(settings), "database", fix: "cfimages migrate")
            #expect(!FileManager.default.fileExists(atPath: settings.databasePath))

            settings.databasePath = h.directory + "/empty.sqlite"
            try Database(path: settings.databasePath, readerCount: 1).close()
            let pending = try await h.check(settings)
            try Self.expectOnlyFailure(pending, "database", fix: "cfimages migrate")
            #expect(try Self.check(pending, "database").message.contains("not applied"))
        }
    }
}
