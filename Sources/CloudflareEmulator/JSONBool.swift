/// Tells JSON booleans from numbers in `JSONSerialization` output. Foundation bridges both to `NSNumber`, and on
/// Linux `1 as Any is Bool` is true, so the concrete type's name is the only portable tell.
enum JSONBool {
    static func isBool(_ value: Any) -> Bool {
        String(describing: type(of: value)).contains("Bool")
    }

    static func bool(_ value: Any) -> Bool? {
        isBool(value) ? value as? Bool : nil
    }
}
