import HTTPServer
import ImagesAPI
import JSON

/// Health for admins: the readiness checks of `GET /readyz` and the webhook outcomes counted since start-up (the
/// `cfimages_webhook_deliveries_total` family of `GET /metrics`).
extension ConsoleContext {
    func healthPage(_ visit: Visit) async throws -> Response {
        let ready = await api.respond(to: Request(method: .get, target: "/readyz"), as: visit.identity)
        let report = (try? JSONValue.parse(ready.body))?.objectValue
        let checks = (report?["checks"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { name, value -> HTML in
            let text = value.stringValue ?? value.jsonText
            let good = text == "ok" || text == "emulator"
            return "<tr><td>\(name)</td><td><span class=\"badge \(good ? "ok" : "bad")\">\(text)</span></td></tr>"
        }
        let metrics = await api.respond(to: Request(method: .get, target: "/metrics"), as: visit.identity)
        let webhook = String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("cfimages_webhook_deliveries_total{") }
            .compactMap { line -> (String, Int)? in
                guard let open = line.firstIndex(of: "\""),
                    let close = line[line.index(after: open)...].firstIndex(of: "\""),
                    let value = line.split(separator: " ").last.flatMap({ Double($0) }),
                    value.isFinite, value >= 0, value < 1e15
                else { return nil }
                return (String(line[line.index(after: open)..<close]), Int(value))
            }
        let status = report?["status"]?.stringValue ?? "unknown"
        let overall: HTML =
            status == "ok"
            ? "<p class=\"notice ok\" role=\"status\">Ready: every check passes.</p>"
            : "<p class=\"notice error\" role=\"alert\">Not ready (\(status)): see the failing checks below and the service log.</p>"
        let outcomes: HTML =
            webhook.isEmpty
            ? "<p class=\"muted\">No webhook deliveries since the service started.</p>"
            : "<div class=\"chart\">\(SVGChart.bars("Webhook deliveries by outcome", webhook.map { ($0.0, $0.1) }))</div>"
        let body: HTML = """
            <h1>Health</h1>\(overall)<section class="panel"><h2>Readiness</h2><div class="table-wrap"><table id="checks">\
            <thead><tr><th scope="col">Check</th><th scope="col">Result</th></tr></thead><tbody>\(checks)</tbody></table></div></section>\
            <section class="panel"><h2>Webhook outcomes since start-up</h2>\(outcomes)</section>
            """
        return page(visit, "Health", current: .health, body)
    }
}
