/// A strict reader of the text exposition format 0.0.4, for checking what the registry writes.
struct ExpositionParser {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var name: String
        var help: String?
        var type: String?
        var samples: [Sample] = []
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Families in order; every sample must follow its family's `# HELP`/`# TYPE` lines.
    static func parse(_ text: String) throws -> [Family] {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Failure("text does not end with a line feed") }
        var families: [Family] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let rest = line.dropFirst(7)
                guard let space = rest.firstIndex(of: " ") else { throw Failure("bad comment: \(line)") }
                let name = String(rest[..<space])
                let value = String(rest[rest.index(after: space)...])
                if families.last?.name != name {
                    guard !families.contains(where: { $0.name == name }) else { throw Failure("\(name) split") }
                    families.append(Family(name: name))
                }
                if line.hasPrefix("# HELP ") {
                    families[families.count - 1].help = unescapeHelp(value)
                } else {
                    families[families.count - 1].type = value
                }
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw Failure("unexpected line: \(line)") }
            let sample = try parseSample(Substring(line))
            guard var family = families.last, belongs(sample.name, to: family) else {
                throw Failure("sample \(sample.name) outside its family")
            }
            family.samples.append(sample)
            families[families.count - 1] = family
        }
        return families
    }

    static func belongs(_ sample: String, to family: Family) -> Bool {
        if sample == family.name { return true }
        guard family.type == "histogram" else { return false }
        return ["_bucket", "_sum", "_count"].contains { sample == family.name + $0 }
    }

    static func parseSample(_ line: Substring) throws -> Sample {
        var index = line.startIndex
        while index < line.endIndex, line[index] != "{", line[index] != " " { index = line.index(after: index) }
        let name = String(line[..<index])
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == "{" {
            index = line.index(after: index)
            while line[index] != "}" {
                guard let equals = line[index...].firstIndex(of: "=") else { throw Failure("label without =: \(line)") }
                let labelName = String(line[index..<equals])
                index = line.index(after: equals)
                guard line[index] == "\"" else { throw Failure("unquoted label value: \(line)") }
                index = line.index(after: index)
                var value = ""
                while line[index] != "\"" {
                    if line[index] == "\\" {
                        index = line.index(after: index)
                        switch line[index] {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw Failure("bad escape in \(line)")
                        }
                    } else {
                        value.append(line[index])
                    }
                    index = line.index(after: index)
                }
                index = line.index(after: index)
                guard labels.updateValue(value, forKey: labelName) == nil else { throw Failure("repeated label") }
                if line[index] == "," { index = line.index(after: index) }
            }
            index = line.index(after: index)
        }
        guard index < line.endIndex, line[index] == " " else { throw Failure("no value: \(line)") }
        let valueText = line[line.index(after: index)...]
        let value: Double
        switch valueText {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(valueText) else { throw Failure("bad value: \(line)") }
            value = parsed
        }
        return Sample(name: name, labels: labels, value: value)
    }

    static func unescapeHelp(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                out.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
