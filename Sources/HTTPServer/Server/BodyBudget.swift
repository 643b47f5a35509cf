import Synchronization

/// The body bytes a server holds for requests not yet handed to a handler, summed over every connection and
/// bounded by `HTTPServer.Configuration.maxBufferedBodyBytes`: requests that have not passed routing or
/// authentication cannot together hold more memory than that.
///
/// A `Content-Length` body reserves its declared length when its head is parsed, a chunked body each chunk's size
/// as its size line arrives; the parser releases its reservation when it hands the request on or fails, the
/// connection when it closes.
final class BodyBudget: Sendable {
    let cap: Int
    private let total = Atomic<Int>(0)

    init(cap: Int) {
        self.cap = max(0, cap)
    }

    /// Bytes reserved now.
    var reserved: Int { total.load(ordering: .relaxed) }

    /// Reserves `bytes` unless that would take the total past the cap.
    func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return bytes == 0 }
        var current = total.load(ordering: .relaxed)
        while true {
            // `current` never exceeds `cap`, so neither the subtraction nor the sum can overflow.
            guard bytes <= cap - current else { return false }
            let (exchanged, original) = total.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back bytes reserved earlier.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        total.subtract(bytes, ordering: .relaxed)
    }
}
