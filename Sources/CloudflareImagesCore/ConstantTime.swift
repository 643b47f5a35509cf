/// Comparisons whose running time does not depend on where the inputs differ, for MACs and shared secrets.
enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Inputs of different lengths are unequal; the length is not secret
    /// (a MAC's length is public), but `a` is still read in full so the work does not reveal a common prefix.
    @inline(never)
    static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let sameLength = a.count == b.count
        let other = sameLength ? b : a
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ other[index] }
        return sameLength && difference == 0
    }
}
