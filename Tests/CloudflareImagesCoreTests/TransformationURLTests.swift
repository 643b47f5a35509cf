import CloudflareImagesCore
import Testing

struct TransformationURLTests {
    let hash = "Vi7wi5KSItxGFsWRG2Us6Q"

    @Test func replacesVariantOfDeliveryURL() throws {
        let t = try Transformation().width(300).height(200).fit(.cover)
        #expect(
            t.apply(to: "https://imagedelivery.net/\(hash)/abc/public")
                == "https://imagedelivery.net/\(hash)/abc/fit=cover,height=200,width=300")
        #expect(
            t.apply(to: "https://imagedelivery.net/\(hash)/abc")
                == "https://imagedelivery.net/\(hash)/abc/fit=cover,height=200,width=300")
        #expect(
            t.apply(to: "https://x.com/cdn-cgi/imagedelivery/\(hash)/f/a%20b/public?k=v")
                == "https://x.com/cdn-cgi/imagedelivery/\(hash)/f/a%20b/fit=cover,height=200,width=300?k=v")
    }

    @Test func emptyTransformationLeavesURL() {
        #expect(
            Transformation().apply(to: "https://imagedelivery.net/\(hash)/abc/public")
                == "https://imagedelivery.net/\(hash)/abc/public")
    }

    @Test func imageResizingForms() throws {
        let t = try Transformation().width(300).quality(80)
        #expect(
            t.apply(to: "https://example.com/uploads/photo.jpg")
                == "https://example.com/cdn-cgi/image/quality=80,width=300/uploads/photo.jpg")
        #expect(t.apply(to: "/uploads/photo.jpg") == "/cdn-cgi/image/quality=80,width=300/uploads/photo.jpg")
        #expect(
            t.imageResizingURL(source: "/uploads/photo.jpg", zone: "example.com")
                == "https://example.com/cdn-cgi/image/quality=80,width=300/uploads/photo.jpg")
        #expect(
            t.imageResizingURL(source: "uploads/photo.jpg")
                == "/cdn-cgi/image/quality=80,width=300/uploads/photo.jpg")
    }
}
