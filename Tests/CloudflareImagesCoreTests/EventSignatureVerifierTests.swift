import Base16
import Crypto
import Testing

@testable import CloudflareImagesCore

/// The event verifier on hostile headers: every `t` and clock value ends in a thrown failure, never a trap, and the
/// signature is checked against an independent HMAC of `t + "." + body`.
struct EventSignatureVerifierTests {
    let secret = "whsec_boundary"
    let body = Array(#"{"id":"evt_1","type":"image.uploaded"}"#.utf8)
    let now = 1_714_557_600.0

    private func sign(_ t: String, body: [UInt8]? = nil) -> String {
        Base16.Hex.encode(Crypto.HMAC.sha256(key: secret, message: Array((t + ".").utf8) + (body ?? self.body)))
    }

    private func outcome(_ header: String?, now: Double? = nil) -> Result<Int64, EventSignatureVerifier.Failure> {
        Result { () throws(EventSignatureVerifier.Failure) -> Int64 in
            try EventSignatureVerifier(secret: secret).verify(body: body, header: header, now: now ?? self.now)
        }
    }

    @Test func aFreshSignatureIsAcceptedAndItsTimestampReturned() {
        let t = "1714557600"
        #expect(outcome("t=\(t),v1=\(sign(t))") == .success(1_714_557_600))
        #expect(outcome(" t = \(t) , v1 = \(sign(t).uppercased()) ") == .success(1_714_557_600))
        // Rotation: either of two v1 may match; unknown schemes are ignored.
        #expect(
            outcome("t=\(t),v1=\(String(repeating: "00", count: 32)),v1=\(sign(t)),v2=zz") == .success(1_714_557_600))
        // The tolerance is inclusive on both sides.
        for edge in [1_714_557_300, 1_714_557_900] {
            #expect(outcome("t=\(edge),v1=\(sign(String(edge)))") == .success(Int64(edge)))
        }
        #expect(outcome("t=1714557299,v1=\(sign("1714557299"))") == .failure(.staleTimestamp(-301)))
        #expect(outcome("t=1714557901,v1=\(sign("1714557901"))") == .failure(.staleTimestamp(301)))
    }

    @Test func malformedTimestampsAreRefusedWithoutATrap() {
        let mac = sign("1714557600")
        let bad = [
            "", "-1", "+5", " ", "1e9", "0x10", "1714557600.0", "١٧١٤٥٥٧٦٠٠", "9223372036854775807",
            "9223372036854775808", "99999999999999999999999999", "1234567890123456789",
            String(repeating: "9", count: 10_000),
        ]
        for t in bad {
            #expect(outcome("t=\(t),v1=\(mac)") == .failure(.malformedHeader), "t=\(t)")
        }
        // The longest accepted t (18 digits) is far from now: stale, with its skew, not a trap.
        let longest = String(repeating: "9", count: 18)
        #expect(outcome("t=\(longest),v1=\(sign(longest))") == .failure(.staleTimestamp(999_999_998_285_442_432)))
        #expect(outcome("t=0,v1=\(sign("0"))") == .failure(.staleTimestamp(-1_714_557_600)))
    }

    @Test func headersWithoutTheirPartsAreMalformed() {
        let t = "1714557600"
        #expect(outcome(nil) == .failure(.missingHeader))
        #expect(outcome("") == .failure(.missingHeader))
        for header in [
            "t=\(t)", "v1=\(sign(t))", "t", ",", "t=\(t),v1", "t=\(t),v1=", "t=\(t),v1=\(sign(t).dropLast())",
            "t=\(t),v1=\(sign(t))00", "t=\(t),v1=\(String(repeating: "g", count: 64))", "=,=",
        ] {
            #expect(outcome(header) == .failure(.malformedHeader), "\(header)")
        }
    }

    @Test func anyClockValueEndsInAnAnswer() {
        let t = "1714557600"
        let header = "t=\(t),v1=\(sign(t))"
        for clock in [
            Double.infinity, -Double.infinity, Double.nan, Double.greatestFiniteMagnitude,
            -Double.greatestFiniteMagnitude, 9e15, -9e15, 1e300,
        ] {
            guard case .failure(.staleTimestamp) = outcome(header, now: clock) else {
                Issue.record("now=\(clock): \(outcome(header, now: clock))")
                continue
            }
        }
    }

    @Test func theSignatureCoversTheTimestampAndEveryByteOfTheBody() {
        let t = "1714557600"
        #expect(outcome("t=\(t),v1=\(sign("1714557601"))") == .failure(.signatureMismatch))
        #expect(outcome("t=\(t),v1=\(sign(t, body: body + [0x0A]))") == .failure(.signatureMismatch))
        // t is signed as written (like the README's verifiers): leading zeros are part of the signed text.
        #expect(outcome("t=01714557600,v1=\(sign("01714557600"))") == .success(1_714_557_600))
        #expect(outcome("t=01714557600,v1=\(sign(t))") == .failure(.signatureMismatch))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var flipped = body
            let index = Int.random(in: 0..<flipped.count, using: &generator)
            flipped[index] ^= UInt8.random(in: 1...255, using: &generator)
            #expect(outcome("t=\(t),v1=\(sign(t, body: flipped))") == .failure(.signatureMismatch))
        }
        #expect(!EventSignatureVerifier(secret: secret).description.contains(secret))
    }
}
