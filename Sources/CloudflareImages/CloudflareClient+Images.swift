import Foundation
import HTTPClient
import JSON
import Logging

extension CloudflareClient {
    /// `POST images/v2/direct_upload`: a one-time upload URL for a browser or app to send the image to.
    ///
    /// Retried like an idempotent call: without a custom id a repeat only creates another unused draft (Cloudflare
    /// drops it when its URL expires). With a custom id, a retry after an attempt that may have been applied (its
    /// answer lost: 5xx, timeout, broken transfer) can meet Cloudflare's 5409 for the draft that attempt created.
    /// Cloudflare hands out no upload URL for an existing draft, so the client looks the id up and, when it is a
    /// draft carrying exactly the metadata, creator and signing flag just sent, deletes it and creates it anew;
    /// anything else under that id stays untouched and the 5409 is thrown.
    public func createDirectUpload(_ options: DirectUploadOptions = DirectUploadOptions()) async throws -> DirectUpload
    {
        var form = MultipartForm()
        if let id = options.id { form.append("id", id) }
        if let metadata = options.metadata { form.append("metadata", JSONValue.object(metadata).jsonText) }
        if let requireSignedURLs = options.requireSignedURLs {
            form.append("requireSignedURLs", requireSignedURLs ? "true" : "false")
        }
        if let expiry = options.expiry { form.append("expiry", RFC3339.format(expiry)) }
        if let creator = options.creator { form.append("creator", creator) }
        var call = Call(
            endpoint: .createDirectUpload, method: "POST", path: "v2/direct_upload", body: .multipart(form),
            retry: .idempotent)
        if let id = options.id {
            call.freeConflict = { [self] in try await freeOwnDraft(id: id, options: options) }
        }
        return try Self.required(
            try await perform(call, decoding: DirectUpload.self, reading: DirectUpload.init(json:)).result)
    }

    /// Deletes the draft `id` when it is the one an earlier attempt of this call created; false when it is not.
    private func freeOwnDraft(id: String, options: DirectUploadOptions) async throws -> Bool {
        let existing: CloudflareImage
        do {
            existing = try await image(id: id)
        } catch CloudflareError.notFound {
            return true
        }
        guard existing.draft, existing.meta == options.metadata ?? [:], existing.creator == options.creator,
            existing.requireSignedURLs == options.requireSignedURLs ?? false
        else { return false }
        do {
            try await deleteImage(id: id)
        } catch CloudflareError.notFound {}
        logger.info("Cloudflare draft from a lost answer replaced", metadata: ["endpoint": "create_direct_upload"])
        return true
    }

    /// `GET images/v1/{id}`.
    public func image(id: String) async throws -> CloudflareImage {
        let call = Call(endpoint: .getImage, method: "GET", path: "v1/\(Self.percentEncode(id))", retry: .idempotent)
        return try Self.required(try await perform(call, decoding: CloudflareImage.self).result)
    }

    /// `GET images/v1?page=&per_page=`: page-numbered listing.
    public func listImages(page: Int = 1, perPage: Int = 100) async throws -> ImageListPage {
        let call = Call(
            endpoint: .listImages, method: "GET", path: "v1",
            query: [("page", String(page)), ("per_page", String(perPage))], retry: .idempotent)
        let envelope = try await perform(call, decoding: ImageList.self)
        let list = try Self.required(envelope.result)
        return ImageListPage(images: list.images, page: page, perPage: perPage, resultInfo: envelope.resultInfo)
    }

    /// `GET images/v2`: continuation-token listing; nil parameters are not sent.
    public func listImagesV2(
        continuationToken: String? = nil, perPage: Int? = nil, sortOrder: SortOrder? = nil, creator: String? = nil
    ) async throws -> ImageListV2Page {
        var query: [(String, String)] = []
        if let continuationToken { query.append(("continuation_token", continuationToken)) }
        if let perPage { query.append(("per_page", String(perPage))) }
        if let sortOrder { query.append(("sort_order", sortOrder.rawValue)) }
        if let creator { query.append(("creator", creator)) }
        let call = Call(endpoint: .listImagesV2, method: "GET", path: "v2", query: query, retry: .idempotent)
        return try Self.required(try await perform(call, decoding: ImageListV2Page.self).result)
    }

    /// `PATCH images/v1/{id}` with a JSON body of the non-nil fields; returns the updated image.
    public func updateImage(
        id: String, metadata: [String: JSONValue]? = nil, requireSignedURLs: Bool? = nil
    ) async throws -> CloudflareImage {
        var body: [String: JSONValue] = [:]
        if let metadata { body["metadata"] = .object(metadata) }
        if let requireSignedURLs { body["requireSignedURLs"] = .bool(requireSignedURLs) }
        let call = Call(
            endpoint: .updateImage, method: "PATCH", path: "v1/\(Self.percentEncode(id))",
            body: .bytes(JSONValue.object(body).jsonBytes), contentType: "application/json", retry: .idempotent)
        return try Self.required(try await perform(call, decoding: CloudflareImage.self).result)
    }

    /// `DELETE images/v1/{id}`. A missing image throws ``CloudflareError/notFound(_:)``.
    public func deleteImage(id: String) async throws {
        let call = Call(
            endpoint: .deleteImage, method: "DELETE", path: "v1/\(Self.percentEncode(id))", retry: .idempotent)
        _ = try await perform(call, decoding: IgnoredResult.self)
    }

    /// `GET images/v1/stats`: stored images versus the allowance.
    public func accountStats() async throws -> AccountStats {
        let call = Call(endpoint: .accountStats, method: "GET", path: "v1/stats", retry: .idempotent)
        return try Self.required(try await perform(call, decoding: AccountStats.self).result)
    }

    /// `POST images/v1` with a `url` field: Cloudflare fetches the image. Not retried once it may have been processed.
    public func uploadImage(
        fromURL url: String, options: ImageUploadOptions = ImageUploadOptions()
    ) async throws -> CloudflareImage {
        var form = MultipartForm()
        form.append("url", url)
        Self.appendUploadFields(options, to: &form)
        let call = Call(
            endpoint: .uploadFromURL, method: "POST", path: "v1", body: .multipart(form), retry: .unprocessedOnly)
        return try Self.required(try await perform(call, decoding: CloudflareImage.self).result)
    }

    /// `POST images/v1` with a `file` part. Not retried once it may have been processed.
    public func uploadImage(
        file: [UInt8], filename: String, contentType: String = "application/octet-stream",
        options: ImageUploadOptions = ImageUploadOptions()
    ) async throws -> CloudflareImage {
        var form = MultipartForm()
        form.append("file", filename: filename, contentType: contentType, data: file)
        Self.appendUploadFields(options, to: &form)
        let call = Call(
            endpoint: .uploadFile, method: "POST", path: "v1", body: .multipart(form), retry: .unprocessedOnly)
        return try Self.required(try await perform(call, decoding: CloudflareImage.self).result)
    }

    /// `GET images/v1/keys`: the account's URL signing keys.
    public func signingKeys() async throws -> [SigningKey] {
        let call = Call(endpoint: .signingKeys, method: "GET", path: "v1/keys", retry: .idempotent)
        return try Self.required(try await perform(call, decoding: SigningKeyList.self).result).keys
    }

    // MARK: Helpers

    private static func appendUploadFields(_ options: ImageUploadOptions, to form: inout MultipartForm) {
        if let id = options.id { form.append("id", id) }
        if let metadata = options.metadata { form.append("metadata", JSONValue.object(metadata).jsonText) }
        if let requireSignedURLs = options.requireSignedURLs {
            form.append("requireSignedURLs", requireSignedURLs ? "true" : "false")
        }
        if let creator = options.creator { form.append("creator", creator) }
    }

    static func required<Value>(_ value: Value?) throws(CloudflareError) -> Value {
        guard let value else { throw .invalidResponse("successful envelope without a result") }
        return value
    }
}
