import CloudflareImagesCore
import Testing

struct TransformationTests {
    @Test func emptyTransformationHasNoOptions() {
        #expect(Transformation().isEmpty)
        #expect(Transformation().optionsString == "")
    }

    @Test func optionsAreSortedWhateverTheCallOrder() throws {
        let a = try Transformation().width(300).height(200).fit(.cover).quality(85)
        let b = try Transformation().quality(85).fit(.cover).height(200).width(300)
        #expect(a.optionsString == "fit=cover,height=200,quality=85,width=300")
        #expect(a == b)
        #expect(a.optionsString == b.optionsString)
    }

    @Test func everyOptionSerializes() throws {
        let t = try Transformation()
            .width(300).height(200).fit(.scaleDown).gravity(.point(x: 0.25, y: 0.75)).quality(70).format(.avif)
            .dpr(1.5).sharpen(2).blur(10).brightness(-0.5).contrast(0.5).gamma(2.2).rotate(90)
            .trim(color: "#FFFFFF", tolerance: 0.1).background("#00ff00").border(width: 5, color: "ff0000")
            .pad([10, 20]).crop(x: 1, y: 2, width: 30, height: 40)
        #expect(
            t.optionsString == "background=00ff00,blur=10,border=5;ff0000,brightness=-0.5,contrast=0.5,"
                + "crop=1;2;30;40,dpr=1.5,fit=scale-down,format=avif,gamma=2.2,gravity=0.25x0.75,height=200,pad=10,20,"
                + "quality=70,rotate=90,sharpen=2.0,trim=FFFFFF;0.1,width=300")
    }

    // MARK: Integer ranges: each boundary in, and just out.

    struct IntCase: Sendable, CustomTestStringConvertible {
        let option: String
        let low: Int
        let high: Int
        let set: @Sendable (Int) throws -> Transformation
        var testDescription: String { option }
    }

    static let intCases: [IntCase] = [
        IntCase(option: "width", low: 1, high: 12_000) { try Transformation().width($0) },
        IntCase(option: "height", low: 1, high: 12_000) { try Transformation().height($0) },
        IntCase(option: "quality", low: 1, high: 100) { try Transformation().quality($0) },
        IntCase(option: "blur", low: 1, high: 250) { try Transformation().blur($0) },
        IntCase(option: "pad", low: 0, high: 500) { try Transformation().pad($0) },
        IntCase(option: "border", low: 1, high: 100) { try Transformation().border(width: $0, color: "000000") },
    ]

    @Test(arguments: intCases)
    func integerBoundaries(_ c: IntCase) throws {
        #expect(try c.set(c.low).optionsString.contains("\(c.option)=\(c.low)"))
        #expect(try c.set(c.high).optionsString.contains("\(c.option)=\(c.high)"))
        let range = "\(c.low)...\(c.high)"
        #expect(throws: TransformationError.outOfRange(option: c.option, value: "\(c.low - 1)", range: range)) {
            try c.set(c.low - 1)
        }
        #expect(throws: TransformationError.outOfRange(option: c.option, value: "\(c.high + 1)", range: range)) {
            try c.set(c.high + 1)
        }
    }

    struct DoubleCase: Sendable, CustomTestStringConvertible {
        let option: String
        let low: Double
        let high: Double
        let below: Double
        let above: Double
        let range: String
        let set: @Sendable (Double) throws -> Transformation
        var testDescription: String { option }
    }

    static let doubleCases: [DoubleCase] = [
        DoubleCase(option: "dpr", low: 1, high: 3, below: 0.99, above: 3.01, range: "1.0...3.0") {
            try Transformation().dpr($0)
        },
        DoubleCase(option: "sharpen", low: 0, high: 10, below: -0.01, above: 10.01, range: "0.0...10.0") {
            try Transformation().sharpen($0)
        },
        DoubleCase(option: "brightness", low: -1, high: 1, below: -1.01, above: 1.01, range: "-1.0...1.0") {
            try Transformation().brightness($0)
        },
        DoubleCase(option: "contrast", low: -1, high: 1, below: -1.01, above: 1.01, range: "-1.0...1.0") {
            try Transformation().contrast($0)
        },
        DoubleCase(option: "gamma", low: 0.1, high: 9.9, below: 0.09, above: 9.91, range: "0.1...9.9") {
            try Transformation().gamma($0)
        },
        DoubleCase(option: "trim", low: 0, high: 1, below: -0.01, above: 1.01, range: "0.0...1.0") {
            try Transformation().trim(tolerance: $0)
        },
    ]

    @Test(arguments: doubleCases)
    func decimalBoundaries(_ c: DoubleCase) throws {
        #expect(try c.set(c.low).optionsString == "\(c.option)=\(c.low)")
        #expect(try c.set(c.high).optionsString == "\(c.option)=\(c.high)")
        #expect(throws: TransformationError.outOfRange(option: c.option, value: "\(c.below)", range: c.range)) {
            try c.set(c.below)
        }
        #expect(throws: TransformationError.outOfRange(option: c.option, value: "\(c.above)", range: c.range)) {
            try c.set(c.above)
        }
        #expect(throws: TransformationError.self) { try c.set(.nan) }
        #expect(throws: TransformationError.self) { try c.set(.infinity) }
    }

    @Test func errorDescriptionNamesOptionAndRange() {
        let error = TransformationError.outOfRange(option: "quality", value: "0", range: "1...100")
        #expect(error.description == "quality must be in 1...100, got 0")
        #expect(throws: error) { try Transformation().quality(0) }
    }

    // MARK: Enumerated and shaped values

    @Test func rotateAcceptsQuarterTurnsAndDropsZero() throws {
        #expect(try Transformation().rotate(0).optionsString == "")
        #expect(try Transformation().rotate(90).rotate(0).isEmpty)
        for degrees in [90, 180, 270] {
            #expect(try Transformation().rotate(degrees).optionsString == "rotate=\(degrees)")
        }
        for degrees in [-90, 45, 360] {
            #expect(
                throws: TransformationError.invalidValue(
                    option: "rotate", value: "\(degrees)", expected: "one of 0, 90, 180, 270")
            ) {
                try Transformation().rotate(degrees)
            }
        }
    }

    @Test func gravitySidesAndCoordinates() throws {
        for side in ["auto", "left", "right", "top", "bottom", "center"] {
            #expect(try Transformation(parameters: ["gravity": side]).optionsString == "gravity=\(side)")
        }
        #expect(try Transformation().gravity(.point(x: 0.5, y: 0.5)).optionsString == "gravity=0.5x0.5")
        #expect(try Transformation().gravity(.point(x: 0, y: 1)).optionsString == "gravity=0.0x1.0")
        #expect(try Transformation(parameters: ["gravity": "0x1"]).gravity == .point(x: 0, y: 1))
        #expect(try Transformation(parameters: ["gravity": "1.0x0.25"]).gravity == .point(x: 1, y: 0.25))
        #expect(throws: TransformationError.outOfRange(option: "gravity", value: "1.5", range: "0.0...1.0")) {
            try Transformation(parameters: ["gravity": "1.5x0.5"])
        }
        #expect(throws: TransformationError.outOfRange(option: "gravity", value: "-0.1", range: "0.0...1.0")) {
            try Transformation().gravity(.point(x: 0.5, y: -0.1))
        }
        for bad in ["middle", "0.5", "0.5x", "x0.5", ".5x.5", "2x0", "0.5X0.5", "0.5x0.5x0.5", "face"] {
            #expect(throws: TransformationError.self, "\(bad)") { try Transformation(parameters: ["gravity": bad]) }
        }
    }

    @Test func fitAndFormatValues() throws {
        for fit in ["scale-down", "contain", "cover", "crop", "pad"] {
            #expect(try Transformation(parameters: ["fit": fit]).optionsString == "fit=\(fit)")
        }
        #expect(
            throws: TransformationError.invalidValue(
                option: "fit", value: "stretch", expected: "one of scale-down, contain, cover, crop, pad")
        ) {
            try Transformation(parameters: ["fit": "stretch"])
        }
        for format in ["auto", "webp", "avif", "jpeg", "json"] {
            #expect(try Transformation(parameters: ["format": format]).optionsString == "format=\(format)")
        }
        #expect(throws: TransformationError.self) { try Transformation(parameters: ["format": "gif"]) }
    }

    @Test func colours() throws {
        #expect(try Transformation().background("#ABCDEF").background == "ABCDEF")
        #expect(try Transformation().background("123abc").background == "123abc")
        for bad in ["#fff", "fffffff", "gggggg", "", "#", "##ffffff"] {
            #expect(throws: TransformationError.self, "\(bad)") { try Transformation().background(bad) }
            #expect(throws: TransformationError.self, "\(bad)") { try Transformation().border(width: 1, color: bad) }
        }
    }

    @Test func trimForms() throws {
        #expect(try Transformation().trim().optionsString == "trim=auto")
        #expect(try Transformation().trim(color: "ffffff").optionsString == "trim=ffffff")
        #expect(try Transformation().trim(tolerance: 0.5).optionsString == "trim=0.5")
        #expect(try Transformation(parameters: ["trim": "auto"]).optionsString == "trim=auto")
        #expect(try Transformation(parameters: ["trim": "#ffffff;0.25"]).optionsString == "trim=ffffff;0.25")
        #expect(
            try Transformation(parameters: ["trim_color": "000000", "trim_tolerance": "1"]).optionsString
                == "trim=000000;1.0")
        #expect(throws: TransformationError.self) { try Transformation(parameters: ["trim": "ffffff;0.5;1"]) }
        #expect(throws: TransformationError.self) { try Transformation(parameters: ["trim": "nope"]) }
    }

    @Test func padForms() throws {
        #expect(try Transformation().pad([1, 2, 3, 4]).optionsString == "pad=1,2,3,4")
        #expect(try Transformation(parameters: ["pad": "10,20,30"]).pad?.values == [10, 20, 30])
        #expect(throws: TransformationError.self) { try Transformation().pad([]) }
        #expect(throws: TransformationError.self) { try Transformation().pad([1, 2, 3, 4, 5]) }
        #expect(throws: TransformationError.outOfRange(option: "pad", value: "501", range: "0...500")) {
            try Transformation().pad([0, 501])
        }
    }

    @Test func cropRules() throws {
        #expect(try Transformation().crop(x: 0, y: 0, width: 1, height: 1).optionsString == "crop=0;0;1;1")
        #expect(throws: TransformationError.self) { try Transformation().crop(x: -1, y: 0, width: 1, height: 1) }
        #expect(throws: TransformationError.self) { try Transformation().crop(x: 0, y: 0, width: 0, height: 1) }
        #expect(throws: TransformationError.self) { try Transformation().crop(x: 0, y: 0, width: 1, height: 0) }
        #expect(try Transformation(parameters: ["crop": "5;6;7;8"]).crop?.width == 7)
        #expect(throws: TransformationError.self) { try Transformation(parameters: ["crop": "5;6;7"]) }
    }
}
