/// One metric family read back from a `/metrics` body; parsing checks the text format as it goes.
struct ScrapedFamily {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var name: String
    var help: String?
    var type: String?
    var samples: [Sample] = []

    /// The value of the one sample named `name` (default: the family) whose labels include `labels`; nil if none.
    func value(_ name: String? = nil, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == (name ?? self.name) && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.count == 1 ? matching[0].value : nil
    }

    static func parse(_ text: String) throws -> [ScrapedFamily] {
        guard text.hasSuffix("\n") else { throw HarnessError("no final line feed") }
        var families: [ScrapedFamily] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                let name = String(parts[0])
                if families.last?.name != name { families.append(ScrapedFamily(name: name)) }
                if line.hasPrefix("# HELP ") {
                    families[families.count - 1].help = parts.count > 1 ? String(parts[1]) : ""
                } else {
                    families[families.count - 1].type = parts.count > 1 ? String(parts[1]) : ""
                }
                continue
            }
            guard var family = families.last else { throw HarnessError("sample before any family: \(line)") }
            let sample = try parseSample(line)
            let suffixes = family.type == "histogram" ? ["", "_bucket", "_sum", "_count"] : [""]
            guard suffixes.contains(where: { family.name + $0 == sample.name }) else {
                throw HarnessError("\(sample.name) outside its family \(family.name)")
            }
            family.samples.append(sample)
            families[families.count - 1] = family
        }
        return families
    }

    private static func parseSample(_ line: Substring) throws -> Sample {
        var labels: [String: String] = [:]
        var rest = line
        let name: String
        if let brace = line.firstIndex(of: "{") {
            name = String(line[..<brace])
            rest = line[line.index(after: brace)...]
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { throw HarnessError("bad labels: \(line)") }
                let key = String(rest[..<equals])
                rest = rest[rest.index(equals, offsetBy: 2)...]
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        let escaped = rest.removeFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                rest = rest.dropFirst()
                if rest.first == "," { rest = rest.dropFirst() }
                labels[key] = value
            }
            rest = rest.dropFirst()
        } else {
            guard let space = line.firstIndex(of: " ") else { throw HarnessError("no value: \(line)") }
            name = String(line[..<space])
            rest = line[space...]
        }
        let valueText = rest.trimmingPrefix(" ")
        let value = valueText == "+Inf" ? Double.infinity : Double(valueText)
        guard let value else { throw HarnessError("bad value: \(line)") }
        return Sample(name: name, labels: labels, value: value)
    }
}

extension Array where Element == ScrapedFamily {
    subscript(_ name: String) -> ScrapedFamily? { first { $0.name == name } }
}
