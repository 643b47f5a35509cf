import Foundation
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
                let seconds: Double? =
                    switch value {
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

/// In-process controls over the emulator's images, for a test that needs Cloudflare's state set or read at once:
/// an image of the account nobody tracks, one removed behind a client's back, an upload completed without a file at
/// a given time. Swift API only: no request reaches them. They skip the fault knobs, rate limits and webhooks, and
/// count as no API call.
extension CloudflareEmulator {
    /// The image `id` as the emulator holds it, drafts included; nil when there is none.
    public func image(_ id: String) async throws -> StoredImage? {
        try await store.image(id: id).map(StoredImage.init)
    }

    /// Puts `image` in place as given: a new image without bytes, or, when the id is taken, that image with
    /// ``StoredImage``'s fields replaced (its bytes and upload URL kept). Nothing is checked against Cloudflare's
    /// limits.
    public func putImage(_ image: StoredImage) async throws {
        guard let uploaded = StoredImage.milliseconds(image.uploaded) else {
            throw EmulatorError.badRequest("uploaded must be within the years 0000 through 9999")
        }
        try await store.put(
            EmulatorImage(
                id: image.id, filename: image.filename, creator: image.creator,
                metadataJSON: JSONValue.object(image.metadata).jsonText, requireSignedURLs: image.requireSignedURLs,
                uploaded: uploaded, draft: image.draft))
    }

    /// Removes the image `id` and its bytes; false when there was none.
    @discardableResult
    public func removeImage(_ id: String) async throws -> Bool {
        try await store.delete(id: id)
    }

    /// Completes the draft `id` as an upload to its URL would, but without a file: no longer a draft, `uploaded`
    /// at `time` (to the millisecond), named `filename`. Sends no webhook. False when `id` is not a draft.
    public func markUploaded(_ id: String, at time: Date, filename: String? = nil) async throws -> Bool {
        guard let milliseconds = StoredImage.milliseconds(time) else {
            throw EmulatorError.badRequest("time must be within the years 0000 through 9999")
        }
        return try await store.markUploaded(id: id, filename: filename, at: milliseconds)
    }
}
