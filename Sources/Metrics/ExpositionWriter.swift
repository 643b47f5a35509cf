/// Builds Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` lines, samples, escaping.
struct ExpositionWriter {
    private(set) var text = ""

    init(capacity: Int = 4096) { text.reserveCapacity(capacity) }

    mutating func header(name: String, help: String, type: String) {
        text += "# HELP " + name + " " + Self.escapeHelp(help) + "\n"
        text += "# TYPE " + name + " " + type + "\n"
    }

    mutating func sample(_ name: String, labels: String, value: Int) {
        sample(name, labels: labels, formatted: String(value))
    }

    mutating func sample(_ name: String, labels: String, value: Double) {
        sample(name, labels: labels, formatted: Self.format(value))
    }

    private mutating func sample(_ name: String, labels: String, formatted: String) {
        text += name
        if !labels.isEmpty { text += "{" + labels + "}" }
        text += " " + formatted + "\n"
    }

    /// `a="x",b="y"` from names and values, values escaped.
    static func labelList(_ names: [String], _ values: [String]) -> String {
        var out = ""
        for (index, name) in names.enumerated() {
            if index > 0 { out += "," }
            out += name + "=\"" + escapeLabelValue(index < values.count ? values[index] : "") + "\""
        }
        return out
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 8)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Help text escapes backslash and line feed.
    static func escapeHelp(_ help: String) -> String {
        guard help.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A }) else { return help }
        var out = ""
        for character in help.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// `+Inf`, `-Inf`, `NaN`, integral values without a fraction (`1`, not `1.0`), others as Swift's shortest
    /// round-tripping form (`0.005`, `1e-06`), which Prometheus parses.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
