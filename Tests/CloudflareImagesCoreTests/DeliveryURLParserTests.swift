import CloudflareImagesCore
import Testing

struct DeliveryURLParserTests {
    let hash = "Vi7wi5KSItxGFsWRG2Us6Q"

    @Test func parsesImageDeliveryURLs() throws {
        let parser = DeliveryURLParser()
        let result = try #require(parser.parse("https://imagedelivery.net/\(hash)/abc-123/public"))
        #expect(result.domain == .imageDelivery)
        #expect(result.accountHash == hash)
        #expect(result.imageID == "abc-123")
        #expect(result.variant == .public)
        #expect(result.query == nil)
        #expect(parser.imageID(in: "imagedelivery.net/\(hash)/abc/public") == "abc")
        #expect(parser.imageID(in: "//imagedelivery.net/\(hash)/abc/public") == "abc")
    }

    @Test func customIDWithSlashesTakesLastSegmentAsVariant() throws {
        let parsed = try #require(
            DeliveryURLParser().parse(
                "https://imagedelivery.net/\(hash)/folder/sub/my%20photo.jpg/w=300,fit=cover?exp=1&sig=ab#frag"))
        #expect(parsed.imageID == "folder/sub/my photo.jpg")
        #expect(parsed.variant == .options("w=300,fit=cover"))
        #expect(parsed.query == "exp=1&sig=ab")
    }

    @Test func idWithoutVariant() throws {
        let parsed = try #require(DeliveryURLParser().parse("https://imagedelivery.net/\(hash)/abc"))
        #expect(parsed.imageID == "abc")
        #expect(parsed.variant == nil)
    }

    @Test func cdnCgiFormOnAnyHost() throws {
        let parsed = try #require(
            DeliveryURLParser().parse(
                "https://shop.example.com/cdn-cgi/imagedelivery/\(hash)/abc/thumbnail"))
        #expect(parsed.domain.host == "shop.example.com")
        #expect(parsed.accountHash == hash)
        #expect(parsed.imageID == "abc")
        #expect(parsed.variant == .named("thumbnail"))
    }

    @Test func configuredWorkerDomain() throws {
        let worker = try DeliveryDomain.custom("img.example.com", pathPrefix: "", includesAccountHash: false)
        let parser = DeliveryURLParser(customDomains: [worker])
        let parsed = try #require(parser.parse("https://img.example.com/folder/abc/public"))
        #expect(parsed.accountHash == nil)
        #expect(parsed.imageID == "folder/abc")
        #expect(throws: DeliveryURLError.self) { try parsed.deliveryURL() }
        #expect(try parsed.deliveryURL(accountHash: hash).signingPath == "/\(hash)/folder/abc/public")
        #expect(DeliveryURLParser().parse("https://img.example.com/folder/abc/public") == nil)
    }

    @Test func configuredDomainRequiresItsPrefix() throws {
        let domain = try DeliveryDomain.custom("img.example.com", pathPrefix: "images")
        let parser = DeliveryURLParser(customDomains: [domain])
        #expect(parser.imageID(in: "https://img.example.com/images/\(hash)/abc/public") == "abc")
        #expect(!parser.isDeliveryURL("https://img.example.com/static/logo.png"))
    }

    @Test(arguments: [
        "https://example.com/\("Vi7wi5KSItxGFsWRG2Us6Q")/abc/public",
        "https://example.com/imagedelivery.net/h/abc/public",
        "https://imagedelivery.net/",
        "https://imagedelivery.net/onlyhash",
        "https://imagedelivery.net//abc/public",
        "https://imagedelivery.net/h//public",
        "https://imagedelivery.net/h/a%zz/public",
        "https://example.com/cdn-cgi/imagedelivery/",
        "/cdn-cgi/imagedelivery/h/abc/public",
        "",
        "not a url",
    ])
    func rejects(_ url: String) {
        #expect(DeliveryURLParser().parse(url) == nil)
        #expect(!DeliveryURLParser().isDeliveryURL(url))
    }

    @Test func buildParseRoundTrip() throws {
        let domains = [DeliveryDomain.imageDelivery, try DeliveryDomain.custom("images.example.com")]
        let ids = ["abc", "folder/sub/a b+c.jpg", "ümlaut/%41"]
        let variants: [DeliveryURL.Variant] = [.public, .named("thumbnail"), .options("fit=cover,width=300")]
        for domain in domains {
            for id in ids {
                for variant in variants {
                    let url = try DeliveryURL(accountHash: hash, imageID: id, variant: variant, domain: domain)
                    let parsed = try #require(DeliveryURLParser().parse(url.string), "\(url)")
                    #expect(try parsed.deliveryURL() == url)
                }
            }
        }
    }

    @Test func rewriteOntoCustomDomainKeepsQuery() throws {
        let domain = try DeliveryDomain.custom("images.example.com")
        let parser = DeliveryURLParser()
        #expect(
            parser.rewrite("https://imagedelivery.net/\(hash)/abc/public?exp=1&sig=2", to: domain)
                == "https://images.example.com/cdn-cgi/imagedelivery/\(hash)/abc/public?exp=1&sig=2")
        #expect(parser.rewrite("https://other.example.com/x.jpg", to: domain) == "https://other.example.com/x.jpg")
    }
}
