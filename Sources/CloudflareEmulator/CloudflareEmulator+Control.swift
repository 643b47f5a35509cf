import HTTPServer

/// `GET|POST {mount}/_control/faults`: read or change the fault knobs of a running emulator.
///
/// The body is a partial JSON object, e.g. `{"latency_ms": 50, "failure_rate": 0.1, "failure_status": 429,
/// "retry_after": 2}`; absent keys keep their values. Needs the API Bearer token; the knobs never apply here.
extension CloudflareEmulator {
    func control(_ request: Request, update: Bool) throws -> Response {
        try authenticate(request)
        if update {
            let settings = try FaultSettings.decode(request.body, over: faultSettings.get())
            try setFaults(settings)
        }
        let current = faultSettings.get()
        return envelope([
            "latency_ms": .int(Int64(current.latencyMilliseconds)), "failure_rate": .double(current.failureRate),
            "failure_status": .int(Int64(current.failureStatus)), "retry_after": .int(Int64(current.retryAfterSeconds)),
        ])
    }
}
