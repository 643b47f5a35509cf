import Foundation
import HTTPFields
import HTTPServer
import Synchronization

/// Faults injected per Cloudflare endpoint in front of the emulator (``guarding(_:)``), and calls counted per
/// endpoint. This is what the emulator's own knobs cannot produce: its `FaultSettings` fail or delay every call
/// alike, with 429 or a 5xx only, while these tests need one endpoint failing as the others answer, any status (400,
/// 401, 403 too), a 2xx with `success: false`, a hang on one endpoint, and how often each was called.
final class CloudflareFaults: Sendable {
    enum Operation: String, Sendable {
        case directUpload, get, patch, delete, stats
    }

    enum Fault: Sendable {
        case status(Int, retryAfter: Int? = nil)
        case hang(Duration)
        /// 2xx with `success: false`.
        case apiError(String)
    }

    private struct State {
        var faults: [Operation: Fault] = [:]
        var calls: [Operation: Int] = [:]
    }

    private let state = Mutex(State())

    func inject(_ fault: Fault?, for operation: Operation) {
        state.withLock { $0.faults[operation] = fault }
    }

    func calls(_ operation: Operation) -> Int { state.withLock { $0.calls[operation] ?? 0 } }

    /// Counts a call to `operation` and answers with its fault; nil (after a hang's wait) lets the call be served.
    func begin(_ operation: Operation) async throws -> Response? {
        let fault = state.withLock { state -> Fault? in
            state.calls[operation, default: 0] += 1
            return state.faults[operation]
        }
        switch fault {
        case nil: return nil
        case .status(let code, let retryAfter)?:
            var response = Response.json(
                HTTPStatus(code: code), bytes: Array(Self.failure(code, "injected failure").utf8))
            if let retryAfter { response.headers["Retry-After"] = String(retryAfter) }
            return response
        case .hang(let duration)?:
            try await Task.sleep(for: duration)
            return nil
        case .apiError(let message)?:
            return Response.json(.ok, bytes: Array(Self.failure(9999, message).utf8))
        }
    }

    /// `responder` (the emulator's) behind these faults: every request runs as a task, so none skips them on the
    /// immediate path.
    func guarding(_ responder: Responder) -> Responder {
        Responder(unhandledError: responder.unhandledError) { request in
            if let operation = Self.operation(of: request), let answer = try await self.begin(operation) {
                return answer
            }
            return try await responder.handler(request)
        }
    }

    /// Which endpoint a request to Cloudflare's API paths (`…/accounts/{id}/images/…`) calls; nil for anything else.
    static func operation(of request: Request) -> Operation? {
        guard let range = request.path.range(of: "/images/") else { return nil }
        let rest = request.path[range.upperBound...]
        if rest == "v2/direct_upload" { return request.method == .post ? .directUpload : nil }
        guard rest.hasPrefix("v1/") else { return nil }
        if request.method == .get { return rest == "v1/stats" ? .stats : .get }
        if request.method == .patch { return .patch }
        if request.method == .delete { return .delete }
        return nil
    }

    /// Cloudflare's failure envelope.
    static func failure(_ code: Int, _ message: String) -> String {
        #"{"result":null,"success":false,"errors":[{"code":\#(code),"message":"\#(message)"}],"messages":[]}"#
    }
}
