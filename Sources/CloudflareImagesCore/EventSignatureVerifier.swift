import Base16

/// Checks a cfimages event delivery: `Cfimages-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." +
/// body)>[,v1=…]` (two `v1` during a secret rotation; any one matching the secret suffices), with `t` within
/// ``tolerance`` seconds of now so that a captured delivery cannot be replayed later.
///
/// Deliveries are at least once: deduplicate on the body's `id` (and ignore an event older than the newest one seen
/// for the same image if order matters to you; `t` and `created_at` tell which is newer).
///
/// ```swift
/// let verifier = EventSignatureVerifier(secret: endpointSecret)
/// try verifier.verify(body: bodyBytes, header: request.headers["Cfimages-Signature"], now: Date().timeIntervalSince1970)
/// ```
///
/// Pure Swift, constant-time comparisons; the secret is never printed.
public struct EventSignatureVerifier: Sendable, CustomStringConvertible {
    /// The header the signature comes in.
    public static let header = "Cfimages-Signature"
    /// Five minutes.
    public static let defaultTolerance: Double = 300

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missingHeader
        /// The header is not `t=<digits>,v1=<hex>…`.
        case malformedHeader
        /// `t` is further than the tolerance from now (seconds of difference).
        case staleTimestamp(Int64)
        /// No `v1` matches the secret.
        case signatureMismatch

        public var description: String {
            switch self {
            case .missingHeader: "no \(EventSignatureVerifier.header) header"
            case .malformedHeader: "malformed \(EventSignatureVerifier.header) header"
            case .staleTimestamp(let skew): "signature timestamp is \(skew) s from now"
            case .signatureMismatch: "signature does not match"
            }
        }
    }

    private let secret: [UInt8]
    public let tolerance: Double

    public init(secret: String, tolerance: Double = EventSignatureVerifier.defaultTolerance) {
        self.secret = Array(secret.utf8)
        self.tolerance = tolerance
    }

    public var description: String { "EventSignatureVerifier(secret: <redacted>, tolerance: \(tolerance))" }

    /// The signed timestamp `t` of an authentic, fresh delivery (keep it with the id to spot replays).
    @discardableResult
    public func verify(body: [UInt8], header: String?, now: Double) throws(Failure) -> Int64 {
        guard let header, !header.isEmpty else { throw .missingHeader }
        var timestamp: (value: Int64, text: String)?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw .malformedHeader }
            let key = pair[0].trimmedOfSpaces
            let value = pair[1].trimmedOfSpaces
            switch key {
            case "t":
                guard value.utf8.count <= 18, !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                    let t = Int64(value)
                else { throw .malformedHeader }
                timestamp = (t, value)
            case "v1":
                guard let bytes = Hex.decode(value), bytes.count == 32 else { throw .malformedHeader }
                signatures.append(bytes)
            default:
                continue  // later schemes
            }
        }
        guard let timestamp, !signatures.isEmpty else { throw .malformedHeader }
        guard now.isFinite, abs(Double(timestamp.value) - now) <= tolerance else {
            let skew = now.isFinite && abs(now) < 9e15 ? Int64(Double(timestamp.value) - now) : Int64.max
            throw .staleTimestamp(skew)
        }
        // Signed as written, like the README's verifiers.
        let expected = HMAC.sha256(key: secret, message: Array("\(timestamp.text).".utf8) + body)
        var matched = false
        for signature in signatures where ConstantTime.equals(signature, expected) { matched = true }
        guard matched else { throw .signatureMismatch }
        return timestamp.value
    }
}

extension Substring {
    fileprivate var trimmedOfSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
