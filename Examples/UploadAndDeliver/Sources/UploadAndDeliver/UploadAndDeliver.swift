import CloudflareImages
import CloudflareImagesCore
import Foundation

/// Creates a one-time upload URL with the API client, then builds delivery URLs for the image it names: a signed
/// one (private images), a thumbnail preset, a `srcset`, and checks a webhook delivery. Prints one `name: value`
/// line each; exits 1 on any failure.
///
/// Settings come from options or the environment:
///
/// | option | environment | default |
/// | --- | --- | --- |
/// | `--api-base` | `CLOUDFLARE_API_BASE_URL` | `https://api.cloudflare.com/client/v4` |
/// | `--account-id` | `CLOUDFLARE_IMAGES_ACCOUNT_ID` | required |
/// | `--api-token` | `CLOUDFLARE_IMAGES_API_TOKEN` | required |
/// | `--account-hash` | `CLOUDFLARE_IMAGES_ACCOUNT_HASH` | required |
/// | `--signing-key` | `CLOUDFLARE_IMAGES_SIGNING_KEY` | required |
@main
struct UploadAndDeliver {
    static func main() async {
        do {
            let settings = try Settings(
                arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
            try await run(settings)
        } catch {
            FileHandle.standardError.write(Data("UploadAndDeliver: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ settings: Settings) async throws {
        // 1. The API client (libcurl): a one-time upload URL for a browser to POST the file to.
        let client = try CloudflareClient(
            configuration: .init(
                accountID: settings.accountID, apiToken: settings.apiToken, baseURL: settings.apiBase,
                maxAttempts: 2, callDeadline: .seconds(20)))
        let upload = try await client.createDirectUpload(
            DirectUploadOptions(
                metadata: ["example": "UploadAndDeliver"], requireSignedURLs: true))
        print("image id: \(upload.id)")
        print("upload url: \(upload.uploadURL)")

        // 2. Delivery URLs need no network and no C library (CloudflareImagesCore).
        let url = try DeliveryURL(accountHash: settings.accountHash, imageID: upload.id, variant: .public)
        let signer = URLSigner(key: settings.signingKey)
        let now = Int64(Date().timeIntervalSince1970)
        let signed = signer.sign(url, lifetime: 3600, now: now)
        guard signer.verify(signed, now: now).isValid else { throw ExampleError("the signed URL does not verify") }
        print("signed url: \(signed)")

        let thumbnail = url.transformed(by: try TransformationPreset.thumbnail.transformation(width: 200))
        print("thumbnail url: \(thumbnail)")

        let responsive = try ResponsiveImage(source: url.string, widths: [320, 640, 1024])
        print("srcset: \(responsive.srcset)")
        print("img: \(responsive.imgTag(alt: "An example"))")

        // 3. A webhook delivery as Cloudflare Notifications send it, checked before its body is trusted.
        let webhookSecret = "example-webhook-secret"
        let body = Array(#"{"data":{"id":"\#(upload.id)","status":"uploaded"}}"#.utf8)
        let verifier = WebhookVerifier(secret: webhookSecret)
        try verifier.verify(body: body, headers: ["cf-webhook-auth": webhookSecret], now: Date().timeIntervalSince1970)
        do {
            try verifier.verify(body: body, headers: ["cf-webhook-auth": "forged"], now: Date().timeIntervalSince1970)
            throw ExampleError("a forged webhook was accepted")
        } catch let failure as WebhookVerifier.Failure {
            print("webhook: genuine accepted, forged refused (\(failure.message))")
        }
    }
}

struct Settings {
    var apiBase = "https://api.cloudflare.com/client/v4"
    var accountID: String
    var apiToken: String
    var accountHash: String
    var signingKey: String

    init(arguments: [String], environment: [String: String]) throws {
        var options: [String: String] = [:]
        var rest = arguments[...]
        while let name = rest.popFirst() {
            guard name.hasPrefix("--"), let value = rest.popFirst() else {
                throw ExampleError("expected --option value pairs, got '\(name)'")
            }
            options[String(name.dropFirst(2))] = value
        }
        func value(_ option: String, _ variable: String) throws -> String {
            guard let value = options.removeValue(forKey: option) ?? environment[variable], !value.isEmpty else {
                throw ExampleError("missing --\(option) (or \(variable))")
            }
            return value
        }
        if let base = options.removeValue(forKey: "api-base") ?? environment["CLOUDFLARE_API_BASE_URL"] {
            apiBase = base
        }
        accountID = try value("account-id", "CLOUDFLARE_IMAGES_ACCOUNT_ID")
        apiToken = try value("api-token", "CLOUDFLARE_IMAGES_API_TOKEN")
        accountHash = try value("account-hash", "CLOUDFLARE_IMAGES_ACCOUNT_HASH")
        signingKey = try value("signing-key", "CLOUDFLARE_IMAGES_SIGNING_KEY")
        if let unknown = options.keys.sorted().first { throw ExampleError("unknown option --\(unknown)") }
    }
}

struct ExampleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
