import CloudflareImages
import Configuration
import Dispatch
import Foundation
import FuzzSupport
import HTTPClient
import HTTPFields
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import Logging
import SQLite

/// libFuzzer target for the API's request bodies, through the public handler: body → JSON or form object → field
/// validation, for upload-url, webhook, bulk status check and image update, plus list filters from the query string
/// and `JSONValue.parse` on its own.
///
/// Input: byte 0 picks the endpoint (see `Endpoint`), the rest is the body (or the query string). The API runs on a
/// temp SQLite database with one token and one image; Cloudflare points at a closed port, so a body that passes
/// validation ends in a 502/503/504 rather than a network call. Any 500 is a bug: hostile input must get a 4xx.
enum Endpoint: UInt8, CaseIterable {
    case uploadJSON, uploadForm, webhook, bulkStatusCheck, update, listQuery, jsonParse
    /// A GET under `images/` with a fuzzed rest of the target, also offered to the immediate handler.
    case detailTarget
}

/// Runs tasks on the fuzzer's own thread: a task started with this executor preference has its jobs queued here
/// and run by `runBlocking`, so an iteration costs no thread hops unless the code under test makes one (SQLite's
/// worker threads, libcurl). Under load, two hops per iteration cost more than the iteration itself.
final class InlineExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    /// Runs queued jobs on this thread until `finish()` has been called and nothing is left.
    func run() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty, !finished { condition.wait() }
            if jobs.isEmpty {
                finished = false
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}

/// Holds a value across the task boundary; written before `finish()`, read after `run()` returns.
final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}

let inline = InlineExecutor()

func runBlocking<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) -> Value {
    let box = ResultBox<Result<Value, any Error>>()
    Task(executorPreference: inline) {
        do { box.value = .success(try await body()) } catch { box.value = .failure(error) }
        inline.finish()
    }
    inline.run()
    switch box.value! {
    case .success(let value): return value
    case .failure(let error): fatalError("fuzz harness: unexpected error \(error)")
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "fuzz")
    logger.logLevel = .critical
    return logger
}()

struct Harness: Sendable {
    /// The API's task path alone, through the error boundary, and its immediate path.
    let handled: Responder
    let immediate: ImmediateHandler
    let token: String
    let imageID: UUID

    static func make() -> Harness {
        runBlocking {
            let logger = quietLogger
            let directory = NSTemporaryDirectory() + "cfimages-fuzz-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let database = try Database(path: directory + "/fuzz.sqlite", readerCount: 1)
            let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Migrations").path
            _ = try await Migrator(directory: migrations, database: database).apply()
            let repository = SQLiteImageRepository(database: database)
            let issued = try await repository.createToken(userName: "fuzzer", isAdmin: true, label: "fuzz")
            let image = try await repository.insert(
                ImageRecord(
                    cloudflareID: "fuzz-image", owner: "fuzzer", expiresAt: Date().addingTimeInterval(86_400 * 365)),
                log: LogEvent("upload_url_created"))
            let cloudflare = try CloudflareClient(
                configuration: .init(
                    accountID: "fuzz", apiToken: "fuzz", baseURL: "http://127.0.0.1:1/client/v4",
                    connectTimeout: .seconds(1), requestTimeout: .seconds(2), maxAttempts: 1, callDeadline: .seconds(3),
                    budgetLimit: Int.max / 2, maxBudgetWait: .zero),
                logger: logger)
            var settings = Settings()
            settings.webhookSecret = nil
            let api = ImagesAPI(
                settings: settings, repository: repository, cloudflare: cloudflare, logger: logger,
                tokenCacheTTL: .seconds(3600))
            let responder = api.responder()
            return Harness(
                handled: Responder(handler: responder.handler), immediate: responder.immediate!, token: issued.key,
                imageID: image.id)
        }
    }

    func request(_ endpoint: Endpoint, _ body: [UInt8]) -> Request? {
        let prefix = "/cloudflare-images/api/"
        var headers: HTTPHeaders = ["Authorization": "Token \(token)", "Content-Type": "application/json"]
        switch endpoint {
        case .uploadJSON:
            return Request(method: .post, target: prefix + "upload-url/", headers: headers, body: body)
        case .uploadForm:
            headers = ["Authorization": "Token \(token)", "Content-Type": "application/x-www-form-urlencoded"]
            return Request(method: .post, target: prefix + "upload-url/", headers: headers, body: body)
        case .webhook:
            return Request(
                method: .post, target: prefix + "webhook/", headers: ["Content-Type": "application/json"], body: body)
        case .bulkStatusCheck:
            return Request(method: .post, target: prefix + "images/bulk_status_check/", headers: headers, body: body)
        case .update:
            return Request(
                method: .patch, target: prefix + "images/\(imageID.uuidString)/", headers: headers, body: body)
        case .listQuery:
            let query = String(
                decoding: body.filter { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }, as: UTF8.self)
            return Request(method: .get, target: prefix + "images/?" + query, headers: headers)
        case .jsonParse:
            return nil
        case .detailTarget:
            // Half the inputs start from the real image's id, so the lookup can succeed; the rest is raw target text.
            let rest = String(decoding: body.dropFirst().filter { $0 > 0x20 && $0 < 0x7F }, as: UTF8.self)
            let start = body.first.map { $0 & 1 == 0 } ?? true ? imageID.uuidString.lowercased() : ""
            return Request(
                method: body.first.map { $0 & 2 == 0 } ?? true ? .get : .head,
                target: prefix + "images/" + start + rest, headers: headers)
        }
    }
}

let harness = Harness.make()

/// Equal as JSON: numbers compare by value (the writer may print `1.0` as `1`).
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
    case (.double(let x), .double(let y)): return x == y
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameJSON)
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameJSON(value, $0) } ?? false }
    default: return a == b
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let endpoint = Endpoint.allCases[Int(bytes[0]) % Endpoint.allCases.count]
    let body = Array(bytes[1...])
    guard let request = harness.request(endpoint, body) else {
        guard let value = try? JSONValue.parse(body) else { return 0 }
        let again: JSONValue
        do { again = try JSONValue.parse(value.jsonBytes) } catch {
            preconditionFailure("our own JSON does not parse: \(value.jsonText): \(error)")
        }
        precondition(sameJSON(value, again), "JSON round trip changed \(value) into \(again)")
        return 0
    }
    let handled = harness.handled
    let response = runBlocking { await handled.respond(to: request, logger: quietLogger) }
    var offered = request
    if let immediate = harness.immediate(&offered) {
        // The immediate answer must be the handler's (the token is cached after the first request).
        precondition(
            immediate.status == response.status && immediate.body == response.body
                && Array(immediate.headers).map { "\($0.name):\($0.value)" }
                    == Array(response.headers).map { "\($0.name):\($0.value)" },
            "immediate answer differs for \(request.method) \(request.target)")
    }
    let status = response.status.code
    if status >= 500 && ![502, 503, 504].contains(status) {
        preconditionFailure(
            "\(endpoint) answered \(status) to \(String(decoding: body, as: UTF8.self).debugDescription)")
    }
    return 0
}

@_cdecl("FuzzAPIBody_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
