import Foundation
import HTTPClient
import Testing

@testable import CloudflareEmulator

/// `POST v1` with `url` against a real origin on 127.0.0.1: non-public addresses are refused before any connection
/// unless `allowPrivateURLs`, downloads stop at the size limit, and bodies are stored exactly as served.
@Suite struct EmulatorURLFetchTests {
    static let png = ImageFixtures.png(width: 6, height: 3)

    func post(_ h: EmulatorHarness, url: String, id: String? = nil) async throws -> Reply {
        var fields = [("url", url)]
        if let id { fields.append(("id", id)) }
        return try await h.call("POST", h.images + "/v1", body: h.form(fields))
    }

    @Test func loopbackOriginIsRefusedByDefault() async throws {
        let origin = try LocalOrigin(.init(headers: [("Content-Type", "image/png")], body: Self.png))
        defer { origin.stop() }
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let reply = try await post(h, url: origin.url())
        #expect(reply.status == 400)
        #expect(reply.success == false)
        #expect(reply.errorCode == 5400)
        #expect(reply.errorMessage == EmulatorError.urlNotPublic.message)
        #expect(origin.requests.isEmpty)
    }

    @Test func allowPrivateURLsFetchesFromLoopback() async throws {
        let origin = try LocalOrigin(.init(headers: [("Content-Type", "image/png")], body: Self.png))
        defer { origin.stop() }
        let h = try EmulatorHarness { $0.allowPrivateURLs = true }
        defer { Task { await h.stop() } }
        let reply = try await post(h, url: origin.url("/pics/cat.png"), id: "fetched")
        #expect(reply.status == 200)
        #expect(reply.result?["filename"] as? String == "cat.png")
        let stored = try #require(try await h.emulator.store.image(id: "fetched"))
        #expect(stored.width == 6 && stored.height == 3 && stored.size == Self.png.count)
        let head = try #require(origin.requests.first)
        #expect(head.hasPrefix("GET /pics/cat.png HTTP/1.1"))
        #expect(!head.lowercased().contains("accept-encoding"))
    }

    /// Spellings of loopback, private, link-local and unspecified hosts; `{port}` is the origin's port.
    @Test(arguments: [
        "http://127.0.0.1:{port}/", "http://127.0.0.1.:{port}/", "http://127.1:{port}/", "http://2130706433:{port}/",
        "http://0x7f.1:{port}/", "http://0x7f000001:{port}/", "http://017700000001:{port}/",
        "http://0177.0.0.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/", "http://[::ffff:7f00:1]:{port}/", "http://[::1]:{port}/",
        "http://localhost:{port}/", "http://LOCALHOST.:{port}/", "http://img.localhost:{port}/",
        "http://0.0.0.0:{port}/",
        "http://0:{port}/", "http://[::]:{port}/", "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/", "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
        "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/", "http://255.255.255.255/",
        "https://[::ffff:10.0.0.1]/",
    ])
    func nonPublicHostsAreRefused(template: String) async throws {
        let origin = try LocalOrigin(.init(headers: [("Content-Type", "image/png")], body: Self.png))
        defer { origin.stop() }
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let url = template.replacingOccurrences(of: "{port}", with: String(origin.port))
        let reply = try await post(h, url: url)
        #expect(reply.status == 400, "\(url)")
        #expect(reply.errorCode == 5400, "\(url)")
        #expect(reply.errorMessage == EmulatorError.urlNotPublic.message, "\(url)")
        #expect(origin.requests.isEmpty, "\(url)")
    }

    @Test(arguments: [true, false])
    func oversizedDownloadIsCutOff(announcesLength: Bool) async throws {
        let limit = 100_000
        // Far more than loopback socket buffers hold, so the origin cannot finish unless the emulator reads it all.
        var body = Self.png
        body += [UInt8](repeating: 0x55, count: 48 * 1024 * 1024)
        let origin = try LocalOrigin(
            .init(
                headers: [("Content-Type", "image/png")], body: body, announcesLength: announcesLength))
        defer { origin.stop() }
        let h = try EmulatorHarness {
            $0.allowPrivateURLs = true
            $0.maxFileBytes = limit
        }
        defer { Task { await h.stop() } }
        let reply = try await post(h, url: origin.url(), id: "huge")
        #expect(reply.status == 413)
        #expect(reply.errorCode == 5413, "Cloudflare's code for an image over the size limit")
        #expect(reply.errorMessage?.contains("maximum file size of \(limit) bytes") == true)
        let outcomes = await origin.waitForOutcomes(1)
        guard case .cutOff(let sent)? = outcomes.first else {
            Issue.record("the origin wrote the whole body: \(outcomes)")
            return
        }
        #expect(sent < body.count)
        #expect(try await h.emulator.store.image(id: "huge") == nil)
    }

    @Test func gzipBodyIsStoredUndecoded() async throws {
        let gzipped = Self.gzip(Self.png)
        let origin = try LocalOrigin(
            .init(
                headers: [("Content-Type", "image/png"), ("Content-Encoding", "gzip")], body: gzipped))
        defer { origin.stop() }
        let h = try EmulatorHarness { $0.allowPrivateURLs = true }
        defer { Task { await h.stop() } }
        let reply = try await post(h, url: origin.url(), id: "zipped")
        // Decoded, these bytes would be a valid PNG; as served they are gzip, which is no image format.
        #expect(reply.status == 415)
        #expect(reply.errorCode == 5455)
        #expect(try await h.emulator.store.image(id: "zipped") == nil)
        let head = try #require(origin.requests.first)
        #expect(!head.lowercased().contains("accept-encoding"))
    }

    @Test func redirectsAreNotFollowed() async throws {
        let target = try LocalOrigin(.init(headers: [("Content-Type", "image/png")], body: Self.png))
        defer { target.stop() }
        let origin = try LocalOrigin(.init(status: 302, headers: [("Location", target.url())]))
        defer { origin.stop() }
        let h = try EmulatorHarness { $0.allowPrivateURLs = true }
        defer { Task { await h.stop() } }
        let reply = try await post(h, url: origin.url())
        #expect(reply.status == 400)
        #expect(origin.requests.count == 1)
        #expect(target.requests.isEmpty)
    }

    @Test func failedFetchDoesNotEchoTheBody() async throws {
        let origin = try LocalOrigin(.init(status: 404, body: Array("internal-secret-listing".utf8)))
        defer { origin.stop() }
        let h = try EmulatorHarness { $0.allowPrivateURLs = true }
        defer { Task { await h.stop() } }
        let reply = try await post(h, url: origin.url())
        #expect(reply.status == 400)
        #expect(reply.errorCode == 5400)
        #expect(!reply.text.contains("internal-secret"))
    }

    /// A gzip member (RFC 1952) holding `bytes` in one stored deflate block.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count <= 65_535)
        let length = ImageFixtures.le16(bytes.count)
        let complement = ImageFixtures.le16(~bytes.count & 0xFFFF)
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + [1] + length + complement + bytes
            + ImageFixtures.le32(Int(ImageFixtures.crc32(bytes))) + ImageFixtures.le32(bytes.count)
    }
}
