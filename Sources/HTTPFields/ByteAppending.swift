extension Array where Element == UInt8 {
    /// Appends the text's UTF-8 in one copy (`append(contentsOf: text.utf8)` walks the view generically).
    public mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}
