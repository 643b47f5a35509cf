import CloudflareImages
import ImageStore
import JSON

extension ImageReconciler {
    /// A new Cloudflare id in the answer to `PATCH images/v1/{id}`: Cloudflare's API reference says a change of
    /// `requireSignedURLs` "Returns a new UID", so the row follows the id Cloudflare answered with (and its variant
    /// URLs, which carry the id), never the one it sent.
    struct Renaming: Sendable {
        let from: String
        let to: String
        let variants: [String]

        /// nil when Cloudflare kept the id (or answered none).
        init?(_ result: CloudflareImage, of image: ImageRecord) {
            guard !result.id.isEmpty, result.id != image.cloudflareID else { return nil }
            from = image.cloudflareID
            to = result.id
            variants = result.variants
        }

        func apply(to record: inout ImageRecord) {
            record.cloudflareID = to
            if !variants.isEmpty { record.variants = variants }
        }

        var logData: JSONValue { ["from": .string(from), "to": .string(to)] }
    }
}
