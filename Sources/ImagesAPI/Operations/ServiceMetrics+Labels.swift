import CloudflareImages
import ImageStore
import Metrics

/// `route`, `method`, `status` of an answered request.
struct RequestLabels: MetricLabels {
    static let labelNames = ["route", "method", "status"]
    var route: String
    var method: String
    var status: Int
    var labelValues: [String] { [route, method, String(status)] }
}

/// `route`, `method` of a request's latency.
struct RouteLabels: MetricLabels {
    static let labelNames = ["route", "method"]
    var route: String
    var method: String
    var labelValues: [String] { [route, method] }
}

/// `endpoint`, `outcome` of a Cloudflare call or retry.
struct CallLabels: MetricLabels {
    static let labelNames = ["endpoint", "outcome"]
    var endpoint: CallEvent.Endpoint
    var outcome: CallEvent.Outcome
    var labelValues: [String] { [endpoint.rawValue, outcome.rawValue] }
}

/// `endpoint` of a Cloudflare call.
struct EndpointLabels: MetricLabels {
    static let labelNames = ["endpoint"]
    var endpoint: CallEvent.Endpoint
    var labelValues: [String] { [endpoint.rawValue] }
}

/// `status` of tracked images.
struct StatusLabels: MetricLabels {
    static let labelNames = ["status"]
    var status: ImageStatus
    var labelValues: [String] { [status.rawValue] }
}

/// How a webhook delivery ended (the `outcome` label).
enum WebhookDelivery: String, MetricLabels, CaseIterable {
    /// The change was applied.
    case applied
    /// A redelivery of an event already applied.
    case duplicate
    /// No tracked image has that Cloudflare ID (404).
    case unknownImage = "unknown_image"
    /// Missing, invalid or stale signature, or bad token credentials (401).
    case badSignature = "bad_signature"
    /// Not JSON, or not a payload we understand (400).
    case badPayload = "bad_payload"
    /// A notification whose image could not be fetched from Cloudflare (502).
    case cloudflareError = "cloudflare_error"
    /// Anything else (500).
    case error

    static let labelNames = ["outcome"]
    var labelValues: [String] { [rawValue] }
}
