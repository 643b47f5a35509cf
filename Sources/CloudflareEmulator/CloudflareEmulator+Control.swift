import HTTPServer
import JSON

/// `GET|POST {mount}/_control/faults`: read or change the fault knobs of a running emulator.
///
/// The body is a partial JSON object, e.g. `{"latency_ms": 50, "failure_rate": 0.1, "failure_status": 429,
/// "retry_after": 2, "rate_limit_requests": 1200}`; absent keys keep their values. `"block_for": seconds` starts a
/// rate-limit block now, as if the quota had just been overrun; `"apply_then_fail_next": n` makes the next n calls
/// that succeed lose their answer. Needs the API Bearer token; the knobs never apply
/// here.
extension CloudflareEmulator {
    func control(_ request: Request, update: Bool) throws -> Response {
        try authenticate(request)
        if update {
            guard var object = (try? JSONValue.parse(request.body))?.objectValue else {
                throw EmulatorError.badRequest("Body must be a JSON object")
            }
            var blockFor: Double?
            if let value = object.removeValue(forKey: "block_for") {
                let seconds: Double? = switch value {
                case .int(let number): Double(number)
                case .double(let number): number
                default: nil
                }
                guard let seconds, seconds >= 0.001, seconds <= 86_400 else {
                    throw EmulatorError.badRequest("block_for must be between 0.001 and 86400 seconds")
                }
                blockFor = seconds
            }
            var loseNext: Int?
            if let value = object.removeValue(forKey: "apply_then_fail_next") {
                guard case .int(let count) = value, (0...1_000_000).contains(count) else {
                    throw EmulatorError.badRequest("apply_then_fail_next must be an integer between 0 and 1000000")
                }
                loseNext = Int(count)
            }
            try setFaults(try FaultSettings.decode(object, over: faultSettings.get()))
            if let blockFor { blockRateLimited(for: blockFor) }
            if let loseNext { loseNextAnswers(loseNext) }
        }
        return envelope(.object(faultSettings.get().json))
    }
}
