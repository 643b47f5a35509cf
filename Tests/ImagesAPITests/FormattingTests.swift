import Configuration
import Foundation
import JSON
import Testing

@testable import ImagesAPI

@Suite struct FormattingTests {
    @Test func timestampsAreDRFStyle() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_714_557_600)) == "2024-05-01T10:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_261_297.749418)) == "2026-11-21T11:41:37.749418Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.parse("2024-05-01") == Date(timeIntervalSince1970: 1_714_521_600))
        #expect(Timestamp.parse("2024-05-01 10:00") == Date(timeIntervalSince1970: 1_714_557_600))
        #expect(Timestamp.parse("2024-05-01T12:00:00+02:00") == Date(timeIntervalSince1970: 1_714_557_600))
        #expect(Timestamp.parse("2024-05-01T10:00:00.5Z")?.timeIntervalSince1970 == 1_714_557_600.5)
        for bad in ["2024-13-01", "2024-02-30", "yesterday", "2024-05-01T25:00", "2024-05-01T10:00Zjunk"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    /// The digit writer against Foundation's calendar, years 1583-9999 (before, Foundation's Gregorian calendar turns
    /// Julian; Python's and ours stay proleptic), with fractions of every width.
    @Test func timestampsMatchFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        let first = Int64(-12_212_553_600)  // 1583-01-01
        let last = Int64(253_402_300_799)  // 9999-12-31T23:59:59
        for index in 0..<3_000 {
            let second = index == 0 ? first : index == 1 ? last : Int64.random(in: first...last, using: &generator)
            // A `Date` (a Double from 2001) keeps whole microseconds exactly only within decades of now; beyond, whole
            // seconds.
            let micro =
                abs(second) > 1_000_000_000
                ? 0 : [0, 1, 10, 120_000, 999_999, Int64.random(in: 0..<1_000_000, using: &generator)][index % 6]
            let date = Date(timeIntervalSince1970: Double(second) + Double(micro) / 1_000_000)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            var expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!)
            if micro != 0 { expected += String(format: ".%06d", micro) }
            expected += "Z"
            #expect(Timestamp.format(date) == expected, "\(second).\(micro)")
        }
    }

    @Test func deliveryURLsAreRewrittenOntoTheCustomDomain() {
        var settings = Settings()
        let variants = ["https://imagedelivery.net/H/a/b/thumbnail", "https://imagedelivery.net/H/a/b/public?sig=1"]
        #expect(DeliveryLinks(settings: settings).publicURL(variants) == "https://imagedelivery.net/H/a/b/public?sig=1")
        settings.deliveryURL = "images.example.com"
        let custom = DeliveryLinks(settings: settings)
        #expect(custom.publicURL(variants) == "https://images.example.com/cdn-cgi/imagedelivery/H/a/b/public?sig=1")
        #expect(custom.thumbnailURL(variants) == "https://images.example.com/cdn-cgi/imagedelivery/H/a/b/thumbnail")
        settings.deliveryURL = "http://cdn.test:8080/ignored"
        settings.deliveryPathPrefix = ""
        settings.deliveryIncludeAccountHash = false
        #expect(DeliveryLinks(settings: settings).publicURL(variants) == "http://cdn.test:8080/a/b/public?sig=1")
        settings.deliveryURL = nil
        settings.thumbnailVariant = "w=300,fit=cover"
        #expect(
            DeliveryLinks(settings: settings).thumbnailURL(variants)
                == "https://imagedelivery.net/H/a/b/w=300,fit=cover?sig=1")
        settings.thumbnailVariant = "small"
        #expect(
            DeliveryLinks(settings: settings).thumbnailURL(variants) == "https://imagedelivery.net/H/a/b/public?sig=1")
        #expect(DeliveryLinks(settings: settings).publicURL([]) == nil)
    }

    @Test func drfFieldParsing() {
        var errors = FieldErrors()
        #expect(Fields.integer(.string("30.0"), "n", errors: &errors) == .some(30))
        #expect(Fields.integer(.bool(true), "n", errors: &errors) == nil)
        #expect(Fields.bool(.string("YES"), "b", errors: &errors) == true)
        #expect(Fields.string(.int(7), "s", maxLength: 5, errors: &errors) == "7")
        #expect(
            Fields.parseUUID("{4F9C3A2E1B7D4E2A9C1F0D2E3F4A5B6C}")
                == UUID(uuidString: "4f9c3a2e-1b7d-4e2a-9c1f-0d2e3f4a5b6c"))
        #expect(Fields.parseUUID("urn:uuid:4f9c3a2e-1b7d-4e2a-9c1f-0d2e3f4a5b6c") != nil)
        #expect(Fields.uuid(.int(1)) == UUID(uuidString: "00000000-0000-0000-0000-000000000001"))
        #expect(String(decoding: errors.bytes, as: UTF8.self) == #"{"n":["A valid integer is required."]}"#)
        #expect(Authenticator.parse("Token  abc") == .key("abc"))
        #expect(
            Authenticator.parse("Token abc\u{7}")
                == .failure("Invalid token header. Token string should not contain invalid characters."))
        #expect(
            Authenticator.parse("Token abcé")
                == .failure("Invalid token header. Token string should not contain invalid characters."))
        #expect(Authenticator.parse("\tbEaReR\tk-1 ") == .key("k-1"))
        #expect(Authenticator.parse("TOKEN x") == .key("x"))
        #expect(Authenticator.parse("Token") == .failure("Invalid token header. No credentials provided."))
        #expect(
            Authenticator.parse("Token a b")
                == .failure("Invalid token header. Token string should not contain spaces."))
        for other in ["", "  ", "Basic abc", "Tokens abc", "Toke abc", "Bearerx abc"] {
            #expect(Authenticator.parse(other) == .none)
        }
    }
}
