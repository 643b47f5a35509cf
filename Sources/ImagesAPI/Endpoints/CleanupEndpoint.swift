import HTTPServer
import JSON

/// `POST api/cleanup-expired/` (administrators): expires stale pending/draft uploads across every user and deletes
/// their drafts at Cloudflare. The body is ignored.
extension APIContext {
    func cleanupExpired(_ request: Request, _ caller: Caller) async throws -> Response {
        let report = try await cleanup.run(dryRun: false, deleteOlderThanDays: nil)
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("message")
        writer.string("Marked \(report.expiredCount) expired images")
        writer.key("expired_count")
        writer.int(report.expiredCount)
        writer.endObject()
        return json(writer.bytes)
    }
}
