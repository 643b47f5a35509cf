import CloudflareImages
import Foundation
import HTTPFields
import HTTPServer
import Synchronization
import Timekeeping

/// Shares the account's Cloudflare budget (1,200 calls per 5 minutes by default, shared by every user) so that
/// one token cannot spend it for everyone: each user may start at most `perUser` calls per window, and user calls
/// stop `reserve` calls short of the account's limit, which is left to the readiness probe and the expiry sweep.
///
/// Over the user's share: 429 with `Retry-After`; the users' part of the budget spent: 503 with `Retry-After`.
/// Nothing waits, and a refused request books nothing.
final class CloudflareAllowance: Sendable {
    let account: RequestBudget
    let perUser: Int
    let reserve: Int
    private let users: Mutex<[String: RequestBudget]> = Mutex([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    /// Above this many remembered users, those with nothing booked are forgotten.
    static let maxRememberedUsers = 10_000

    init(
        account: RequestBudget, perUser: Int, reserve: Int,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.account = account
        self.perUser = max(1, perUser)
        self.reserve = min(max(0, reserve), account.limit - 1)
        self.now = now
    }

    /// Books `calls` Cloudflare calls for `caller`, or throws the answer to give instead.
    func admit(_ caller: Caller, calls: Int = 1) throws(ErrorResponse) {
        guard calls > 0 else { return }
        if account.bookedCount + calls > account.limit - reserve {
            throw Self.refusal(.serviceUnavailable, after: account.window) {
                "Cloudflare's request budget is spent for now. Expected available in \($0) seconds."
            }
        }
        let budget = users.withLock { users in
            if let known = users[caller.userName] { return known }
            if users.count >= Self.maxRememberedUsers { users = users.filter { $0.value.bookedCount > 0 } }
            let budget = RequestBudget(limit: perUser, window: account.window, now: now)
            users[caller.userName] = budget
            return budget
        }
        if let retryAfter = budget.admit(calls) {
            throw Self.refusal(.tooManyRequests, after: retryAfter) {
                "Request was throttled. Expected available in \($0) seconds."
            }
        }
    }

    /// DRF's throttling answer: the message and `Retry-After` in whole seconds, rounded up.
    static func refusal(_ status: HTTPStatus, after: Duration, _ message: (Int) -> String) -> ErrorResponse {
        let seconds = Int(clamping: max(1, after.wholeSecondsRoundedUp))
        var headers = HTTPHeaders()
        headers["Retry-After"] = String(seconds)
        return ErrorResponse.detail(status, message(seconds), headers: headers)
    }
}
