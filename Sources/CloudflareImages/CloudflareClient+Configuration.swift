extension CloudflareClient {
    /// Account, credentials, timeouts, retry and budget settings. `description` never shows the token.
    public struct Configuration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        public var accountID: String
        /// Sent as `Authorization: Bearer <token>`; never logged or put in an error.
        public var apiToken: String
        /// The API root; every call goes to `{baseURL}/accounts/{accountID}/images/...`.
        public var baseURL: String
        public var connectTimeout: Duration
        /// Bound on one HTTP attempt, connect included.
        public var requestTimeout: Duration
        /// HTTP attempts per call, first included (1 disables retries).
        public var maxAttempts: Int
        /// Bound on a whole call: attempts, backoff sleeps and budget waits together.
        public var callDeadline: Duration
        /// Backoff before retry n is a random duration in 0...min(retryMaxDelay, retryBaseDelay * 2^(n-1)).
        public var retryBaseDelay: Duration
        public var retryMaxDelay: Duration
        /// Requests per `budgetWindow` (Cloudflare's account limit is 1,200 per 5 minutes).
        public var budgetLimit: Int
        public var budgetWindow: Duration
        /// Requests started in any one second; nil sets no such cap (Cloudflare allows 200 per second per address).
        public var requestsPerSecond: Int?
        /// How long a call may wait for budget before failing with ``CloudflareError/rateLimited(retryAfter:errors:)``.
        public var maxBudgetWait: Duration

        public init(
            accountID: String,
            apiToken: String,
            baseURL: String = "https://api.cloudflare.com/client/v4",
            connectTimeout: Duration = .seconds(10),
            requestTimeout: Duration = .seconds(30),
            maxAttempts: Int = 4,
            callDeadline: Duration = .seconds(90),
            retryBaseDelay: Duration = .milliseconds(500),
            retryMaxDelay: Duration = .seconds(10),
            budgetLimit: Int = 1200,
            budgetWindow: Duration = .seconds(300),
            requestsPerSecond: Int? = 100,
            maxBudgetWait: Duration = .seconds(10)
        ) {
            self.accountID = accountID
            self.apiToken = apiToken
            self.baseURL = baseURL
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.maxAttempts = maxAttempts
            self.callDeadline = callDeadline
            self.retryBaseDelay = retryBaseDelay
            self.retryMaxDelay = retryMaxDelay
            self.budgetLimit = budgetLimit
            self.budgetWindow = budgetWindow
            self.requestsPerSecond = requestsPerSecond
            self.maxBudgetWait = maxBudgetWait
        }

        public var description: String {
            "CloudflareClient.Configuration(accountID: \(accountID), apiToken: <redacted>, baseURL: \(baseURL), "
                + "connectTimeout: \(connectTimeout), requestTimeout: \(requestTimeout), maxAttempts: \(maxAttempts), "
                + "callDeadline: \(callDeadline), budget: \(budgetLimit)/\(budgetWindow), "
                + "requestsPerSecond: \(requestsPerSecond.map(String.init) ?? "nil"), maxBudgetWait: \(maxBudgetWait))"
        }

        public var debugDescription: String { description }
    }
}
