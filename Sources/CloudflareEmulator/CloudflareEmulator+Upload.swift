import Crypto
import Foundation
import HTTPClient
import HTTPServer
import JSON
import Logging

/// Receiving image bytes: the one-time direct upload URL and `POST v1` (by `file` or by `url`).
extension CloudflareEmulator {
    /// `POST {mount}/upload/<token>`: one multipart `file` before the URL expires; the draft becomes an image.
    func receiveUpload(_ request: Request) async throws -> Response {
        let token = request.pathParameters["token"] ?? ""
        guard let draft = try await store.image(uploadToken: token) else { throw EmulatorError.uploadURLNotFound }
        guard draft.draft else { throw EmulatorError.alreadyUploaded }
        do {
            let now = self.now()
            if let expires = draft.uploadExpires, now > expires { throw EmulatorError.uploadURLExpired }
            let fields = try ImageRequestFields(request: request)
            let (bytes, info, filename) = try checkedFile(fields)
            let staged = try store.stageBytes(bytes)
            guard
                try await store.completeUpload(token: token, filename: filename, info: info, size: bytes.count, at: now)
            else {
                store.discard(staged: staged)
                throw EmulatorError.alreadyUploaded
            }
            try store.commitBytes(staged: staged, id: draft.id)
            let image = try await store.image(id: draft.id) ?? draft
            logger.info(
                "emulator upload completed", metadata: ["image": "\(image.id)", "format": "\(info.format.rawValue)"])
            webhooks?.send(
                image.webhookObject(variants: variantURLs(for: image.id), status: "uploaded"), imageID: image.id)
            return envelope(object(image))
        } catch let error as EmulatorError {
            if error != .alreadyUploaded { notifyFailure(draft, error) }
            throw error
        }
    }

    func notifyFailure(_ draft: EmulatorImage, _ error: EmulatorError) {
        guard let webhooks else { return }
        var payload = draft.webhookObject(variants: [], status: "failed")
        // Without `uploaded`, a receiver does not take the failure for a completed upload.
        payload["uploaded"] = nil
        payload["error"] = ["code": .int(Int64(error.code)), "message": .string(error.message)]
        webhooks.send(payload, imageID: draft.id)
    }

    /// `POST v1`: an image uploaded in one request, from the `file` part or fetched from `url`.
    func uploadImage(_ request: Request) async throws -> Response {
        let fields = try ImageRequestFields(request: request)
        let bytes: [UInt8]
        let info: ImageInfo
        var filename: String?
        if let url = fields.url, !url.isEmpty {
            guard fields.file == nil else { throw EmulatorError.badRequest("file and url are mutually exclusive") }
            bytes = try await fetch(url)
            guard bytes.count <= configuration.maxFileBytes else {
                throw EmulatorError.tooLarge(limit: configuration.maxFileBytes)
            }
            guard let sniffed = ImageSniffer.sniff(bytes), configuration.acceptedFormats.contains(sniffed.format) else {
                throw EmulatorError.unsupportedFormat
            }
            info = sniffed
            filename = URL(string: url)?.lastPathComponent
            if filename == "" || filename == "/" { filename = nil }
        } else {
            (bytes, info, filename) = try checkedFile(fields)
        }
        let image = EmulatorImage(
            id: fields.customID ?? UUID(uuid: RandomUUID.bytes()).uuidString.lowercased(), filename: filename,
            creator: fields.creator,
            metadataJSON: fields.metadataJSON ?? "{}", requireSignedURLs: fields.requireSignedURLs ?? false,
            uploaded: now(), draft: false, format: info.format, width: info.width,
            height: info.height, size: bytes.count)
        let staged = try store.stageBytes(bytes)
        guard try await store.insert(image) else {
            store.discard(staged: staged)
            throw EmulatorError.alreadyExists
        }
        try store.commitBytes(staged: staged, id: image.id)
        return envelope(object(image))
    }

    /// The `file` part, within the size limit and of an accepted format.
    func checkedFile(_ fields: ImageRequestFields) throws(EmulatorError) -> ([UInt8], ImageInfo, String?) {
        guard let file = fields.file else { throw EmulatorError.fileRequired }
        guard file.body.count <= configuration.maxFileBytes else {
            throw EmulatorError.tooLarge(limit: configuration.maxFileBytes)
        }
        guard let info = ImageSniffer.sniff(file.body), configuration.acceptedFormats.contains(info.format) else {
            throw EmulatorError.unsupportedFormat
        }
        let filename = file.filename.flatMap { $0.isEmpty ? nil : $0 }
        return (file.body, info, filename)
    }

    /// Downloads an image for `POST v1` with `url`: http(s) only, to a public address unless
    /// `allowPrivateURLs` (the connection pinned to the checked address, redirects not followed), 2xx only,
    /// cut off past `maxFileBytes`, bytes kept exactly as sent (no decompression), bounded in time.
    func fetch(_ url: String) async throws -> [UInt8] {
        let target: FetchTarget
        do throws(EmulatorError) {
            target = try await FetchTarget.resolve(url, allowPrivate: configuration.allowPrivateURLs)
        } catch {
            if error == .urlNotPublic {
                logger.notice("emulator refused a non-public url", metadata: ["url": "\(url)"])
            }
            throw error
        }
        var request = HTTPClientRequest(url: url, connectTimeout: .seconds(5), timeout: .seconds(30))
        request.connectTarget = target.connectTarget
        request.maxResponseBytes = configuration.maxFileBytes
        request.decompressesResponse = false
        let response: HTTPClientResponse
        do {
            response = try await client.send(request)
        } catch HTTPClientError.responseTooLarge {
            throw EmulatorError.tooLarge(limit: configuration.maxFileBytes)
        } catch let error as HTTPClientError {
            logger.info("emulator url fetch failed", metadata: ["url": "\(url)", "error": "\(error)"])
            throw EmulatorError.badRequest("Failed to fetch the image from url: \(Self.reason(error))")
        }
        // The status of a host that passed the address check (as Cloudflare reports it); never the body.
        guard (200..<300).contains(response.status) else {
            throw EmulatorError.badRequest("Failed to fetch the image from url: status \(response.status)")
        }
        return response.body
    }

    /// A short reason without libcurl's detail (which names addresses and ports).
    static func reason(_ error: HTTPClientError) -> String {
        switch error {
        case .timeout: "timed out"
        case .connectFailed: "could not connect"
        case .invalidRequest: "invalid url"
        case .shutdown, .transport: "transfer failed"
        case .responseTooLarge: "too large"
        }
    }
}
