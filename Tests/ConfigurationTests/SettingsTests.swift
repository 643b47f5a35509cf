import Foundation
import Testing

@testable import Configuration

@Suite struct SettingsTests {
    @Test func defaultsUseTheEmbeddedEmulator() throws {
        let settings = try Settings(values: [:])
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.pathPrefix == "/cloudflare-images")
        #expect(settings.databasePath == "data/cfimages.sqlite")
        #expect(settings.defaultExpiryMinutes == 30)
        #expect(settings.requireSignedURLs)
        #expect(settings.usesEmbeddedEmulator)
    }

    @Test func readsEveryKind() throws {
        let settings = try Settings(values: [
            "CFIMAGES_PORT": "9000", "CFIMAGES_DATA_DIR": "/var/lib/cfi", "CFIMAGES_PATH_PREFIX": "images/",
            "CFIMAGES_LOG_LEVEL": "DEBUG", "CLOUDFLARE_IMAGES_REQUIRE_SIGNED_URLS": "false",
            "CLOUDFLARE_IMAGES_ACCOUNT_ID": "acc", "CLOUDFLARE_IMAGES_API_TOKEN": "tok",
            "CLOUDFLARE_IMAGES_ACCOUNT_HASH": "hash", "CLOUDFLARE_IMAGES_BASE_URL": "http://127.0.0.1:9/client/v4/",
            "CLOUDFLARE_IMAGES_DELIVERY_URL": "images.example.com", "CLOUDFLARE_IMAGES_TIMEOUT_SECONDS": "2.5",
            "CLOUDFLARE_IMAGES_DEFAULT_METADATA": "{\"app\":\"web\"}",
        ])
        #expect(settings.port == 9000)
        #expect(settings.databasePath == "/var/lib/cfi/cfimages.sqlite")
        #expect(settings.pathPrefix == "/images")
        #expect(settings.logLevel == .debug)
        #expect(!settings.requireSignedURLs)
        #expect(!settings.usesEmbeddedEmulator)
        #expect(settings.baseURL == "http://127.0.0.1:9/client/v4")
        #expect(settings.deliveryURL == "https://images.example.com")
        #expect(settings.requestTimeoutSeconds == 2.5)
    }

    @Test(arguments: [
        ("CFIMAGES_PORT", "eighty"), ("CFIMAGES_PORT", "70000"), ("CFIMAGES_LOG_LEVEL", "loud"),
        ("CLOUDFLARE_IMAGES_DEFAULT_EXPIRY_MINUTES", "1"), ("CLOUDFLARE_IMAGES_DEFAULT_EXPIRY_MINUTES", "361"),
        ("CLOUDFLARE_IMAGES_MAX_FILE_SIZE_MB", "11"), ("CLOUDFLARE_IMAGES_REQUIRE_SIGNED_URLS", "maybe"),
        ("CLOUDFLARE_IMAGES_BASE_URL", "ftp://x"), ("CLOUDFLARE_IMAGES_DEFAULT_METADATA", "[1]"),
        ("CFIMAGES_METRICS_ADDRESS", "nope"), ("CFIMAGES_PATH_PREFIX", "/a b"),
    ])
    func badValueNamesTheSetting(name: String, value: String) {
        #expect {
            _ = try Settings(values: [name: value])
        } throws: { error in
            (error as? SettingsError)?.setting == name && "\(error)".hasPrefix(name + ": ")
        }
    }

    @Test func secretValuesAreNotRepeated() {
        #expect {
            _ = try Settings(values: [
                "CLOUDFLARE_IMAGES_API_TOKEN": "sekrit\u{7}", "CLOUDFLARE_IMAGES_ACCOUNT_ID": "a",
            ])
        } throws: { error in
            !"\(error)".contains("sekrit")
        }
    }

    /// Every partial account refuses to start, naming the first missing setting; none at all is the emulator,
    /// unless CFIMAGES_REQUIRE_CLOUDFLARE forbids it.
    @Test func everyCombinationOfTheAccountSettings() throws {
        let names = ["CLOUDFLARE_IMAGES_ACCOUNT_ID", "CLOUDFLARE_IMAGES_API_TOKEN", "CLOUDFLARE_IMAGES_ACCOUNT_HASH"]
        for mask in 0..<8 {
            for required in [false, true] {
                var values: [String: String] = [:]
                for (bit, name) in names.enumerated() where mask & (1 << bit) != 0 { values[name] = "v" }
                if required { values["CFIMAGES_REQUIRE_CLOUDFLARE"] = "true" }
                let missing = names.enumerated().filter { mask & (1 << $0.offset) == 0 }.map(\.element)
                do {
                    let settings = try Settings(values: values)
                    #expect(mask == 7 || (mask == 0 && !required), "\(values) started")
                    #expect(settings.usesEmbeddedEmulator == (mask == 0))
                } catch let error as SettingsError {
                    #expect(mask != 7 && (mask != 0 || required), "\(values): \(error)")
                    #expect(error.setting == missing.first, "\(values): \(error)")
                    if mask != 0 {
                        #expect(missing.allSatisfy { error.reason.contains($0) || $0 == error.setting }, "\(error)")
                    }
                }
            }
        }
    }

    @Test func accountAndTokenGoTogether() {
        #expect(throws: SettingsError.self) { _ = try Settings(values: ["CLOUDFLARE_IMAGES_ACCOUNT_ID": "a"]) }
        #expect(throws: SettingsError.self) {
            _ = try Settings(values: ["CLOUDFLARE_IMAGES_ACCOUNT_ID": "a", "CLOUDFLARE_IMAGES_API_TOKEN": "t"])
        }
    }

    @Test func environmentFileParsing() throws {
        let values = try EnvironmentFile.parse(
            "# comment\n\nexport CFIMAGES_PORT=9001\nCFIMAGES_HOST = \"0.0.0.0\"\r\nX='a b'\n", path: "f")
        #expect(values == ["CFIMAGES_PORT": "9001", "CFIMAGES_HOST": "0.0.0.0", "X": "a b"])
        #expect(throws: SettingsError.self) { _ = try EnvironmentFile.parse("no equals sign", path: "f") }
    }

    @Test func environmentOverridesFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.env").path
        try "CFIMAGES_PORT=9100\nCFIMAGES_HOST=0.0.0.0\n".write(toFile: file, atomically: true, encoding: .utf8)
        let settings = try Settings.load(environment: ["CFIMAGES_CONFIG_FILE": file, "CFIMAGES_PORT": "9200"])
        #expect(settings.port == 9200)
        #expect(settings.host == "0.0.0.0")
        #expect(throws: SettingsError.self) {
            _ = try Settings.load(environment: ["CFIMAGES_CONFIG_FILE": file + ".missing"])
        }
    }
}
