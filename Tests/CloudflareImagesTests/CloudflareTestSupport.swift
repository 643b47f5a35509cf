import CloudflareImages
import HTTPClient
import TestSupport

let testToken = "tok-SECRET-5f2a9c"
let testAccount = "acc123"
let accountPath = "/client/v4/accounts/acc123/images"

let imageJSON = """
    {"id":"img-1","filename":"cat.png","creator":"user-7","meta":{"k":"v","n":3},"requireSignedURLs":true,\
    "uploaded":"2024-01-02T03:04:05.678Z","variants":["https://imagedelivery.net/h/img-1/public"],"draft":false}
    """

func envelope(_ result: String, resultInfo: String? = nil) -> String {
    #"{"result":\#(result),"success":true,"errors":[],"messages":[]\#(resultInfo.map { #","result_info":\#($0)"# } ?? "")}"#
}

func failure(_ code: Int, _ message: String) -> String {
    #"{"result":null,"success":false,"errors":[{"code":\#(code),"message":"\#(message)"}],"messages":[]}"#
}

/// Records every observer event; completion durations are kept apart (`durations`) so events compare exactly.
final class EventLog: Sendable {
    private let box = LockedBox<[CallEvent]>([])
    private let durationBox = LockedBox<[Duration]>([])
    var events: [CallEvent] { box.current }
    var durations: [Duration] { durationBox.current }
    func record(_ event: CallEvent) {
        if case .completed(let endpoint, let outcome, let attempts, let duration) = event {
            durationBox.update { $0.append(duration) }
            box.update { $0.append(.completed(endpoint: endpoint, outcome: outcome, attempts: attempts)) }
        } else {
            box.update { $0.append(event) }
        }
    }

    var retries: Int { events.filter { if case .retrying = $0 { true } else { false } }.count }
    var budgetWaits: Int { events.filter { if case .budgetWait = $0 { true } else { false } }.count }
    var completions: [CallEvent] { events.filter { if case .completed = $0 { true } else { false } } }
}

/// One HTTP client for every Cloudflare test: they share its thread, as the service will.
let sharedHTTPClient: HTTPClient = try! HTTPClient()

func makeClient(
    baseURL: String,
    events: EventLog? = nil,
    budget: RequestBudget? = nil,
    configure: (inout CloudflareClient.Configuration) -> Void = { _ in }
) throws -> CloudflareClient {
    // The call deadline is far above what any call here needs: a deadline is only a bound on a starved machine,
    // and tests of the deadline set their own.
    var configuration = CloudflareClient.Configuration(
        accountID: testAccount, apiToken: testToken, baseURL: baseURL + "/client/v4",
        connectTimeout: .seconds(2), requestTimeout: .seconds(5), maxAttempts: 3, callDeadline: .seconds(120),
        retryBaseDelay: .milliseconds(5), retryMaxDelay: .milliseconds(20))
    configure(&configuration)
    var observer: (@Sendable (CallEvent) -> Void)?
    if let events { observer = { events.record($0) } }
    return try CloudflareClient(
        configuration: configuration, httpClient: sharedHTTPClient, budget: budget, observer: observer)
}

/// Runs `body` and returns the CloudflareError it throws.
func cloudflareError(_ body: () async throws -> Void) async -> CloudflareError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? CloudflareError
    }
}
