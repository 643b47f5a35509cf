import CloudflareEmulator
import Foundation
import HTTPClient
import HTTPFields
import HTTPServer
import Logging
import TestSupport

/// A real emulator behind a real HTTPServer on 127.0.0.1:0, with its state in a fresh temp directory,
/// and a libcurl client to talk to it.
final class EmulatorHarness: Sendable {
    static let account = EmulatorAccount(
        accountID: "023e105f4ecef8ad9ca31a8372d0c353", apiToken: "test-token-1234567890",
        accountHash: "Vi7wi5KSItxGFsWRG2Us6Q", signingKey: "Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5")

    let directory: String
    let loopback: LoopbackEmulator
    let client: HTTPClient
    let mount: String

    var emulator: CloudflareEmulator { loopback.emulator }
    var server: HTTPServer { loopback.server }
    var base: String { loopback.base }

    static func logger() -> Logger { quietLogger("emulator-tests") }

    static func makeDirectory() throws -> String { try makeTemporaryDirectory(prefix: "cfemu-") }

    static func configuration(directory: String) -> CloudflareEmulator.Configuration {
        var configuration = account.configuration(dataDirectory: directory)
        configuration.webhookRetryDelays = [.milliseconds(50), .milliseconds(100)]
        return configuration
    }

    init(
        mount: String = "", directory: String? = nil,
        configure: (inout CloudflareEmulator.Configuration) -> Void = { _ in }
    ) throws {
        self.directory = try directory ?? EmulatorHarness.makeDirectory()
        self.mount = mount
        var configuration = EmulatorHarness.configuration(directory: self.directory)
        configure(&configuration)
        loopback = try LoopbackEmulator(configuration: configuration, mount: mount, logger: EmulatorHarness.logger())
        client = try HTTPClient(logger: EmulatorHarness.logger())
    }

    func stop(removeDirectory: Bool = true) async {
        await loopback.stop()
        if removeDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    var images: String { "\(base)/client/v4/accounts/\(EmulatorHarness.account.accountID)/images" }

    /// Sends a request with the Bearer token (unless `token` is nil) and returns status, JSON body and headers.
    func call(
        _ method: String, _ url: String, token: String? = EmulatorHarness.account.apiToken,
        body: HTTPClientRequest.Body = .none, headers: HTTPHeaders = [:]
    ) async throws -> Reply {
        var headers = headers
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let response = try await client.send(
            HTTPClientRequest(
                method: method, url: url, headers: headers, body: body, timeout: .seconds(10)))
        return Reply(response: response)
    }

    func form(
        _ fields: [(String, String)], file: (name: String, filename: String, bytes: [UInt8])? = nil
    ) -> HTTPClientRequest.Body {
        var form = MultipartForm()
        for (name, value) in fields { form.append(name, value) }
        if let file {
            form.append(file.name, filename: file.filename, contentType: "application/octet-stream", data: file.bytes)
        }
        return .multipart(form)
    }

    /// Creates a direct upload and returns `(id, uploadURL)`.
    func directUpload(_ fields: [(String, String)] = []) async throws -> (id: String, uploadURL: String) {
        let reply = try await call("POST", images + "/v2/direct_upload", body: form(fields))
        guard reply.status == 200, let id = reply.result?["id"] as? String,
            let url = reply.result?["uploadURL"] as? String
        else {
            throw HarnessError.unexpected("direct upload: \(reply.status) \(reply.text)")
        }
        return (id, url)
    }

    func upload(
        to url: String, bytes: [UInt8], field: String = "file", filename: String = "photo.png"
    ) async throws -> Reply {
        try await call("POST", url, token: nil, body: form([], file: (field, filename, bytes)))
    }
}

enum HarnessError: Error { case unexpected(String) }

/// A response with its JSON decoded (`[String: Any]`, so tests can check exact Cloudflare shapes).
struct Reply {
    let response: HTTPClientResponse
    var status: Int { response.status }
    var text: String { response.bodyText }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:] }
    var result: [String: Any]? { json["result"] as? [String: Any] }
    var success: Bool? { json["success"] as? Bool }
    var errorCode: Int? { ((json["errors"] as? [[String: Any]])?.first?["code"] as? NSNumber)?.intValue }
    var errorMessage: String? { (json["errors"] as? [[String: Any]])?.first?["message"] as? String }
}
