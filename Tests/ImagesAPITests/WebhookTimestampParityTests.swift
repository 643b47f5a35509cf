import Foundation
import Testing

@testable import CloudflareImagesCore
@testable import ImagesAPI

/// The webhook verifier moved to CloudflareImagesCore with its own copy of Django's `parse_datetime` (the library
/// has no Foundation); it must read every timestamp header as ImagesAPI's `Timestamp.parse` does.
struct WebhookTimestampParityTests {
    @Test func libraryReadsTimestampsAsTimestampParse() {
        let pieces = [
            "2024", "1999", "0001", "-", "05", "5", "02", "29", "30", "31", "13", "00", "T", " ", "t", ":",
            "12", "23", "24", "59", "60", "7", ".", ",", "5", "123456", "1234567", "123456789012", "1234567890123",
            "Z", "z", "+", "-", "02:00", "0530", "05", "+02", "x", "",
        ]
        var generator = SystemRandomNumberGenerator()
        var cases = [
            "2024-05-01", "2024-05-01 10:00", "2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.5Z",
            "2024-02-29T23:59:59.999999-05:30", "2023-02-29", "2024-05-01T10:00:00,25 +0100",
        ]
        for _ in 0..<20_000 {
            var text = "2024-05-01"
            if Bool.random(using: &generator) { text = ["2024", "-", "05", "-", "01"].joined() }
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                text += pieces.randomElement(using: &generator) ?? ""
            }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                text = String(text.prefix(Int.random(in: 0...text.count, using: &generator)))
            }
            cases.append(text)
        }
        var parsed = 0
        for text in cases {
            let expected = Timestamp.parse(text)?.timeIntervalSince1970
            let actual = ISO8601DateTime.unixSeconds(text)
            #expect((expected == nil) == (actual == nil), "\(text)")
            if let expected, let actual {
                #expect(abs(expected - actual) < 1e-6, "\(text)")
                parsed += 1
            }
        }
        #expect(parsed > 1_000)
    }
}
