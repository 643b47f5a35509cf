import Foundation
import Testing

@testable import ImagesAPI

/// The delivery worker's retry schedule: exponential backoff with jitter under a cap, and a receiver's `Retry-After`
/// (a value from outside, so driven with boundaries and generated text).
@Suite struct EventRetryScheduleTests {
    static func seconds(_ duration: Duration) -> Double { EventDeliveryWorker.seconds(duration) }

    /// With the defaults (5 s doubling to an hour) try n waits between half and all of min(5 s * 2^(n-1), 3,600 s),
    /// and the factor varies; attempt counts far out of range (0, negative, Int.max) neither trap nor leave the cap.
    @Test(arguments: [Int.min, -1, 0, 1, 2, 3, 5, 10, 11, 12, 30, 31, 64, Int.max])
    func theBackoffDoublesUpToTheCapWithJitter(_ attempts: Int) {
        let policy = EventDeliveryWorker.Policy()
        let ceiling = attempts <= 1 ? 5 : min(5 * pow(2, Double(min(attempts, 31) - 1)), 3_600)
        var seen = Set<Int64>()
        for _ in 0..<200 {
            let delay = Self.seconds(policy.retryDelay(afterAttempts: attempts))
            #expect(delay >= ceiling / 2 - 0.001 && delay <= ceiling + 0.001, "attempt \(attempts): \(delay) s")
            seen.insert(Int64(delay * 1_000))
        }
        #expect(seen.count > 50, "jitter spreads the retries")
    }

    /// The tries of one delivery within the 24-hour window: eleven while the delay doubles, then one every 30 to 60
    /// minutes (33 with every factor 1, 57 with every factor 0.5).
    @Test func theDefaultScheduleTriesForADay() {
        let policy = EventDeliveryWorker.Policy()
        var elapsed = 0.0
        var tries = 1
        while true {
            let next = elapsed + Self.seconds(policy.retryDelay(afterAttempts: tries))
            if next > Self.seconds(policy.retryWindow) { break }
            elapsed = next
            tries += 1
        }
        #expect((33...57).contains(tries), "\(tries) tries in a day")
    }

    @Test(
        arguments: [
            ("0", 0.0), ("7", 7), (" 120 ", 120), ("86400", 86_400), ("86401", 86_400), ("999999999", 86_400),
        ] as [(String, Double)])
    func retryAfterInSecondsIsCappedAtADay(_ value: String, _ expected: Double) throws {
        let delay = try #require(EventDeliveryWorker.retryAfter(value, now: Date()))
        #expect(Self.seconds(delay) == expected)
    }

    @Test func retryAfterAsAnHTTPDate() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        func delay(_ offset: TimeInterval) throws -> Double {
            let text = formatter.string(from: now.addingTimeInterval(offset))
            return Self.seconds(try #require(EventDeliveryWorker.retryAfter(text, now: now), "\(text)"))
        }
        #expect(try delay(90) == 90)
        #expect(try delay(-3_600) == 0)
        #expect(try delay(10 * 86_400) == 86_400)
    }

    /// Anything else is no `Retry-After` at all (the backoff alone decides): negative, fractional, ten digits and
    /// more, empty, garbage, and random printable text.
    @Test func otherValuesAreIgnoredAndNothingTraps() {
        for value in [
            "", " ", "-1", "1.5", "1e3", "+5", "0x10", "1234567890", "99999999999999999999999", "soon",
            "Mon, 99 Foo 2026 25:61:61 GMT", "\u{0}", String(repeating: "9", count: 10_000),
        ] {
            #expect(EventDeliveryWorker.retryAfter(value, now: Date()) == nil, "\(value.prefix(40))")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...40, using: &generator)
            let text = String(
                (0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7e, using: &generator))) })
            if let delay = EventDeliveryWorker.retryAfter(text, now: Date()) {
                #expect(delay >= .zero && delay <= .seconds(86_400), "\(text)")
            }
        }
    }
}
