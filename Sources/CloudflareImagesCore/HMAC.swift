/// HMAC-SHA256 (RFC 2104) over ``SHA256``, the MAC of signed delivery URLs and webhook signatures.
enum HMAC {
    /// HMAC-SHA256 of `message` under `key`; keys longer than a block are hashed first, as RFC 2104 says.
    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > SHA256.blockLength ? SHA256.hash(key) : key
        block += repeatElement(0, count: SHA256.blockLength - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message` under `key`.
    static func sha256(key: [UInt8], message: String) -> [UInt8] {
        sha256(key: key, message: Array(message.utf8))
    }

    /// HMAC-SHA256 of `message` under the UTF-8 bytes of `key`.
    static func sha256(key: String, message: [UInt8]) -> [UInt8] {
        sha256(key: Array(key.utf8), message: message)
    }
}
