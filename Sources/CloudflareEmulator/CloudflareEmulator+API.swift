import Crypto
import Foundation
import HTTPServer
import JSON

/// The JSON API under `/client/v4/accounts/{account_id}/images`.
extension CloudflareEmulator {
    /// Upload URLs must expire between now + 2 minutes and now + 6 hours, checked on arrival with no grace, as
    /// Cloudflare documents it ("a minimum of two minutes and maximum of six hours in the future").
    static let minimumExpiry: Int64 = 2 * 60 * 1000
    static let maximumExpiry: Int64 = 6 * 3600 * 1000
    static let defaultExpiry: Int64 = 30 * 60 * 1000

    /// `POST v2/direct_upload`: a draft record and its one-time upload URL.
    func createDirectUpload(_ request: Request) async throws -> Response {
        let fields = try ImageRequestFields(request: request)
        let now = self.now()
        var expires = now + CloudflareEmulator.defaultExpiry
        if let text = fields.expiry, !text.isEmpty {
            guard let parsed = EmulatorDate(rfc3339: text)?.millisecondsSince1970 else {
                throw EmulatorError.badRequest("expiry must be an RFC 3339 date-time")
            }
            guard parsed >= now + CloudflareEmulator.minimumExpiry, parsed <= now + CloudflareEmulator.maximumExpiry
            else {
                throw EmulatorError.badRequest("expiry must be at least 2 minutes and at most 6 hours in the future")
            }
            expires = parsed
        }
        let token = try SecureRandom.hexString(byteCount: 24)
        let image = EmulatorImage(
            id: fields.customID ?? UUID(uuid: RandomUUID.bytes()).uuidString.lowercased(), filename: nil,
            creator: fields.creator,
            metadataJSON: fields.metadataJSON ?? "{}", requireSignedURLs: fields.requireSignedURLs ?? false,
            uploaded: now, draft: true, uploadToken: token, uploadExpires: expires)
        guard try await store.insert(image) else { throw EmulatorError.alreadyExists }
        return envelope(["id": .string(image.id), "uploadURL": .string("\(publicBaseURL)/upload/\(token)")])
    }

    /// `GET v1/{id}`: the image, drafts included.
    func getImage(_ request: Request) async throws -> Response {
        guard let image = try await store.image(id: imageID(request)) else { throw EmulatorError.imageNotFound }
        return envelope(object(image))
    }

    /// `PATCH v1/{id}` with JSON `{"metadata": {...}, "requireSignedURLs": bool}`; metadata is replaced.
    func updateImage(_ request: Request) async throws -> Response {
        let id = imageID(request)
        let body: [String: JSONValue]
        if request.body.isEmpty {
            body = [:]
        } else {
            guard let object = (try? JSONValue.parse(request.body))?.objectValue else {
                throw EmulatorError.badRequest("Body must be a JSON object")
            }
            body = object
        }
        var metadataJSON: String?
        if let metadata = body["metadata"] {
            guard let dictionary = metadata.objectValue else {
                throw EmulatorError.badRequest("metadata must be a JSON object")
            }
            metadataJSON = try ImageRequestFields.encodeMetadata(dictionary)
        }
        let before = try await store.image(id: id)
        var requireSigned: Bool?
        if let flag = body["requireSignedURLs"] {
            guard case .bool(let value) = flag else {
                throw EmulatorError.badRequest("requireSignedURLs must be a boolean")
            }
            requireSigned = value
        }
        guard var image = try await store.update(id: id, metadataJSON: metadataJSON, requireSignedURLs: requireSigned)
        else {
            throw EmulatorError.imageNotFound
        }
        if requireSigned != nil, faults.renewsIDOnSigningChange, image.requireSignedURLs != before?.requireSignedURLs {
            let newID = UUID(uuid: RandomUUID.bytes()).uuidString.lowercased()
            if try await store.rename(id: image.id, to: newID) { image.id = newID }
        }
        return envelope(object(image))
    }

    /// `DELETE v1/{id}`: `result` is `{}`.
    func deleteImage(_ request: Request) async throws -> Response {
        guard try await store.delete(id: imageID(request)) else { throw EmulatorError.imageNotFound }
        return envelope([:])
    }

    /// `GET v1?page=&per_page=&creator=`: uploaded images, oldest upload first, with `result_info`.
    func listImagesV1(_ request: Request) async throws -> Response {
        let page = try integer(request, "page", default: 1, range: 1...Int(Int32.max))
        let perPage = try integer(request, "per_page", default: 1000, range: 10...10_000)
        let (images, total) = try await store.list(
            creator: request.query["creator"], after: nil, descending: false,
            offset: (page - 1) * perPage, limit: perPage)
        let info: JSONValue = [
            "page": .int(Int64(page)), "per_page": .int(Int64(perPage)), "count": .int(Int64(images.count)),
            "total_count": .int(Int64(total)),
        ]
        return envelope(["images": .array(images.map { object($0.image) })], resultInfo: info)
    }

    /// `GET v2?continuation_token=&per_page=&sort_order=asc|desc&creator=`.
    func listImagesV2(_ request: Request) async throws -> Response {
        let perPage = try integer(request, "per_page", default: 1000, range: 10...10_000)
        let order = request.query["sort_order"] ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw EmulatorError.badRequest("sort_order must be asc or desc")
        }
        var after: EmulatorStore.ListPosition?
        if let token = request.query["continuation_token"], !token.isEmpty {
            let parts = Data(base64Encoded: token).flatMap { String(data: $0, encoding: .utf8) }?.split(separator: ":")
            guard let parts, parts.count == 3, parts[0] == "at", let uploaded = Int64(parts[1]),
                let sequence = Int64(parts[2])
            else {
                throw EmulatorError.badRequest("continuation_token is invalid")
            }
            after = EmulatorStore.ListPosition(uploaded: uploaded, sequence: sequence)
        }
        let (rows, _) = try await store.list(
            creator: request.query["creator"], after: after, descending: order == "desc", offset: 0, limit: perPage + 1)
        let page = rows.prefix(perPage)
        var next = JSONValue.null
        if rows.count > perPage, let last = page.last {
            next = .string(Data("at:\(last.position.uploaded):\(last.position.sequence)".utf8).base64EncodedString())
        }
        return envelope(["images": .array(page.map { object($0.image) }), "continuation_token": next])
    }

    /// `GET v1/stats`: `{"count": {"allowed": n, "current": n}}`.
    func stats(_ request: Request) async throws -> Response {
        let current = try await store.uploadedCount()
        return envelope([
            "count": ["allowed": .int(Int64(configuration.imageAllowance)), "current": .int(Int64(current))]
        ])
    }

    /// `GET v1/keys`: the signing key used for signed URLs.
    func signingKeys(_ request: Request) async throws -> Response {
        envelope(["keys": [["name": "default", "value": .string(configuration.signingKey)]]])
    }

    /// `GET v1/batch_token`: a token for Cloudflare's batch API host (not served by the emulator).
    func batchToken(_ request: Request) async throws -> Response {
        let expires = now() + 3600 * 1000
        return envelope([
            "token": .string(try SecureRandom.hexString(byteCount: 32)),
            "expiresAt": .string(EmulatorDate(millisecondsSince1970: expires).rfc3339),
        ])
    }

    func imageID(_ request: Request) -> String { request.pathParameters["id"] ?? "" }

    func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.query[name], !text.isEmpty else { return value }
        guard let number = Int(text) else { throw EmulatorError.badRequest("\(name) must be an integer") }
        guard range.contains(number) else {
            throw EmulatorError.badRequest("\(name) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }
}
