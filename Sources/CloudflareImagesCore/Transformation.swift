import Base16

/// A set of Cloudflare image transformation options, validated as they are set.
///
/// Build it fluently (every setter returns a new value and throws on a bad value):
/// ```swift
/// let t = try Transformation().width(300).height(200).fit(.cover).quality(85)
/// t.optionsString  // "fit=cover,height=200,quality=85,width=300"
/// ```
/// Options are serialized with Cloudflare's long names in alphabetical order, so the same render always yields the
/// same URL (one CDN cache entry). Cloudflare also accepts the short aliases (`w`, `h`, `q`, `f`, `g`); the parsers
/// accept them too.
public struct Transformation: Sendable, Hashable {
    public private(set) var width: Int?
    public private(set) var height: Int?
    public private(set) var fit: Fit?
    public private(set) var gravity: Gravity?
    public private(set) var quality: Int?
    public private(set) var format: Format?
    public private(set) var dpr: Double?
    public private(set) var sharpen: Double?
    public private(set) var blur: Int?
    public private(set) var brightness: Double?
    public private(set) var contrast: Double?
    public private(set) var gamma: Double?
    /// Degrees clockwise; `0` is accepted but not emitted.
    public private(set) var rotate: Int?
    public private(set) var trim: Trim?
    /// Six hex digits without `#`.
    public private(set) var background: String?
    public private(set) var border: Border?
    public private(set) var pad: Padding?
    public private(set) var crop: Crop?

    /// An empty transformation (no options): applying it leaves a URL unchanged.
    public init() {}

    // MARK: Ranges, shared by the setters, the parsers and the error messages.

    public static let dimensionRange = 1...12_000
    public static let qualityRange = 1...100
    public static let dprRange = 1.0...3.0
    public static let sharpenRange = 0.0...10.0
    public static let blurRange = 1...250
    public static let brightnessRange = -1.0...1.0
    public static let contrastRange = -1.0...1.0
    public static let gammaRange = 0.1...9.9
    public static let rotations = [0, 90, 180, 270]
    public static let trimToleranceRange = 0.0...1.0
    public static let borderWidthRange = 1...100
    public static let padRange = 0...500

    // MARK: Setters

    /// Width in pixels, `1...12000`.
    public func width(_ value: Int) throws(TransformationError) -> Transformation {
        try setting(\.width, Self.check("width", value, in: Self.dimensionRange))
    }

    /// Height in pixels, `1...12000`.
    public func height(_ value: Int) throws(TransformationError) -> Transformation {
        try setting(\.height, Self.check("height", value, in: Self.dimensionRange))
    }

    /// How the image fits `width` x `height` (`scale-down`, `contain`, `cover`, `crop`, `pad`).
    public func fit(_ value: Fit) -> Transformation {
        setting(\.fit, value)
    }

    /// Gravity; coordinates must each lie in `0...1`.
    public func gravity(_ value: Gravity) throws(TransformationError) -> Transformation {
        if case let .point(x, y) = value {
            _ = try Self.check("gravity", x, in: 0.0...1.0)
            _ = try Self.check("gravity", y, in: 0.0...1.0)
        }
        return setting(\.gravity, value)
    }

    /// Quality, `1...100`.
    public func quality(_ value: Int) throws(TransformationError) -> Transformation {
        try setting(\.quality, Self.check("quality", value, in: Self.qualityRange))
    }

    /// Output format; `auto` serves AVIF or WebP to browsers that take them.
    public func format(_ value: Format) -> Transformation {
        setting(\.format, value)
    }

    /// Device pixel ratio, `1.0...3.0`.
    public func dpr(_ value: Double) throws(TransformationError) -> Transformation {
        try setting(\.dpr, Self.check("dpr", value, in: Self.dprRange))
    }

    /// Sharpening strength, `0.0...10.0`.
    public func sharpen(_ value: Double) throws(TransformationError) -> Transformation {
        try setting(\.sharpen, Self.check("sharpen", value, in: Self.sharpenRange))
    }

    /// Blur radius, `1...250`.
    public func blur(_ value: Int) throws(TransformationError) -> Transformation {
        try setting(\.blur, Self.check("blur", value, in: Self.blurRange))
    }

    /// Brightness adjustment, `-1.0...1.0`.
    public func brightness(_ value: Double) throws(TransformationError) -> Transformation {
        try setting(\.brightness, Self.check("brightness", value, in: Self.brightnessRange))
    }

    /// Contrast adjustment, `-1.0...1.0`.
    public func contrast(_ value: Double) throws(TransformationError) -> Transformation {
        try setting(\.contrast, Self.check("contrast", value, in: Self.contrastRange))
    }

    /// Gamma correction, `0.1...9.9`.
    public func gamma(_ value: Double) throws(TransformationError) -> Transformation {
        try setting(\.gamma, Self.check("gamma", value, in: Self.gammaRange))
    }

    /// Rotation: 0, 90, 180 or 270 degrees. `0` clears any rotation.
    public func rotate(_ degrees: Int) throws(TransformationError) -> Transformation {
        guard Self.rotations.contains(degrees) else {
            throw .invalidValue(option: "rotate", value: String(degrees), expected: "one of 0, 90, 180, 270")
        }
        return setting(\.rotate, degrees == 0 ? nil : degrees)
    }

    /// Trim borders: `auto` when both are nil, else the border colour (hex, `#` optional) and/or tolerance `0...1`.
    public func trim(color: String? = nil, tolerance: Double? = nil) throws(TransformationError) -> Transformation {
        let hex = try color.map { (c) throws(TransformationError) in try Self.hexColor("trim", c) }
        let tol = try tolerance.map { (t) throws(TransformationError) in
            try Self.check("trim", t, in: Self.trimToleranceRange)
        }
        return setting(\.trim, Trim(color: hex, tolerance: tol))
    }

    /// Background colour for transparent areas and `fit=pad`: six hex digits, `#` optional.
    public func background(_ color: String) throws(TransformationError) -> Transformation {
        try setting(\.background, Self.hexColor("background", color))
    }

    /// A border `1...100` pixels wide in a hex colour (`#` optional).
    public func border(width: Int, color: String) throws(TransformationError) -> Transformation {
        let w = try Self.check("border", width, in: Self.borderWidthRange)
        return try setting(\.border, Border(width: w, color: Self.hexColor("border", color)))
    }

    /// Padding in pixels on every side, `0...500`.
    public func pad(_ pixels: Int) throws(TransformationError) -> Transformation {
        try pad([pixels])
    }

    /// Padding given as one to four values (CSS order), each `0...500`.
    public func pad(_ pixels: [Int]) throws(TransformationError) -> Transformation {
        guard (1...4).contains(pixels.count) else {
            throw .invalidValue(
                option: "pad", value: pixels.map(String.init).joined(separator: ","),
                expected: "one to four comma-separated pixel values"
            )
        }
        for value in pixels { _ = try Self.check("pad", value, in: Self.padRange) }
        return setting(\.pad, Padding(values: pixels))
    }

    /// Crop to a rectangle: non-negative origin, positive size.
    public func crop(x: Int, y: Int, width: Int, height: Int) throws(TransformationError) -> Transformation {
        let text = "\(x);\(y);\(width);\(height)"
        guard x >= 0, y >= 0, width >= 0, height >= 0 else {
            throw .invalidValue(option: "crop", value: text, expected: "non-negative x;y;width;height")
        }
        guard width > 0, height > 0 else {
            throw .invalidValue(option: "crop", value: text, expected: "width and height greater than 0")
        }
        return setting(\.crop, Crop(x: x, y: y, width: width, height: height))
    }

    // MARK: Output

    /// Whether no option is set.
    public var isEmpty: Bool { options.isEmpty }

    /// The set options as `(name, value)` pairs, sorted by name.
    public var options: [(name: String, value: String)] {
        let all: [(String, String?)] = [
            ("background", background),
            ("blur", blur.map(String.init)),
            ("border", border?.value),
            ("brightness", brightness.map(formatNumber)),
            ("contrast", contrast.map(formatNumber)),
            ("crop", crop?.value),
            ("dpr", dpr.map(formatNumber)),
            ("fit", fit?.rawValue),
            ("format", format?.rawValue),
            ("gamma", gamma.map(formatNumber)),
            ("gravity", gravity?.value),
            ("height", height.map(String.init)),
            ("pad", pad?.value),
            ("quality", quality.map(String.init)),
            ("rotate", rotate.map(String.init)),
            ("sharpen", sharpen.map(formatNumber)),
            ("trim", trim?.value),
            ("width", width.map(String.init)),
        ]
        return all.compactMap { name, value in value.map { (name, $0) } }
    }

    /// Cloudflare's comma-separated option string, e.g. `fit=cover,height=200,width=300` (empty when no option is set).
    public var optionsString: String {
        options.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }

    // MARK: Validation helpers

    private func setting<Value>(_ option: WritableKeyPath<Transformation, Value?>, _ value: Value?) -> Transformation {
        var copy = self
        copy[keyPath: option] = value
        return copy
    }

    static func check(_ option: String, _ value: Int, in range: ClosedRange<Int>) throws(TransformationError) -> Int {
        guard range.contains(value) else {
            throw .outOfRange(option: option, value: String(value), range: "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    static func check(
        _ option: String, _ value: Double, in range: ClosedRange<Double>
    ) throws(TransformationError) -> Double {
        guard value.isFinite, range.contains(value) else {
            throw .outOfRange(
                option: option, value: formatNumber(value),
                range: "\(formatNumber(range.lowerBound))...\(formatNumber(range.upperBound))"
            )
        }
        return value
    }

    static func hexColor(_ option: String, _ color: String) throws(TransformationError) -> String {
        let digits = color.hasPrefix("#") ? String(color.dropFirst()) : color
        guard digits.utf8.count == 6, digits.utf8.allSatisfy(\.isHexDigit) else {
            throw .invalidValue(option: option, value: color, expected: "a six-digit hex colour such as #ffffff")
        }
        return digits
    }
}

extension UInt8 {
    var isHexDigit: Bool { Hex.value(ofDigit: self) != nil }
}
