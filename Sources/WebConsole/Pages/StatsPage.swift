import Foundation
import HTTPServer
import ImageStore
import JSON

/// Stats from `GET api/stats/`: counts by status (the caller's, and for admins every user's) and Cloudflare's
/// account usage against its allowance, as server-drawn SVG.
extension ConsoleContext {
    static let statusCounts = [
        ("Uploaded", "uploaded_images"), ("Pending", "pending_images"), ("Draft", "draft_images"),
        ("Failed", "failed_images"),
        ("Expired", "expired_images"),
    ]

    func statsPage(_ visit: Visit) async throws -> Response {
        let (status, json) = await call(visit, .get, "stats/")
        guard status == 200, let stats = json?.objectValue else {
            return page(
                visit, "Stats", current: .stats,
                "<h1>Stats</h1><p class=\"notice error\" role=\"alert\">\(Self.message(json))</p>",
                status: .init(code: status))
        }
        func int(_ object: [String: JSONValue]?, _ key: String) -> Int {
            if case .int(let n)? = object?[key] { return Int(n) }
            return 0
        }
        func section(_ title: String, _ object: [String: JSONValue]?) -> HTML {
            let tiles = [
                ("Images", "total_images"), ("Signed", "images_with_signed_urls"), ("Usages", "total_usages"),
                ("Orphaned", "orphaned_images"),
            ]
            .map { label, key -> HTML in
                "<div class=\"stat\"><div class=\"n\">\(int(object, key))</div><div class=\"muted small\">\(label)</div></div>"
            }
            let chart = SVGChart.bars("\(title): images by status", Self.statusCounts.map { ($0.0, int(object, $0.1)) })
            return
                "<section class=\"panel\"><h2>\(title)</h2><div class=\"stats\">\(tiles)</div><div class=\"chart\">\(chart)</div></section>"
        }
        var body: HTML = "<h1>Stats</h1>\(await uploadsChart(visit))\(section("Your images", stats))"
        if let global = stats["global"]?.objectValue { body = "\(body)\(section("Every user", global))" }
        if visit.session.isAdmin {
            if let account = stats["cloudflare"]?.objectValue {
                let allowed = int(account, "allowed")
                let current = int(account, "current")
                let chart = SVGChart.bars(
                    "Cloudflare account usage", [("Stored", current), ("Allowance", allowed)],
                    maximum: max(allowed, current))
                body =
                    "\(body)<section class=\"panel\"><h2>Cloudflare account</h2><p>\(current) of \(allowed) images stored.</p><div class=\"chart\">\(chart)</div></section>"
            } else {
                body =
                    "\(body)<section class=\"panel\"><h2>Cloudflare account</h2><p class=\"notice error\">\(stats["cloudflare_error"]?.stringValue ?? "Cloudflare did not answer.") Check the account settings, then reload.</p></section>"
            }
        }
        return page(visit, "Stats", current: .stats, body)
    }

    static let chartDays = 14

    /// Uploads per day over the last two weeks (the caller's; an admin's, everyone's), from ``UploadHistory``.
    func uploadsChart(_ visit: Visit) async -> HTML {
        guard let uploads else { return .empty }
        let today = Int64((clock().timeIntervalSince1970 / 86_400).rounded(.down))
        let first = today - Int64(Self.chartDays - 1)
        guard
            let counts = try? await uploads.uploadsPerDay(
                owner: visit.session.isAdmin ? nil : visit.session.userName, since: first)
        else {
            return
                "<section class=\"panel\"><h2>Uploads per day</h2><p class=\"notice error\">The upload history could not be read; reload the page.</p></section>"
        }
        let rows = (first...today).map { day -> (label: String, value: Int) in
            (Self.dayLabel(day), counts[day] ?? 0)
        }
        let who = visit.session.isAdmin ? "every user" : "you"
        return """
            <section class="panel"><h2>Uploads per day</h2><p class="muted small">The last \(Self.chartDays) days (UTC), \(who): \(rows.map(\.value).reduce(0, +)) in all.</p>\
            <div class="chart" id="uploads-chart">\(SVGChart.columns("Uploads per day", rows))</div></section>
            """
    }

    /// `MM-DD` of a day since the epoch.
    static func dayLabel(_ day: Int64) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC") ?? .current, from: Date(timeIntervalSince1970: TimeInterval(day) * 86_400))
        return String(format: "%02d-%02d", c.month ?? 0, c.day ?? 0)
    }
}
