import Foundation
import HTTPClient
import HTTPFields

/// Looks at an import's source before Cloudflare fetches it, so `CLOUDFLARE_IMAGES_MAX_FILE_SIZE_MB` and
/// `CLOUDFLARE_IMAGES_ALLOWED_FORMATS` hold for imports too: the URL's extension, then a `HEAD` request's
/// `Content-Length` and `Content-Type`. A source that does not answer `HEAD` (or answers without those headers) is
/// left to Cloudflare, which fetches it with its own limits.
struct SourceProbe: Sendable {
    let client: HTTPClient
    let policy: UploadPolicy

    /// Why the source at `url` is refused; nil when nothing seen refuses it.
    func refusal(for url: String) async -> String? {
        if let path = URLComponents(string: url)?.path, let refusal = policy.refusal(filename: path) { return refusal }
        // No body limit: libcurl would refuse the answer itself when its Content-Length is over it.
        let request = HTTPClientRequest(method: "HEAD", url: url, connectTimeout: .seconds(5), timeout: .seconds(10))
        guard let response = try? await client.send(request), (200..<300).contains(response.status) else { return nil }
        if let length = response.headers["Content-Length"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
            let refusal = policy.refusal(size: length)
        {
            return refusal
        }
        if let type = response.headers["Content-Type"], !type.isEmpty { return policy.refusal(mediaType: type) }
        return nil
    }
}
