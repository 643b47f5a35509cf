import CloudflareImagesCore
import Testing

/// Expected strings are the reference toolkit's `CloudflareImageVariants` output (sorted option names).
struct TransformationPresetTests {
    @Test func defaults() throws {
        let expected: [TransformationPreset: String] = [
            .thumbnail: "fit=cover,height=150,quality=85,width=150",
            .avatar: "fit=cover,gravity=auto,height=100,quality=90,width=100",
            .hero: "fit=cover,format=auto,gravity=auto,height=600,quality=85,width=1200",
            .responsive: "fit=scale-down,format=auto,quality=85,width=800",
            .product: "background=ffffff,fit=pad,height=400,quality=90,width=400",
            .gallery: "fit=contain,format=auto,height=600,quality=85,width=800",
            .mobile: "dpr=2.0,fit=scale-down,format=webp,quality=80,width=400",
        ]
        for preset in TransformationPreset.allCases {
            #expect(try preset.transformation().optionsString == expected[preset], "\(preset)")
        }
    }

    @Test func sizeOverrides() throws {
        #expect(
            try TransformationPreset.thumbnail.transformation(width: 200).optionsString
                == "fit=cover,height=200,quality=85,width=200")
        #expect(
            try TransformationPreset.hero.transformation(width: 1920, height: 800).optionsString
                == "fit=cover,format=auto,gravity=auto,height=800,quality=85,width=1920")
        #expect(
            try TransformationPreset.responsive.transformation(width: 640, height: 999, quality: 70).optionsString
                == "fit=scale-down,format=auto,quality=70,width=640")
        #expect(
            try TransformationPreset.mobile.transformation(width: 320).optionsString
                == "dpr=2.0,fit=scale-down,format=webp,quality=80,width=320")
    }

    @Test func invalidOverridesThrow() {
        #expect(throws: TransformationError.outOfRange(option: "width", value: "0", range: "1...12000")) {
            try TransformationPreset.avatar.transformation(width: 0)
        }
        #expect(throws: TransformationError.outOfRange(option: "quality", value: "101", range: "1...100")) {
            try TransformationPreset.gallery.transformation(quality: 101)
        }
    }

    @Test func presetNamesParse() {
        #expect(TransformationPreset(rawValue: "thumbnail") == .thumbnail)
        #expect(TransformationPreset(rawValue: "banner") == nil)
    }
}
