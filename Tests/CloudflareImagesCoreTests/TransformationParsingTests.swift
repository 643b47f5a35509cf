import CloudflareImagesCore
import Testing

struct TransformationParsingTests {
    @Test func queryParametersWithLongNamesAndAliases() throws {
        let long = try Transformation(parameters: ["width": "300", "height": "200", "fit": "cover", "quality": "85"])
        let short = try Transformation(parameters: ["w": "300", "h": "200", "fit": "cover", "q": "85"])
        #expect(long == short)
        #expect(long.optionsString == "fit=cover,height=200,quality=85,width=300")
        #expect(try Transformation(parameters: ["f": "webp", "g": "auto"]).optionsString == "format=webp,gravity=auto")
    }

    @Test(arguments: [
        (["quality": "0"], TransformationError.outOfRange(option: "quality", value: "0", range: "1...100")),
        (["w": "12001"], .outOfRange(option: "width", value: "12001", range: "1...12000")),
        (["width": "abc"], .invalidValue(option: "width", value: "abc", expected: "an integer")),
        (["width": "300.5"], .invalidValue(option: "width", value: "300.5", expected: "an integer")),
        (["dpr": "nan"], .invalidValue(option: "dpr", value: "nan", expected: "a number")),
        (["dpr": "1e0"], .invalidValue(option: "dpr", value: "1e0", expected: "a number")),
        (["width": ""], .invalidValue(option: "width", value: "", expected: "a value")),
    ])
    func queryValidationMatchesBuilder(parameters: [String: String], error: TransformationError) {
        #expect(throws: error) { try Transformation(parameters: parameters) }
    }

    @Test func anIntegerTooLargeForAnyTypeIsRefused() {
        #expect(throws: TransformationError.self) {
            try Transformation(parameters: ["width": "99999999999999999999999"])
        }
    }

    @Test func unknownDuplicateAndIgnoredKeys() throws {
        #expect(throws: TransformationError.unknownOption("zoom")) { try Transformation(parameters: ["zoom": "2"]) }
        #expect(throws: TransformationError.duplicateOption("width")) {
            try Transformation(parameters: ["w": "1", "width": "2"])
        }
        let t = try Transformation(
            parameters: ["width": "10", "variant": "public", "signed": "true"],
            ignoring: ["variant", "signed"])
        #expect(t.optionsString == "width=10")
    }

    @Test func borderFromSeparateParameters() throws {
        #expect(
            try Transformation(parameters: ["border_width": "3", "border_color": "#0000ff"]).optionsString
                == "border=3;0000ff")
        #expect(try Transformation(parameters: ["border": "3;0000ff"]).optionsString == "border=3;0000ff")
        #expect(throws: TransformationError.self) { try Transformation(parameters: ["border_width": "3"]) }
        #expect(throws: TransformationError.outOfRange(option: "border", value: "0", range: "1...100")) {
            try Transformation(parameters: ["border_width": "0", "border_color": "ffffff"])
        }
    }

    @Test func decimalsFromText() throws {
        let t = try Transformation(parameters: ["dpr": "2", "brightness": "-0.5", "contrast": "+0.25", "sharpen": "10"])
        #expect(t.optionsString == "brightness=-0.5,contrast=0.25,dpr=2.0,sharpen=10.0")
    }

    @Test func optionsStringRoundTrips() throws {
        let original = try Transformation()
            .width(640).height(480).fit(.crop).gravity(.point(x: 0.3, y: 0.7)).quality(60).format(.webp).dpr(2)
            .sharpen(1).blur(3).brightness(0.1).contrast(-0.1).gamma(1.2).rotate(180).trim(
                color: "eeeeee", tolerance: 0.2
            )
            .background("ffffff").border(width: 2, color: "000000").pad([1, 2, 3, 4]).crop(
                x: 0, y: 0, width: 5, height: 5)
        let parsed = try Transformation(optionsString: original.optionsString)
        #expect(parsed == original)
        #expect(parsed.optionsString == original.optionsString)
    }

    @Test func optionsStringWithAliases() throws {
        #expect(
            try Transformation(optionsString: "w=300,h=200,fit=cover").optionsString == "fit=cover,height=200,width=300"
        )
        #expect(try Transformation(optionsString: "").isEmpty)
    }

    @Test func malformedOptionStrings() {
        #expect(throws: TransformationError.malformedOption("cover")) { try Transformation(optionsString: "cover") }
        #expect(throws: TransformationError.malformedOption("")) { try Transformation(optionsString: "w=1,,h=2") }
        #expect(throws: TransformationError.malformedOption("=3")) { try Transformation(optionsString: "=3") }
        #expect(throws: TransformationError.malformedOption("20")) { try Transformation(optionsString: "w=1,20") }
        #expect(throws: TransformationError.duplicateOption("width")) {
            try Transformation(optionsString: "w=1,width=2")
        }
        #expect(throws: TransformationError.unknownOption("x")) { try Transformation(optionsString: "x=1") }
    }
}
