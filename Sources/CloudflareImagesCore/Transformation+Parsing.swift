extension Transformation {
    /// Every option name, long form.
    public static let optionNames: [String] = [
        "background", "blur", "border", "brightness", "contrast", "crop", "dpr", "fit", "format", "gamma", "gravity",
        "height", "pad", "quality", "rotate", "sharpen", "trim", "width",
    ]

    /// Cloudflare's short aliases and the long names they stand for.
    public static let aliases: [String: String] = [
        "w": "width", "h": "height", "q": "quality", "f": "format", "g": "gravity",
    ]

    /// Builds a transformation from query-style parameters such as `["width": "300", "fit": "cover"]`.
    ///
    /// Keys are option names or aliases; `border` may also be given as `border_width` + `border_color`, and `trim`
    /// as `trim_color` and/or `trim_tolerance`. Keys in `ignoring` (e.g. `variant`, `signed`) are skipped; any other
    /// unknown key is an error. Parameters are checked in name order, so the first error reported is stable.
    public init(parameters: [String: String], ignoring: Set<String> = []) throws(TransformationError) {
        var remaining = parameters.filter { !ignoring.contains($0.key) }
        var result = Transformation()
        var seen = Set<String>()

        let borderWidth = remaining.removeValue(forKey: "border_width")
        let borderColor = remaining.removeValue(forKey: "border_color")
        if borderWidth != nil || borderColor != nil {
            guard let borderWidth, let borderColor else {
                throw .invalidValue(
                    option: "border", value: borderWidth ?? borderColor ?? "",
                    expected: "border_width and border_color together"
                )
            }
            result = try result.border(width: Self.integer("border", borderWidth), color: borderColor)
            seen.insert("border")
        }
        let trimColor = remaining.removeValue(forKey: "trim_color")
        let trimTolerance = remaining.removeValue(forKey: "trim_tolerance")
        if trimColor != nil || trimTolerance != nil {
            let tolerance = try trimTolerance.map { (t) throws(TransformationError) in try Self.number("trim", t) }
            result = try result.trim(color: trimColor, tolerance: tolerance)
            seen.insert("trim")
        }

        for key in remaining.keys.sorted() {
            let name = Self.aliases[key] ?? key
            guard Self.optionNames.contains(name) else { throw .unknownOption(key) }
            guard seen.insert(name).inserted else { throw .duplicateOption(name) }
            result = try result.setting(name, to: remaining[key]!)
        }
        self = result
    }

    /// Parses a comma-separated option string such as `w=300,h=200,fit=cover` (a flexible variant or the
    /// `<options>` part of a `/cdn-cgi/image/` URL). A piece without `=` continues the previous value, so
    /// multi-value padding (`pad=10,20`) survives the round trip.
    public init(optionsString: String) throws(TransformationError) {
        var pairs: [(name: String, value: String)] = []
        if !optionsString.isEmpty {
            for piece in optionsString.split(separator: ",", omittingEmptySubsequences: false) {
                if let eq = piece.firstIndex(of: "=") {
                    let name = piece[..<eq].trimmingSpaces
                    guard !name.isEmpty else { throw .malformedOption(String(piece)) }
                    pairs.append((name, piece[piece.index(after: eq)...].trimmingSpaces))
                } else if let last = pairs.last, Self.aliases[last.name] ?? last.name == "pad", !piece.isEmpty {
                    pairs[pairs.count - 1].value += "," + piece.trimmingSpaces
                } else {
                    throw .malformedOption(String(piece))
                }
            }
        }
        var result = Transformation()
        var seen = Set<String>()
        for (key, value) in pairs {
            let name = Self.aliases[key] ?? key
            guard Self.optionNames.contains(name) else { throw .unknownOption(key) }
            guard seen.insert(name).inserted else { throw .duplicateOption(name) }
            result = try result.setting(name, to: value)
        }
        self = result
    }

    /// Returns a copy with option `name` (long name or alias) set from its textual `value`, validated.
    public func setting(_ name: String, to value: String) throws(TransformationError) -> Transformation {
        let option = Self.aliases[name] ?? name
        guard !value.isEmpty else { throw .invalidValue(option: option, value: value, expected: "a value") }
        switch option {
        case "width": return try width(Self.integer(option, value))
        case "height": return try height(Self.integer(option, value))
        case "quality": return try quality(Self.integer(option, value))
        case "blur": return try blur(Self.integer(option, value))
        case "rotate": return try rotate(Self.integer(option, value))
        case "dpr": return try dpr(Self.number(option, value))
        case "sharpen": return try sharpen(Self.number(option, value))
        case "brightness": return try brightness(Self.number(option, value))
        case "contrast": return try contrast(Self.number(option, value))
        case "gamma": return try gamma(Self.number(option, value))
        case "background": return try background(value)
        case "fit":
            guard let fit = Fit(rawValue: value) else {
                throw .invalidValue(option: option, value: value, expected: Self.oneOf(Fit.allCases.map(\.rawValue)))
            }
            return self.fit(fit)
        case "format":
            guard let format = Format(rawValue: value) else {
                throw .invalidValue(option: option, value: value, expected: Self.oneOf(Format.allCases.map(\.rawValue)))
            }
            return self.format(format)
        case "gravity": return try gravity(Self.parseGravity(value))
        case "trim": return try parseTrim(value)
        case "border":
            let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .invalidValue(option: option, value: value, expected: "width;colour such as 5;ff0000")
            }
            return try border(width: Self.integer(option, String(parts[0])), color: String(parts[1]))
        case "pad":
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
            var pixels: [Int] = []
            for part in parts { pixels.append(try Self.integer(option, part.trimmingSpaces)) }
            return try pad(pixels)
        case "crop":
            let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            guard parts.count == 4 else {
                throw .invalidValue(option: option, value: value, expected: "x;y;width;height")
            }
            var n: [Int] = []
            for part in parts { n.append(try Self.integer(option, String(part))) }
            return try crop(x: n[0], y: n[1], width: n[2], height: n[3])
        default:
            throw .unknownOption(name)
        }
    }

    // MARK: Value parsing

    static func oneOf(_ values: [String]) -> String { "one of " + values.joined(separator: ", ") }

    /// An optionally signed run of decimal digits.
    static func integer(_ option: String, _ text: String) throws(TransformationError) -> Int {
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .invalidValue(option: option, value: text, expected: "an integer")
        }
        guard let value = Int(text) else {
            throw .invalidValue(option: option, value: text, expected: "an integer of reasonable size")
        }
        return value
    }

    /// A plain decimal number: optional sign, digits, optional fraction (no exponents, `nan` or `inf`).
    static func number(_ option: String, _ text: String) throws(TransformationError) -> Double {
        guard isDecimal(text), let value = Double(text) else {
            throw .invalidValue(option: option, value: text, expected: "a number")
        }
        return value
    }

    static func isDecimal(_ text: some StringProtocol) -> Bool {
        var s = Substring(text)
        if s.hasPrefix("-") || s.hasPrefix("+") { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isDigits = { (p: Substring) in
            !p.isEmpty && p.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        return parts.allSatisfy(isDigits)
    }

    static func parseGravity(_ text: String) throws(TransformationError) -> Gravity {
        if let named = Gravity.named[text] { return named }
        let expected = "auto, left, right, top, bottom, center, or XxY coordinates in 0...1 such as 0.5x0.5"
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(isCoordinate),
            let x = Double(parts[0]), let y = Double(parts[1])
        else {
            throw .invalidValue(option: "gravity", value: text, expected: expected)
        }
        return .point(x: x, y: y)
    }

    /// `0`, `1`, or either followed by a fraction, as Cloudflare writes coordinates.
    private static func isCoordinate(_ part: Substring) -> Bool {
        guard let first = part.first, first == "0" || first == "1" else { return false }
        let rest = part.dropFirst()
        return rest.isEmpty || (rest.first == "." && isDecimal("0" + rest))
    }

    private func parseTrim(_ text: String) throws(TransformationError) -> Transformation {
        if text == "auto" { return try trim() }
        var color: String?
        var tolerance: Double?
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        for part in parts where parts.count <= 2 {
            let piece = String(part)
            let hex = piece.hasPrefix("#") ? piece.dropFirst() : Substring(piece)
            if hex.utf8.count == 6, hex.utf8.allSatisfy(\.isHexDigit), color == nil {
                color = piece
            } else if Self.isDecimal(piece), tolerance == nil {
                tolerance = try Self.number("trim", piece)
            } else {
                throw .invalidValue(
                    option: "trim", value: text, expected: "auto, a hex colour, a tolerance, or colour;tolerance")
            }
        }
        guard parts.count <= 2 else {
            throw .invalidValue(
                option: "trim", value: text, expected: "auto, a hex colour, a tolerance, or colour;tolerance")
        }
        return try trim(color: color, tolerance: tolerance)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
