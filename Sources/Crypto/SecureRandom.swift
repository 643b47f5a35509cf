import Base16
import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes`.
public enum SecureRandom {
    /// `count` random bytes. Throws `CryptoError` if OpenSSL's generator cannot produce them (e.g. not seeded).
    public static func bytes(count: Int) throws -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes(count:) needs a non-negative count")
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        let result = output.withUnsafeMutableBufferPointer { buffer in
            RAND_bytes(buffer.baseAddress, Int32(buffer.count))
        }
        guard result == 1 else { throw CryptoError.fromErrorQueue(operation: "RAND_bytes") }
        return output
    }

    /// `byteCount` random bytes as lowercase hex (so `2 * byteCount` characters), e.g. for tokens and ids.
    public static func hexString(byteCount: Int) throws -> String {
        Hex.encode(try bytes(count: byteCount))
    }
}
