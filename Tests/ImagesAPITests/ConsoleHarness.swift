import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import HTTPFields
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import TestSupport
import WebConsole

/// The web console in front of the API, with the emulator, on one loopback server, as `cfimages serve` mounts it.
/// The console's session clock is a `TestClock`.
final class ConsoleHarness: FixtureHarness {
    let fixture: ServiceFixture
    let api: ImagesAPI
    let clock: TestClock

    private init(fixture: ServiceFixture, api: ImagesAPI, clock: TestClock) {
        self.fixture = fixture
        self.api = api
        self.clock = clock
    }

    static func start(configure: (inout Settings) -> Void = { _ in }) async throws -> ConsoleHarness {
        let logger = quietLogger("console-tests")
        let fixture = try await ServiceFixture.start(
            logger: logger, emulator: .init(webhookSecret: EmulatorService.webhookSecret))
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: "emu-account", apiToken: "emu-token", baseURL: fixture.emulator!.apiBaseURL, maxAttempts: 1),
            httpClient: sharedHTTPClient)
        var settings = fixture.emulatorSettings(webhookSecret: EmulatorService.webhookSecret)
        configure(&settings)
        let api = ImagesAPI(settings: settings, repository: fixture.repository, cloudflare: cloudflare, logger: logger)
        let clock = TestClock()
        let console = WebConsole(
            api: api, sessions: fixture.consoleSessions,
            uploads: fixture.uploadHistory, now: { clock.now })
        fixture.serve(api, mounting: [console.mount])
        return ConsoleHarness(fixture: fixture, api: api, clock: clock)
    }

    var base: String { origin + "/cloudflare-images/console" }

    /// `path` under the console, with the browser's cookies.
    func get(_ path: String, cookies: String? = nil) async throws -> TestResponse {
        try await sendRequest("GET", base + path, headers: cookies.map { [("Cookie", $0)] } ?? [])
    }

    /// A form post under the console.
    func post(_ path: String, form: [(String, String)], cookies: String?) async throws -> TestResponse {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await sendRequest(
            "POST", base + path, body: Array(body.utf8), bodyType: "application/x-www-form-urlencoded",
            headers: cookies.map { [("Cookie", $0)] } ?? [])
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }

    /// Signs in with `key` as a browser does (the sign-in form's check value and cookie); returns the session cookie
    /// (`name=value`) and the page's CSRF token.
    func signIn(_ key: String) async throws -> (cookie: String, csrf: String) {
        let form = try await get("/sign-in")
        guard let check = Self.cookieValue(form, "cfimages_signin") else { throw HarnessError("no sign-in cookie") }
        let signedIn = try await post(
            "/sign-in", form: [("check", check), ("key", key)], cookies: "cfimages_signin=\(check)")
        guard signedIn.status == 303, let session = Self.cookieValue(signedIn, "cfimages_session") else {
            throw HarnessError("sign-in answered \(signedIn.status): \(signedIn.text)")
        }
        let cookie = "cfimages_session=\(session)"
        let page = try await get("/images", cookies: cookie)
        guard let csrf = Self.csrf(page.text) else {
            throw HarnessError("no CSRF token on the gallery: \(page.status)")
        }
        return (cookie, csrf)
    }

    /// The `Set-Cookie` header that sets `name`.
    static func setCookie(_ response: TestResponse, _ name: String) -> String? {
        response.headers.values(for: "Set-Cookie").first { $0.hasPrefix(name + "=") }
    }

    static func cookieValue(_ response: TestResponse, _ name: String) -> String? {
        setCookie(response, name).flatMap { $0.split(separator: ";").first }.map {
            String($0.dropFirst(name.count + 1))
        }
    }

    static func csrf(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf-token\" content=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// An upload URL made through the API for `key` (the image stays pending); its id.
    func pendingImage(_ key: String, filename: String, metadata: String = "{}") async throws -> String {
        let body =
            #"{"filename": \#(JSONValue.string(filename).jsonText), "metadata": \#(metadata), "require_signed_urls": false}"#
        let created = try await sendRequest(
            "POST", origin + "/cloudflare-images/api/upload-url/", token: key, json: body)
        guard created.status == 201, let id = created.object?.string("id") else {
            throw HarnessError("upload-url answered \(created.status): \(created.text)")
        }
        return id
    }
}
