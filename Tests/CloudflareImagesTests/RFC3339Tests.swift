import CloudflareImages
import Foundation
import Testing

/// The one RFC 3339 codec the client and the emulator share.
@Suite struct RFC3339Tests {
    @Test func parsesWhatCloudflareAndClientsWrite() {
        #expect(RFC3339.parseMilliseconds("2024-05-01T12:00:00Z") == 1_714_564_800_000)
        #expect(RFC3339.parseMilliseconds("2024-05-01T12:00:00.123456+00:00") == 1_714_564_800_123)
        #expect(RFC3339.parseMilliseconds("2024-05-01T14:00:00.5+02:00") == 1_714_564_800_500)
        #expect(RFC3339.parseMilliseconds("2024-05-01 12:00:00Z") == 1_714_564_800_000)
        #expect(RFC3339.parseMilliseconds("2024-05-01t12:00:00.999z") == 1_714_564_800_999)
        // Cloudflare's own `uploaded` values carry nanoseconds.
        let uploaded = RFC3339.parse("2023-08-09T15:33:56.273411222Z")
        #expect(uploaded.map { abs($0.timeIntervalSince1970 - 1_691_595_236.273411222) < 1e-6 } == true)
    }

    @Test(arguments: [
        "2024-05-01T12:00:00", "tomorrow", "2024-13-01T12:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:00:00.Z",
        "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00Zjunk", "", "2024-5-1T12:00:00Z",
    ])
    func refusesMalformedText(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
        #expect(RFC3339.parseMilliseconds(text) == nil)
    }

    @Test func formatsWholeSecondsAndMilliseconds() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_714_564_800.999)) == "2024-05-01T12:00:00Z")
        #expect(RFC3339.format(milliseconds: 1_714_564_800_123) == "2024-05-01T12:00:00.123Z")
        #expect(RFC3339.format(milliseconds: 1_714_564_800_005) == "2024-05-01T12:00:00.005Z")
        #expect(RFC3339.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(RFC3339.parse(RFC3339.format(now)) == now)
    }
}
