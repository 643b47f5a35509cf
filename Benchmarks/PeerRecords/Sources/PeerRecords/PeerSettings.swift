import Foundation

/// What a peer reads from its environment, and the records it holds in memory.
///
/// Record `i` (1-based) has id `00000000-0000-4000-8000-<i as 12 hex digits>`, the same ids the harness seeds
/// into the databases of the other contestants (Benchmarks/seed.py).
public struct PeerSettings: Sendable {
    public let host: String
    public let port: Int
    public let token: String
    public let records: [String: ImageRecord]

    public init() {
        let env = ProcessInfo.processInfo.environment
        host = env["PEER_HOST"] ?? "127.0.0.1"
        port = Int(env["PEER_PORT"] ?? "") ?? 8090
        token = env["PEER_TOKEN"] ?? "benchmark-token"
        let count = Int(env["PEER_RECORDS"] ?? "") ?? 100_000
        var records: [String: ImageRecord] = [:]
        records.reserveCapacity(count)
        for index in 1...max(count, 1) {
            let record = Self.record(index)
            records[record.id] = record
        }
        self.records = records
    }

    /// The expected `Authorization` header value.
    public var authorization: String { "Token \(token)" }

    public static func id(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    static func record(_ index: Int) -> ImageRecord {
        let statuses = ["uploaded", "uploaded", "uploaded", "uploaded", "uploaded",
                        "uploaded", "uploaded", "uploaded", "pending", "failed"]
        let status = statuses[index % statuses.count]
        let cloudflareID = "cf-\(index)"
        let delivery = "https://imagedelivery.net/benchhash/\(cloudflareID)"
        let second = 1_700_000_000 + index
        let stamp = Self.iso(second)
        return ImageRecord(
            id: id(index), cloudflare_id: cloudflareID,
            filename: "image-\(index).jpg", original_filename: "image-\(index).jpg",
            content_type: "image/jpeg", file_size: 100_000 + index % 50_000,
            upload_url: "https://upload.imagedelivery.net/benchhash/\(cloudflareID)",
            status: status, require_signed_urls: index % 2 == 0,
            metadata: ["source": "benchmark"], created_at: stamp, updated_at: stamp,
            uploaded_at: status == "uploaded" ? stamp : nil, expires_at: Self.iso(second + 1800),
            variants: status == "uploaded" ? ["\(delivery)/public"] : [],
            cloudflare_metadata: [:],
            public_url: status == "uploaded" ? "\(delivery)/public" : nil,
            thumbnail_url: status == "uploaded" ? "\(delivery)/public" : nil,
            is_expired: true, is_uploaded: status == "uploaded"
        )
    }

    static func iso(_ second: Int) -> String {
        var time = time_t(second)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
