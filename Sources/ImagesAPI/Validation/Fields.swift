import Base16
import Foundation
import ImageStore
import JSON

/// DRF field semantics on JSON input: each parser takes the raw value (nil when the key is absent), records DRF's
/// exact messages in `errors` under `name`, and returns the cleaned value (nil when absent or invalid).
enum Fields {
    static let required = "This field is required."
    static let notNull = "This field may not be null."

    /// CharField: strings and numbers accepted, whitespace trimmed, blank, length and NUL checks.
    static func string(
        _ value: JSONValue?, _ name: String, maxLength: Int, allowBlank: Bool = false, errors: inout FieldErrors
    ) -> String? {
        guard let value else { return nil }
        let text: String
        switch value {
        case .null:
            errors.add(name, notNull)
            return nil
        case .string(let s): text = s
        case .int(let i): text = String(i)
        case .double(let d): text = pythonFloat(d)
        default:
            errors.add(name, "Not a valid string.")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if allowBlank { return "" }
            errors.add(name, "This field may not be blank.")
            return nil
        }
        var ok = true
        if trimmed.count > maxLength {
            errors.add(name, "Ensure this field has no more than \(maxLength) characters.")
            ok = false
        }
        if trimmed.utf8.contains(0) {
            errors.add(name, "Null characters are not allowed.")
            ok = false
        }
        return ok ? trimmed : nil
    }

    /// IntegerField: integers, integral floats and numeric strings (`"30"`, `"30.0"`), within bounds.
    static func integer(
        _ value: JSONValue?, _ name: String, min: Int? = nil, max: Int? = nil, allowNull: Bool = false,
        errors: inout FieldErrors
    ) -> Int?? {
        guard let value else { return nil }
        let number: Int?
        switch value {
        case .null:
            if allowNull { return .some(nil) }
            errors.add(name, notNull)
            return nil
        case .int(let i): number = Int(exactly: i)
        case .double(let d): number = d.rounded() == d && abs(d) < 9e18 ? Int(d) : nil
        case .string(let s): number = integerText(s)
        default: number = nil
        }
        guard let number else {
            errors.add(name, "A valid integer is required.")
            return nil
        }
        if let max, number > max {
            errors.add(name, "Ensure this value is less than or equal to \(max).")
            return nil
        }
        if let min, number < min {
            errors.add(name, "Ensure this value is greater than or equal to \(min).")
            return nil
        }
        return .some(number)
    }

    /// BooleanField: JSON booleans, 1/0, and `t y yes true on 1` / `f n no false off 0` in any case.
    static func bool(_ value: JSONValue?, _ name: String, errors: inout FieldErrors) -> Bool? {
        guard let value else { return nil }
        if case .null = value {
            errors.add(name, notNull)
            return nil
        }
        guard let result = boolean(value) else {
            errors.add(name, "Must be a valid boolean.")
            return nil
        }
        return result
    }

    /// The boolean a value stands for, or nil.
    static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let b): return b
        case .int(1): return true
        case .int(0): return false
        case .double(1): return true
        case .double(0): return false
        case .string(let s): return booleanText(s)
        default: return nil
        }
    }

    /// The reference's `_truthy` for query flags (`force`, `unregistered`): "1", "true", "yes" or "on", any case;
    /// anything else, absence included, is false.
    static func truthy(_ text: String?) -> Bool {
        guard let text else { return false }
        return ["1", "true", "yes", "on"].contains(text.lowercased())
    }

    static func booleanText(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "t", "y", "yes", "true", "on", "1": true
        case "f", "n", "no", "false", "off", "0": false
        default: nil
        }
    }

    /// ListField: an array of at most `maxLength` items; each item is cleaned by `item` (errors keyed by index).
    static func list<Item>(
        _ value: JSONValue?, _ name: String, maxLength: Int? = nil, errors: inout FieldErrors,
        item: (JSONValue, _ index: Int, inout FieldErrors) -> Item?
    ) -> [Item]? {
        guard let value else { return nil }
        let items: [JSONValue]
        switch value {
        case .null:
            errors.add(name, notNull)
            return nil
        case .array(let array): items = array
        default:
            errors.add(name, "Expected a list of items but got type \"\(value.pythonTypeName)\".")
            return nil
        }
        if let maxLength, items.count > maxLength {
            errors.add(name, "Ensure this field has no more than \(maxLength) elements.")
            return nil
        }
        var result: [Item] = []
        var itemErrors = FieldErrors()
        for (index, element) in items.enumerated() {
            if let cleaned = item(element, index, &itemErrors) { result.append(cleaned) }
        }
        if !itemErrors.isEmpty {
            for (_, entry) in itemErrors.entries {
                if case .indexed(let list) = entry {
                    for (index, messages) in list {
                        for message in messages { errors.add(name, index: index, message) }
                    }
                }
            }
            return nil
        }
        return result
    }

    /// UUIDField: any form Python's `uuid.UUID(hex=...)` accepts, or a non-negative JSON integer.
    static func uuid(_ value: JSONValue) -> UUID? {
        switch value {
        case .string(let s): return parseUUID(s)
        case .int(let i) where i >= 0:
            let hex = String(i, radix: 16)
            return parseUUID(String(repeating: "0", count: 32 - hex.count) + hex)
        case .double(let d) where d >= 0 && d.rounded() == d && d < 9e18:
            // An integral number written with a fraction (`174.0`) is that integer, as JSON Schema counts it.
            return uuid(.int(Int64(d)))
        default: return nil
        }
    }

    /// Python's `UUID(hex=)`: `urn:`/`uuid:` prefixes, braces and hyphens removed, then 32 hex digits.
    static func parseUUID(_ text: String) -> UUID? {
        if text.utf8.count == 36, let id = UUID(canonicalText: text) { return id }
        var hex = text.replacingOccurrences(of: "urn:", with: "").replacingOccurrences(of: "uuid:", with: "")
        hex = hex.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).replacingOccurrences(of: "-", with: "")
        guard hex.utf8.count == 32, hex.utf8.allSatisfy({ Hex.value(ofDigit: $0) != nil }) else { return nil }
        let chars = Array(hex)
        let canonical =
            "\(String(chars[0..<8]))-\(String(chars[8..<12]))-\(String(chars[12..<16]))-\(String(chars[16..<20]))-\(String(chars[20..<32]))"
        return UUID(canonicalText: canonical)
    }

    /// `int(re.sub(r'\.0*\s*$', '', str(value)))`, white space being ASCII's (space, tab, CR, LF, VT, FF), as
    /// openapi.yaml's integer-text pattern states.
    static func integerText(_ text: String) -> Int? {
        var trimmed = Substring(text.trimmingCharacters(in: asciiWhitespace))
        if let dot = trimmed.lastIndex(of: "."), trimmed[trimmed.index(after: dot)...].allSatisfy({ $0 == "0" }) {
            trimmed = trimmed[..<dot]
        }
        return Int(trimmed)
    }

    static let asciiWhitespace = CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}")

    /// Python's `str(float)` for the values a JSON number can hold.
    static func pythonFloat(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e16 { return String(Int64(value)) + ".0" }
        return String(value)
    }
}
