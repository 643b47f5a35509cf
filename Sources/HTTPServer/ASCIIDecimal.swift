/// Decimal numbers appended to byte buffers as ASCII digits, without an intermediate `String`: for response heads
/// and log lines written on every request.
public enum ASCIIDecimal {
    public static func append(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(value.magnitude, minimumDigits: 1, to: &bytes)
        } else {
            append(UInt(value), minimumDigits: 1, to: &bytes)
        }
    }

    /// `value` with leading zeros up to `minimumDigits` (at most 20).
    public static func append(_ value: UInt, minimumDigits: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0 || 20 - start < minimumDigits
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
