import CloudflareImages
import HTTPServer
import ImageStore
import JSON
import Logging

/// `GET api/stats/`: the reference's counters for the caller, from the repository's counter table (no scan of the
/// images table). Administrators also get `global` (every user) and `cloudflare` (account usage from
/// `images/v1/stats`; null with `cloudflare_error` when Cloudflare cannot answer — the endpoint still succeeds).
/// `total_usages` counts the usage rows pointing at the caller's images, `orphaned_images` those no row points at.
extension APIContext {
    func stats(_ request: Request, _ caller: Caller) async throws -> Response {
        let own = try await repository.counts(owner: caller.userName)
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        Self.writeCounts(own, into: &writer)
        if caller.isAdmin {
            let global = try await repository.counts(owner: nil)
            writer.key("global")
            writer.beginObject()
            Self.writeCounts(global, into: &writer)
            writer.endObject()
            writer.key("cloudflare")
            do {
                try allowance.admit(caller)
                let account = try await cloudflare.accountStats()
                writer.beginObject()
                for (name, value) in [("allowed", account.allowed), ("current", account.current)] {
                    writer.key(name)
                    if let value { writer.int(value) } else { writer.null() }
                }
                writer.endObject()
            } catch {
                logger.warning("Cloudflare account stats unavailable", metadata: ["error": "\(error)"])
                writer.null()
                writer.key("cloudflare_error")
                writer.string("Failed to get account stats: \(error)")
            }
        }
        writer.endObject()
        return json(writer.bytes)
    }

    static func writeCounts(_ counts: ImageCounts, into writer: inout JSONWriter) {
        writer.key("total_images")
        writer.int(counts.total)
        writer.key("uploaded_images")
        writer.int(counts.count(.uploaded))
        writer.key("pending_images")
        writer.int(counts.count(.pending))
        writer.key("draft_images")
        writer.int(counts.count(.draft))
        writer.key("failed_images")
        writer.int(counts.count(.failed))
        writer.key("expired_images")
        writer.int(counts.count(.expired))
        writer.key("total_file_size")
        writer.int(counts.totalFileSize)
        writer.key("images_with_signed_urls")
        writer.int(counts.signedURLCount)
        writer.key("total_usages")
        writer.int(counts.usageCount)
        writer.key("orphaned_images")
        writer.int(counts.orphanCount)
    }
}
