import CloudflareImages
import CloudflareImagesCore
import Configuration
import Foundation
import ImageStore
import JSON
import TestSupport
import Testing

/// `GET api/images/{id}/url/` against the embedded emulator: signed URLs it accepts, and refuses once expired or
/// altered; unsigned URLs of public images; transformation options; validation.
@Suite struct DeliveryURLEndpointTests {
    static let gif = EmulatorFlowTests.gif(width: 8, height: 4)

    @Test func signedURLOfAPrivateImageOpensAndItsKeyComesFromV1Keys() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: true, bytes: Self.gif)
            let answer = try await service.get("api/images/\(id)/url/?expiry=600")
            #expect(answer.status == 200)
            let object = try #require(answer.object)
            #expect(object["signed"] == .bool(true))
            let url = try #require(object.string("url"))
            #expect(url.hasPrefix(service.origin + "/_emulator/imagedelivery/EmuHash/"))
            #expect(url.contains("/public?exp="))
            #expect(url.contains("&sig="))

            let exp = try #require(Int64(url.split(separator: "exp=")[1].prefix { $0.isNumber }))
            let now = Int64(service.clock.now.timeIntervalSince1970)
            #expect(exp >= now + 599 && exp <= now + 601)
            let expiresAt = try #require(object.string("expires_at"))
            #expect(expiresAt.hasSuffix("Z") && expiresAt.contains("T"))

            let delivered = try await service.fetch(url)
            #expect(delivered.status == 200)
            #expect(delivered.body == Self.gif)

            // Unsigned, the emulator refuses a private image.
            let bare = String(url.prefix { $0 != "?" })
            #expect(try await service.fetch(bare).status == 403)
        }
    }

    @Test func alteredSignedURLsAreRefused() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: true)
            let url = try #require(try await service.get("api/images/\(id)/url/").object?.string("url"))
            #expect(try await service.fetch(url).status == 200)

            // One signature character changed.
            let last = url.last!
            let flipped = String(url.dropLast()) + (last == "0" ? "1" : "0")
            let badSig = try await service.fetch(flipped)
            #expect(badSig.status == 403)
            #expect(badSig.text.contains("Invalid signature"))

            // A later expiry with the old signature.
            let exp = try #require(url.range(of: #"exp=\d+"#, options: .regularExpression))
            let moved = url.replacingCharacters(in: exp, with: "exp=9999999999")
            #expect(try await service.fetch(moved).status == 403)

            // Another variant with the public variant's signature.
            let other = url.replacingOccurrences(of: "/public?", with: "/thumbnail?")
            #expect(try await service.fetch(other).status == 403)
        }
    }

    @Test func expiredSignedURLsAreRefused() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: true)
            // The API's clock two hours behind the emulator's: a one-hour URL is already past its expiry.
            service.clock.advance(-7200)
            let answer = try await service.get("api/images/\(id)/url/?expiry=3600")
            let url = try #require(answer.object?.string("url"))
            let refused = try await service.fetch(url)
            #expect(refused.status == 403)
            #expect(refused.text.contains("expired"))

            // The same, signed directly with an expiry in the past.
            let image = try #require(try await service.repository.image(.id(UUID(uuidString: id)!), owner: nil))
            let base = try DeliveryURL(
                accountHash: EmulatorService.account.accountHash, imageID: image.cloudflareID, variant: .public,
                domain: DeliveryDomain.custom(service.origin, pathPrefix: "_emulator/imagedelivery"))
            let past = URLSigner(key: EmulatorService.account.signingKey).sign(
                base, expiresAt: Int64(Date().timeIntervalSince1970) - 10)
            #expect(try await service.fetch(past).status == 403)
            let future = URLSigner(key: EmulatorService.account.signingKey).sign(
                base, expiresAt: Int64(Date().timeIntervalSince1970) + 60)
            #expect(try await service.fetch(future).status == 200)
        }
    }

    @Test func aConfiguredSigningKeyIsUsedInsteadOfV1Keys() async throws {
        try await withEmulatorService(configure: { $0.signingKey = "not-the-emulators-key" }) { service in
            let id = try await service.upload(signed: true)
            let url = try #require(try await service.get("api/images/\(id)/url/").object?.string("url"))
            let refused = try await service.fetch(url)
            #expect(refused.status == 403)
            #expect(refused.text.contains("Invalid signature"))
            let signer = URLSigner(key: "not-the-emulators-key")
            let path = String(url.dropFirst((service.origin + "/_emulator/imagedelivery").count))
            #expect(signer.verify(path, now: Int64(Date().timeIntervalSince1970)).isValid)
        }
    }

    @Test func publicImagesGetUnsignedURLsAndTransformations() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: false, bytes: Self.gif)
            let stored = try #require(try await service.get("api/images/\(id)/").object?.string("public_url"))

            let answer = try #require(try await service.get("api/images/\(id)/url/").object)
            #expect(answer["expires_at"] == .null)
            #expect(answer["signed"] == .bool(false))
            let url = try #require(answer.string("url"))
            #expect(url == stored)
            #expect(try await service.fetch(url).body == Self.gif)

            let thumbnail = try #require(
                try await service.get("api/images/\(id)/url/?variant=thumbnail&expiry=60").object)
            #expect(thumbnail.string("url") == String(stored.dropLast("public".count)) + "thumbnail")

            let flexible = try #require(
                try await service.get("api/images/\(id)/url/?width=300&h=200&fit=cover&format=webp&quality=80").object)
            let flexibleURL = try #require(flexible.string("url"))
            #expect(
                flexibleURL == String(stored.dropLast("public".count))
                    + "fit=cover,format=webp,height=200,quality=80,width=300")
            #expect(try await service.fetch(flexibleURL).status == 200)

            let options = try #require(try await service.get("api/images/\(id)/url/?variant=w=120,fit=contain").object)
            #expect(options.string("url")?.hasSuffix("/fit=contain,width=120") == true)
        }
    }

    @Test func flexibleOptionsOnAPrivateImageAreRefused() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: true)
            for query in ["width=300", "variant=w=300"] {
                let refused = try await service.get("api/images/\(id)/url/?\(query)")
                #expect(refused.status == 400)
                #expect(
                    refused.object?.string("detail")
                        == "Flexible variants cannot be used with images that require signed URLs.")
            }
        }
    }

    @Test func invalidParametersAre400sNamingThem() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: false)
            let cases: [(String, String, String)] = [
                ("width=0", "width", "width must be in 1...12000, got 0"),
                ("height=abc", "height", "invalid height 'abc': expected an integer"),
                ("fit=stretch", "fit", "invalid fit 'stretch': expected one of scale-down, contain, cover, crop, pad"),
                ("quality=101", "quality", "quality must be in 1...100, got 101"),
                ("bogus=1", "bogus", "unknown transformation option 'bogus'"),
                ("w=10&width=20", "width", "transformation option 'width' is given more than once"),
                ("expiry=0", "expiry", "expiry must be in 1...604800, got 0"),
                ("expiry=604801", "expiry", "expiry must be in 1...604800, got 604801"),
                ("expiry=soon", "expiry", "A valid integer is required."),
                ("variant=../x", "variant", ""),
                ("variant=nope", "variant", "Unknown variant \"nope\": this image has public, thumbnail."),
                ("variant=public&width=10", "variant", "Give a variant or transformation options, not both."),
                ("width=10&width=20", "width", "This parameter is given more than once."),
            ]
            for (query, field, message) in cases {
                let answer = try await service.get("api/images/\(id)/url/?\(query)")
                #expect(answer.status == 400, "\(query)")
                let messages = answer.object?.messages(field)
                #expect(messages?.isEmpty == false, "\(query): \(answer.text)")
                if !message.isEmpty { #expect(messages == [message], "\(query)") }
            }
        }
    }

    @Test func imagesWithoutVariantsAreAConflict() async throws {
        try await withEmulatorService { service in
            let id = try await service.createPending(signed: false)
            for path in ["url", "srcset"] {
                let answer = try await service.get("api/images/\(id)/\(path)/")
                #expect(answer.status == 409)
                #expect(
                    answer.object?.string("detail")
                        == "Image has no delivery URLs yet (status \"pending\"): upload it first.")
            }
            #expect(try await service.get("api/images/00000000-0000-0000-0000-000000000000/url/").status == 404)
            #expect(try await service.get("api/images/not-a-uuid/url/").status == 404)
        }
    }
}
