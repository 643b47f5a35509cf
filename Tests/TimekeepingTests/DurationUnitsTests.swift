import Testing
import Timekeeping

/// The conversions saturate and never trap, whatever the duration.
@Suite struct DurationUnitsTests {
    @Test func wholeNanosecondsTruncateAndSaturate() {
        #expect(Duration.zero.wholeNanoseconds == 0)
        #expect(Duration.nanoseconds(1).wholeNanoseconds == 1)
        #expect(Duration.milliseconds(1500).wholeNanoseconds == 1_500_000_000)
        #expect(Duration.seconds(-1).wholeNanoseconds == 0)
        #expect(Duration.nanoseconds(-1).wholeNanoseconds == 0)
        #expect(Duration.seconds(Int64.max).wholeNanoseconds == UInt64.max / 2)
        #expect(Duration.seconds(Int64.min).wholeNanoseconds == 0)
    }

    @Test func wholeMillisecondsRoundEitherWay() {
        #expect(Duration.microseconds(1).wholeMilliseconds() == 0)
        #expect(Duration.microseconds(1).wholeMilliseconds(roundingUp: true) == 1)
        #expect(Duration.milliseconds(2).wholeMilliseconds(roundingUp: true) == 2)
        #expect(Duration.seconds(3).wholeMilliseconds() == 3000)
        #expect(Duration.nanoseconds(-5).wholeMilliseconds(roundingUp: true) == 0)
        #expect(Duration.seconds(-3).wholeMilliseconds() == 0)
        #expect(Duration.seconds(Int64.max).wholeMilliseconds(roundingUp: true) == Int64.max)
    }

    @Test func wholeSecondsRoundUp() {
        #expect(Duration.zero.wholeSecondsRoundedUp == 0)
        #expect(Duration.milliseconds(1).wholeSecondsRoundedUp == 1)
        #expect(Duration.seconds(2).wholeSecondsRoundedUp == 2)
        #expect(Duration.milliseconds(2001).wholeSecondsRoundedUp == 3)
        #expect(Duration.seconds(-2).wholeSecondsRoundedUp == 0)
        #expect(Duration.seconds(Int64.max).wholeSecondsRoundedUp == Int64.max)
        #expect((Duration.seconds(Int64.max) + .nanoseconds(1)).wholeSecondsRoundedUp == Int64.max)
    }

    @Test func secondsValue() {
        #expect(Duration.milliseconds(250).secondsValue == 0.25)
        #expect(Duration.seconds(-2).secondsValue == -2)
    }

    @Test func theClockNeverGoesBackwards() {
        var last = MonotonicClock.nanoseconds()
        for _ in 0..<1000 {
            let now = MonotonicClock.nanoseconds()
            #expect(now >= last)
            last = now
        }
    }
}
