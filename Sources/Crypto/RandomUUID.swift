/// Version 4 (random) UUID bytes from the system's CSPRNG (`getrandom`), in the layout of Foundation's `uuid_t`.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every UUID; this is one syscall.
public enum RandomUUID {
    public typealias Bytes = (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
    )

    /// 16 random bytes with the version (4) and variant (RFC 4122) bits set: pass to `UUID(uuid:)`.
    public static func bytes() -> Bytes {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes: Bytes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw[6] = raw[6] & 0x0F | 0x40
            raw[8] = raw[8] & 0x3F | 0x80
        }
        return bytes
    }
}
