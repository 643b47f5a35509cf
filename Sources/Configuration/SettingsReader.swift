import Foundation

/// Typed reads of raw setting values, each failure a `SettingsError` naming the setting.
struct SettingsReader {
    let values: [String: String]

    private func raw(_ name: String, allowEmpty: Bool = false) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces) else { return nil }
        return value.isEmpty && !allowEmpty ? nil : value
    }

    private func fail(_ name: String, _ value: String, _ expected: String, secret: Bool = false) -> SettingsError {
        SettingsError(
            setting: name, reason: secret ? "invalid value; expected \(expected)" : "'\(value)' is not \(expected)")
    }

    func string(_ name: String, secret: Bool = false, allowEmpty: Bool = false) throws -> String? {
        guard let value = raw(name, allowEmpty: allowEmpty) else { return nil }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw fail(name, value, "free of control characters", secret: secret)
        }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = raw(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw fail(name, value, "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func seconds(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = raw(name) else { return nil }
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            throw fail(name, value, "a number of seconds from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = raw(name) else { return nil }
        switch value.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw fail(name, value, "true or false")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) throws -> T? where T.RawValue == String {
        guard let value = raw(name) else { return nil }
        guard let choice = T(rawValue: value.lowercased()) else {
            throw fail(name, value, "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return choice
    }

    /// A comma-separated list of choices, each once at most; an empty list is refused.
    func choices<T: RawRepresentable & CaseIterable & Hashable>(_ name: String, _: T.Type) throws -> Set<T>?
    where T.RawValue == String {
        guard let value = raw(name) else { return nil }
        var chosen = Set<T>()
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let text = item.trimmingCharacters(in: .whitespaces).lowercased()
            guard let choice = T(rawValue: text) else {
                throw fail(
                    name, value, "a comma-separated list of " + T.allCases.map(\.rawValue).joined(separator: ", "))
            }
            chosen.insert(choice)
        }
        return chosen
    }

    /// `/name` style prefixes: leading slash added, trailing slash removed; `/` or empty means the root.
    func pathPrefix(_ name: String) throws -> String? {
        guard let value = try string(name, allowEmpty: true) else { return nil }
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if trimmed.contains(where: { $0 == "?" || $0 == "#" || $0 == " " || $0 == "%" }) {
            throw fail(name, value, "a plain URL path such as /cloudflare-images")
        }
        return trimmed.isEmpty ? "" : "/" + trimmed
    }

    /// An http(s) URL without a trailing slash; with `allowBareHost`, `images.example.com` becomes `https://images.example.com`.
    /// (`percentEncodedHost`, not `host`: the latter runs IDNA through ICU, whose data then stays resident.)
    func url(_ name: String, allowBareHost: Bool = false) throws -> String? {
        guard var value = try string(name) else { return nil }
        if allowBareHost, !value.contains("://") { value = "https://" + value }
        while value.hasSuffix("/") { value.removeLast() }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.percentEncodedHost, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else {
            throw fail(name, value, "an http:// or https:// URL")
        }
        return value
    }

    /// Comma-separated origins, each `scheme://host[:port]` with no path (a browser's `Origin` header, compared
    /// exactly), or `*`.
    func origins(_ name: String) throws -> [String]? {
        guard let value = try string(name) else { return nil }
        let origins = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for origin in origins where origin != "*" {
            guard let components = URLComponents(string: origin), let scheme = components.scheme,
                scheme == "http" || scheme == "https", components.percentEncodedHost?.isEmpty == false,
                components.path.isEmpty, components.query == nil, components.fragment == nil
            else {
                throw fail(name, origin, "origins such as https://app.example.com, separated by commas (or *)")
            }
        }
        return origins
    }

    func hostPort(_ name: String) throws -> String? {
        guard let value = try string(name) else { return nil }
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
            (1...65535).contains(port), colon != value.startIndex
        else {
            throw fail(name, value, "an address of the form host:port")
        }
        return value
    }

    func jsonObject(_ name: String) throws -> String? {
        guard let value = try string(name) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(value.utf8)), object is [String: Any] else {
            throw fail(name, value, "a JSON object such as {\"app\": \"web\"}")
        }
        return value
    }
}
