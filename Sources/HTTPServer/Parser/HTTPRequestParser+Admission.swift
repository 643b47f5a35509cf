extension HTTPRequestParser {
    /// The body limit of the request whose head was just parsed: `Limits.bodyLimit` for its method and raw path
    /// when set (asked only for requests with a body), else `Limits.bodyBytes`.
    func bodyLimit(for head: RequestHead) -> Int {
        guard let choose = limits.bodyLimit else { return limits.bodyBytes }
        return max(0, choose(head.method, Request.rawPath(of: head.target)))
    }

    /// Reserves `bytes` more of the shared budget for the current body; false when the budget is spent.
    mutating func reserve(_ bytes: Int) -> Bool {
        guard let budget else { return true }
        guard budget.reserve(bytes) else { return false }
        reserved += bytes
        return true
    }

    /// Gives back what the current request holds of the budget: when it is handed on, fails, or its connection
    /// closes.
    mutating func releaseReservation() {
        guard reserved > 0 else { return }
        budget?.release(reserved)
        reserved = 0
    }
}
