/// An object member name encoded once (`"name":`, escaped), for members written on every response: writing it is
/// one copy instead of an escape scan per response.
public struct JSONKey: Sendable {
    let encoded: [UInt8]

    public init(_ name: String) {
        var writer = JSONWriter(capacity: name.utf8.count + 3)
        writer.string(name)
        encoded = writer.bytes + [UInt8(ascii: ":")]
    }
}
