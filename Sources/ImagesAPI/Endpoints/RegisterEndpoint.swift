import CloudflareImages
import Foundation
import HTTPServer
import ImageStore
import JSON

/// `POST api/images/register/` with `{"cloudflare_id": "...", "expected_creator": "..."}`: ``ImageRegistrar`` for
/// the caller. 201 with the new row; 200 when the caller already tracks it; 404 unknown at Cloudflare, 409 still a
/// draft, 403 another creator (`{"error"}`); 400 on `cloudflare_id` when another user tracks it.
extension APIContext {
    func registerUploaded(_ request: Request, _ caller: Caller) async throws -> Response {
        let body = try body(request)
        var errors = FieldErrors()
        let cloudflareID = Self.label(body["cloudflare_id"], "cloudflare_id", errors: &errors)
        let expectedCreator = body["expected_creator"].flatMap { value -> String? in
            if case .null = value { return nil }
            return Fields.string(
                value, "expected_creator", maxLength: Self.maxLabelLength, allowBlank: true, errors: &errors)
        }
        try errors.check()
        guard let cloudflareID else { throw ErrorResponse.detail(.badRequest, "Invalid request.") }
        let now = clock()
        let registrar = ImageRegistrar(repository: repository, cloudflare: cloudflare, logger: logger)
        if try await repository.image(.cloudflareID(cloudflareID), owner: nil) == nil { try allowance.admit(caller) }
        do {
            switch try await registrar.register(
                cloudflareID: cloudflareID, owner: caller.userName, expectedCreator: expectedCreator,
                admin: caller.isAdmin,
                now: now)
            {
            case .created(let record): return json(serializer.bytes(record, now: now), status: .created)
            case .existing(let record): return json(serializer.bytes(record, now: now))
            }
        } catch let refusal as ImageRegistrar.Refusal {
            switch refusal {
            case .trackedByAnother: throw FieldErrors.field("cloudflare_id", refusal.description)
            case .notFound: throw ErrorResponse.error(.notFound, refusal.description)
            case .draft: throw ErrorResponse.error(.conflict, refusal.description)
            case .creatorMismatch: throw ErrorResponse.error(.forbidden, refusal.description)
            }
        } catch let error as CloudflareError {
            throw CloudflareFailure.response(error, prefix: "Failed to register image")
        }
    }
}
