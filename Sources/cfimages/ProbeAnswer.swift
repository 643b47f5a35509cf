import HTTPClient
import HTTPFields

/// What a plain HTTP probe (a delivery URL, the webhook URL) got back: a status, or why there was none.
enum ProbeAnswer: Sendable, CustomStringConvertible {
    case answered(status: Int, headers: HTTPHeaders, body: [UInt8])
    case failed(String)

    var description: String {
        switch self {
        case .answered(let status, _, _): "HTTP \(status)"
        case .failed(let reason): reason
        }
    }

    /// Sends `request`, never throwing (bodies past 16 MiB, larger than any Cloudflare image, fail).
    static func send(_ request: HTTPClientRequest, with http: HTTPClient) async -> ProbeAnswer {
        var request = request
        request.maxResponseBytes = 16 * 1024 * 1024
        do {
            let response = try await http.send(request)
            return .answered(status: response.status, headers: response.headers, body: response.body)
        } catch let error as HTTPClientError {
            return .failed(error.description)
        } catch {
            return .failed("\(error)")
        }
    }
}
