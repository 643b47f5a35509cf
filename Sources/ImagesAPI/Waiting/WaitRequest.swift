import HTTPServer
import ImageStore

/// `?wait=<seconds>&until=uploaded|final` of `GET api/images/{id}/`, validated (nil when `wait` is absent or 0).
struct WaitRequest: Sendable {
    /// What a waiter waits for.
    enum Goal: String, Sendable {
        /// The image is uploaded.
        case uploaded
        /// The image left pending and draft: uploaded, failed or expired.
        case final

        func isReached(by status: ImageStatus) -> Bool {
            switch self {
            case .uploaded: status == .uploaded
            case .final: status != .pending && status != .draft
            }
        }
    }

    static let maxSeconds = 60

    let seconds: Int
    let goal: Goal

    /// The wait the query asks for; a 400 naming the parameter for a bad value, nil for no wait.
    static func parse(_ query: QueryParameters) throws(ErrorResponse) -> WaitRequest? {
        let rawUntil = query.all("until").last ?? ""
        var goal = Goal.final
        if !rawUntil.isEmpty {
            guard let parsed = Goal(rawValue: rawUntil) else {
                throw FieldErrors.field("until", "\"\(rawUntil.prefix(64))\" is not a valid choice: uploaded or final.")
            }
            goal = parsed
        }
        guard let rawWait = query.all("wait").last, !rawWait.isEmpty else { return nil }
        guard rawWait.utf8.count <= 2, rawWait.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let seconds = Int(rawWait),
            seconds <= maxSeconds
        else {
            throw FieldErrors.field("wait", "Must be a whole number of seconds from 0 to \(maxSeconds).")
        }
        return seconds == 0 ? nil : WaitRequest(seconds: seconds, goal: goal)
    }
}
