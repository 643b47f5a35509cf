import Foundation
import HTTPFields
import HTTPServer

/// `GET {mount}/imagedelivery/<hash>/<id>/<variant>`: the stored bytes, standing in for `imagedelivery.net`.
///
/// Every named variant and every flexible variant (`w=300,fit=cover`; while they are on, see
/// `flexibleVariantsEnabled`) serves the original bytes with their own `Content-Type` (the emulator does not
/// resize). Private images (`requireSignedURLs`) need a valid, unexpired
/// `exp`/`sig` pair, checked by `SignedURLCheck` against `/<hash>/<id>/<variant>?exp=...` as on Cloudflare, and refuse
/// flexible variants outright, as Cloudflare does.
extension CloudflareEmulator {
    func deliver(_ request: Request, mountPath: String) async throws -> Response {
        guard request.pathParameters["hash"] == configuration.accountHash else {
            return deliveryError(.notFound, "Image not found")
        }
        let path = request.pathParameters["path"] ?? ""
        guard let slash = path.lastIndex(of: "/") else { return deliveryError(.notFound, "Image not found") }
        let id = String(path[..<slash])
        let variant = String(path[path.index(after: slash)...])
        guard let image = try await store.image(id: id), !image.draft, let bytes = store.bytes(id: id) else {
            return deliveryError(.notFound, "Image not found")
        }
        let flexible = variant.contains("=")
        if flexible, !flexibleVariantsEnabled { return flexibleVariantsDisabled() }
        if !flexible, !configuration.variants.contains(variant) { return deliveryError(.notFound, "Variant not found") }
        if image.requireSignedURLs {
            if flexible {
                return deliveryError(
                    .forbidden, "Flexible variants cannot be used with images that require signed URLs")
            }
            let status = SignedURLCheck(signingKey: configuration.signingKey).check(
                signedPath(request, mountPath: mountPath), now: now() / 1000)
            switch status {
            case .valid: break
            case .expired: return deliveryError(.forbidden, "Signed URL has expired")
            case .badSignature: return deliveryError(.forbidden, "Invalid signature")
            case .missing: return deliveryError(.forbidden, "This image requires a signed URL")
            }
        }
        var headers: HTTPHeaders = ["Content-Type": image.format?.mimeType ?? "application/octet-stream"]
        headers["Cache-Control"] = image.requireSignedURLs ? "private, max-age=0" : "public, max-age=3600"
        headers["X-Content-Type-Options"] = "nosniff"
        if image.format == .svg {
            // Scripts inside an uploaded SVG must not run on the emulator's origin.
            headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        }
        return Response(status: .ok, headers: headers, body: bytes)
    }

    /// `/<hash>/<id>/<variant>?<query>` as received (still percent-encoded), without the mount and `/imagedelivery`.
    func signedPath(_ request: Request, mountPath: String) -> String {
        var raw = Substring(request.rawPath)
        let prefix = Router.normalizedPrefix(mountPath) + "/imagedelivery"
        if raw.hasPrefix(prefix) { raw = raw.dropFirst(prefix.count) }
        let query = request.target.firstIndex(of: "?").map {
            String(request.target[request.target.index(after: $0)...])
        }
        return String(raw) + (query.map { "?" + $0 } ?? "")
    }

    func deliveryError(_ status: HTTPStatus, _ message: String) -> Response {
        var response = Response.text(status, "ERROR \(status.code): \(message)")
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}

extension Router {
    /// `"/_emulator"` for `"_emulator/"`, `""` for `"/"` or `""`.
    static func normalizedPrefix(_ mountPath: String) -> String {
        let parts = mountPath.split(separator: "/", omittingEmptySubsequences: true)
        return parts.isEmpty ? "" : "/" + parts.joined(separator: "/")
    }
}
