import CloudflareImagesCore
import Testing

struct DeliveryURLTests {
    let hash = "Vi7wi5KSItxGFsWRG2Us6Q"

    @Test func imageDeliveryURL() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "083eb7b2-5392", variant: .public)
        #expect(url.string == "https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/083eb7b2-5392/public")
        #expect(url.path == "/Vi7wi5KSItxGFsWRG2Us6Q/083eb7b2-5392/public")
        #expect(url.signingPath == url.path)
    }

    @Test func customDomainCdnCgiForm() throws {
        let domain = try DeliveryDomain.custom("images.example.com")
        let url = try DeliveryURL(accountHash: hash, imageID: "abc", variant: .named("thumbnail"), domain: domain)
        #expect(url.string == "https://images.example.com/cdn-cgi/imagedelivery/Vi7wi5KSItxGFsWRG2Us6Q/abc/thumbnail")
        #expect(url.signingPath == "/Vi7wi5KSItxGFsWRG2Us6Q/abc/thumbnail")
    }

    @Test func customDomainFromURLWithPortAndPath() throws {
        let domain = try DeliveryDomain.custom("http://127.0.0.1:8080/ignored/path")
        #expect(domain.origin == "http://127.0.0.1:8080")
        #expect(domain.pathPrefix == "cdn-cgi/imagedelivery")
        let https = try DeliveryDomain.custom(" https://Images.Example.com/ ")
        #expect(https.host == "images.example.com")
    }

    @Test func workerRootForm() throws {
        let domain = try DeliveryDomain.custom("https://img.example.com", pathPrefix: "", includesAccountHash: false)
        let url = try DeliveryURL(accountHash: hash, imageID: "abc", variant: .public, domain: domain)
        #expect(url.string == "https://img.example.com/abc/public")
        #expect(url.signingPath == "/Vi7wi5KSItxGFsWRG2Us6Q/abc/public")
        let rootWithHash = try DeliveryDomain.custom("img.example.com", pathPrefix: "/")
        #expect(
            try DeliveryURL(accountHash: hash, imageID: "abc", domain: rootWithHash).string
                == "https://img.example.com/Vi7wi5KSItxGFsWRG2Us6Q/abc/public")
    }

    @Test func badDomains() {
        for bad in ["", "ftp://x.com", "https://", "://x", "bad host.com", ".x.com"] {
            #expect(throws: DeliveryURLError.invalidDomain(bad), "\(bad)") { try DeliveryDomain.custom(bad) }
        }
    }

    @Test func flexibleVariantFromOptionsAndTransformation() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "abc", variant: .options("w=300,h=200,fit=cover"))
        #expect(url.string == "https://imagedelivery.net/\(hash)/abc/w=300,h=200,fit=cover")
        let t = try Transformation().width(300).fit(.cover)
        #expect(url.transformed(by: t).string == "https://imagedelivery.net/\(hash)/abc/fit=cover,width=300")
        #expect(url.transformed(by: Transformation()) == url)
        #expect(try DeliveryURL.Variant("w=1").transformation() == Transformation().width(1))
        #expect(try DeliveryURL.Variant("public").transformation() == nil)
        #expect(DeliveryURL.Variant("public") == .public)
    }

    @Test func customIDsKeepSlashesAndEncodeTheRest() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "/folder/my photo?#%é.jpg/", variant: .public)
        #expect(url.imageID == "folder/my photo?#%é.jpg")
        #expect(url.string == "https://imagedelivery.net/\(hash)/folder/my%20photo%3F%23%25%C3%A9.jpg/public")
    }

    @Test func noVariant() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "abc", variant: nil)
        #expect(url.string == "https://imagedelivery.net/\(hash)/abc")
    }

    @Test func invalidParts() throws {
        #expect(throws: DeliveryURLError.invalidAccountHash("")) { try DeliveryURL(accountHash: "", imageID: "a") }
        #expect(throws: DeliveryURLError.invalidAccountHash("a/b")) {
            try DeliveryURL(accountHash: "a/b", imageID: "a")
        }
        for bad in ["", "/", "a//b", "a/./b", "../etc", "a\nb"] {
            #expect(throws: DeliveryURLError.invalidImageID(bad), "\(bad)") {
                try DeliveryURL(accountHash: hash, imageID: bad)
            }
        }
        for bad in ["", "a/b", "..", "x\u{7F}"] {
            #expect(throws: DeliveryURLError.invalidVariant(bad), "\(bad)") {
                try DeliveryURL(accountHash: hash, imageID: "a", variant: .named(bad))
            }
        }
        let url = try DeliveryURL(accountHash: hash, imageID: "a")
        #expect(throws: DeliveryURLError.invalidVariant("x/y")) { try url.with(variant: .named("x/y")) }
        #expect(try url.with(variant: .named("thumb")).string.hasSuffix("/a/thumb"))
    }
}
