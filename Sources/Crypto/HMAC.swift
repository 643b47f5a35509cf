import COpenSSL

/// Keyed-hash message authentication codes (RFC 2104), computed by OpenSSL's one-shot `HMAC()`.
public enum HMAC {
    /// The length in bytes of an HMAC-SHA256 tag.
    public static let sha256Length = 32

    /// HMAC-SHA256 of `message` under `key`.
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        // OpenSSL treats a NULL key as "reuse the previous key", so empty inputs still get a real pointer.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        let result = keyBytes.withUnsafeBytes { keyBuffer in
            messageBytes.withUnsafeBufferPointer { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    COpenSSL.HMAC(
                        EVP_sha256(),
                        keyBuffer.baseAddress, Int32(key.count),
                        messageBuffer.baseAddress, message.count,
                        outputBuffer.baseAddress, &outputLength
                    )
                }
            }
        }
        guard result != nil, outputLength == UInt32(sha256Length) else {
            // HMAC-SHA256 over in-memory buffers cannot fail on any input; reaching this means OpenSSL is broken.
            fatalError(CryptoError.fromErrorQueue(operation: "HMAC-SHA256").description)
        }
        return Array(output.prefix(sha256Length))
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message` under the UTF-8 bytes of `key`.
    public static func sha256(key: String, message: String) -> [UInt8] {
        sha256(key: Array(key.utf8), message: Array(message.utf8))
    }

    /// HMAC-SHA256 of `message` under the UTF-8 bytes of `key`.
    public static func sha256(key: String, message: [UInt8]) -> [UInt8] {
        sha256(key: Array(key.utf8), message: message)
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message` under `key`.
    public static func sha256(key: [UInt8], message: String) -> [UInt8] {
        sha256(key: key, message: Array(message.utf8))
    }
}
