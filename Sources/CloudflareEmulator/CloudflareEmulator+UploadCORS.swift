import HTTPFields
import HTTPServer

/// CORS on one-time upload URLs as Cloudflare's upload host (upload.imagedelivery.net) answers it: any origin may
/// POST a file from a browser (`Access-Control-Allow-Origin: *`, never with credentials), and a preflight
/// `OPTIONS` is answered 204.
extension CloudflareEmulator {
    /// `body`'s answer, its errors included, with `Access-Control-Allow-Origin: *` (other errors propagate).
    static func allowingAnyOrigin(_ body: () async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await body()
        } catch let error as any HTTPResponseError {
            response = error.response
        }
        response.headers.add("Access-Control-Allow-Origin", "*")
        return response
    }

    static func uploadPreflight(_ request: Request) -> Response {
        var headers: HTTPHeaders = [
            "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Max-Age": "86400",
        ]
        if let asked = request.headers["Access-Control-Request-Headers"] {
            headers.add("Access-Control-Allow-Headers", asked)
        }
        return Response(status: .noContent, headers: headers)
    }
}
