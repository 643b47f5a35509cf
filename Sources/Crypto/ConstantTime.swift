import COpenSSL

/// Comparisons whose running time does not depend on where inputs differ, for secrets such as MACs.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes, compared with `CRYPTO_memcmp`.
    ///
    /// Inputs of different lengths are unequal; the length check itself is not secret (a MAC's length is public),
    /// but the bytes are still compared in full against a same-length buffer so the work does not reveal a prefix.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let sameLength = a.count == b.count
        let other = sameLength ? b : a
        let bytesEqual = a.withUnsafeBytes { left in
            other.withUnsafeBytes { right in
                guard let l = left.baseAddress, let r = right.baseAddress else { return true }
                return CRYPTO_memcmp(l, r, left.count) == 0
            }
        }
        return sameLength && bytesEqual
    }

    /// Whether the UTF-8 bytes of `a` and `b` are identical, compared in constant time.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
