import CloudflareImagesCore
import Testing

struct ResponsiveImageTests {
    let base = "https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/abc/public"
    let prefix = "https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/abc/"

    @Test func srcsetSortsAndDedupes() throws {
        let image = try ResponsiveImage(source: base, widths: [640, 320, 640])
        #expect(image.widths == [320, 640])
        #expect(
            image.srcset == "\(prefix)fit=scale-down,format=auto,quality=85,width=320 320w, "
                + "\(prefix)fit=scale-down,format=auto,quality=85,width=640 640w")
        #expect(image.src == "\(prefix)fit=scale-down,format=auto,quality=85,width=320")
    }

    @Test func srcsetInAnotherFormatAndQuality() throws {
        let image = try ResponsiveImage(source: base, widths: [100], quality: 60, format: .webp)
        #expect(image.srcset == "\(prefix)fit=scale-down,format=webp,quality=60,width=100 100w")
        #expect(image.srcset(format: .avif) == "\(prefix)fit=scale-down,format=avif,quality=60,width=100 100w")
    }

    @Test func widthValidation() throws {
        #expect(throws: TransformationError.noWidths) { try ResponsiveImage(source: base, widths: []) }
        #expect(throws: TransformationError.outOfRange(option: "width", value: "0", range: "1...12000")) {
            try ResponsiveImage(source: base, widths: [320, 0])
        }
        #expect(throws: TransformationError.outOfRange(option: "width", value: "12001", range: "1...12000")) {
            try ResponsiveImage(source: base, widths: [12_001])
        }
        #expect(throws: TransformationError.outOfRange(option: "quality", value: "0", range: "1...100")) {
            try ResponsiveImage(source: base, widths: [1], quality: 0)
        }
        #expect(try ResponsiveImage(source: base, widths: [1, 12_000]).widths == [1, 12_000])
    }

    @Test func parseWidths() throws {
        #expect(try ResponsiveImage.parseWidths("320, 640,1024") == [320, 640, 1024])
        #expect(throws: TransformationError.noWidths) { try ResponsiveImage.parseWidths(" , ") }
        #expect(throws: TransformationError.invalidValue(option: "width", value: "abc", expected: "an integer")) {
            try ResponsiveImage.parseWidths("320,abc")
        }
    }

    @Test func sizesAttribute() {
        #expect(
            ResponsiveImage.sizes([("max-width: 768px", "100vw"), ("(max-width: 1024px)", "50vw")], default: "800")
                == "(max-width: 768px) 100vw, (max-width: 1024px) 50vw, 800px")
        #expect(ResponsiveImage.sizes([], default: "100vw") == "100vw")
    }

    @Test func imgTagEscapesAttributes() throws {
        let image = try ResponsiveImage(source: base + "?a=1&b=2", widths: [320])
        let html = image.imgTag(alt: "Tom & \"Jerry\" <script>'", cssClass: "hero \"x\"")
        #expect(html.hasPrefix("<img src=\"\(prefix)fit=scale-down,format=auto,quality=85,width=320?a=1&amp;b=2\""))
        #expect(html.contains(" alt=\"Tom &amp; &quot;Jerry&quot; &lt;script&gt;&#39;\""))
        #expect(html.contains(" class=\"hero &quot;x&quot;\""))
        #expect(html.contains(" sizes=\"100vw\""))
        #expect(html.hasSuffix(" loading=\"lazy\">"))
        #expect(!html.contains("<script>"))
    }

    @Test func imgTagWithoutClassOrLazy() throws {
        let html = try ResponsiveImage(source: base, widths: [320]).imgTag(lazy: false)
        #expect(html.contains(" alt=\"\""))
        #expect(!html.contains("class="))
        #expect(!html.contains("loading="))
    }

    @Test func pictureTag() throws {
        let image = try ResponsiveImage(source: base, widths: [320], sizes: "50vw")
        let html = try image.pictureTag(alt: "a<b", formats: [.avif, .webp])
        #expect(
            html.hasPrefix(
                "<picture><source type=\"image/avif\" srcset=\"\(prefix)fit=scale-down,format=avif,"
                    + "quality=85,width=320 320w\" sizes=\"50vw\"><source type=\"image/webp\""))
        #expect(html.contains("alt=\"a&lt;b\""))
        #expect(html.hasSuffix("></picture>"))
        #expect(throws: TransformationError.self) { try image.pictureTag(formats: [.auto]) }
    }

    @Test func nonDeliverySourceUsesImageResizing() throws {
        let image = try ResponsiveImage(source: "https://example.com/a.jpg", widths: [320])
        #expect(
            image.srcset
                == "https://example.com/cdn-cgi/image/fit=scale-down,format=auto,quality=85,width=320/a.jpg 320w")
    }
}
