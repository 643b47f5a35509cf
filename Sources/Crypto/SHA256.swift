import COpenSSL

/// SHA-256 (FIPS 180-4) through OpenSSL's `EVP_Digest`.
public enum SHA256 {
    /// The length in bytes of a SHA-256 digest.
    public static let digestLength = 32

    /// The SHA-256 digest of `data`.
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outputLength: UInt32 = 0
        let input = data.isEmpty ? [0] : data
        let result = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                EVP_Digest(
                    inputBuffer.baseAddress, data.count,
                    outputBuffer.baseAddress, &outputLength, EVP_sha256(), nil
                )
            }
        }
        guard result == 1, outputLength == UInt32(digestLength) else {
            // Hashing an in-memory buffer cannot fail on any input; reaching this means OpenSSL is broken.
            fatalError(CryptoError.fromErrorQueue(operation: "EVP_Digest(SHA-256)").description)
        }
        return Array(output.prefix(digestLength))
    }

    /// The SHA-256 digest of the UTF-8 bytes of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }
}
