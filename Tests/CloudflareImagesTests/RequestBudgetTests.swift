import CloudflareImages
import TestSupport
import Testing

@Suite struct RequestBudgetTests {
    @Test func admitsUpToTheLimitThenBooksTheNextFreeSlot() {
        let clock = ManualClock()
        let budget = RequestBudget(limit: 3, window: .seconds(10), now: { clock.now })
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        clock.advance(.seconds(1))
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        // The first slot (t=0) leaves the window at t=10; now is t=1.
        #expect(budget.reserve(maxWait: .seconds(60)) == .wait(.seconds(9)))
        // The next free slot is t=11 (second slot + window): 10 s away.
        #expect(budget.reserve(maxWait: .seconds(60)) == .wait(.seconds(10)))
        #expect(budget.bookedCount == 5)
    }

    @Test func refusesWithoutBookingWhenTheWaitIsTooLong() {
        let clock = ManualClock()
        let budget = RequestBudget(limit: 1, window: .seconds(10), now: { clock.now })
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .seconds(5)) == .refuse(retryAfter: .seconds(10)))
        #expect(budget.reserve(maxWait: .seconds(5)) == .refuse(retryAfter: .seconds(10)))
        #expect(budget.bookedCount == 1)
        clock.advance(.seconds(6))
        #expect(budget.reserve(maxWait: .seconds(5)) == .wait(.seconds(4)))
    }

    @Test func admitBooksAllOrNothingWithoutWaiting() {
        let clock = ManualClock()
        let budget = RequestBudget(limit: 5, window: .seconds(10), now: { clock.now })
        #expect(budget.admit(3) == nil)
        clock.advance(.seconds(2))
        #expect(budget.admit(1) == nil)
        // 4 booked; 3 more need the two oldest (t=0) gone: at t=10, 8 s from now. Nothing is booked.
        #expect(budget.admit(3) == .seconds(8))
        #expect(budget.bookedCount == 4)
        #expect(budget.admit(1) == nil)
        #expect(budget.admit(1) == .seconds(8))
        #expect(budget.admit(6) == .seconds(10), "more than the limit never fits")
        #expect(budget.admit(0) == nil)
        clock.advance(.seconds(8))
        #expect(budget.admit(3) == nil)
        budget.pause(for: .seconds(30))
        #expect(budget.admit(1) == .seconds(30))
    }

    @Test func windowSlides() {
        let clock = ManualClock()
        let budget = RequestBudget(limit: 2, window: .seconds(5), now: { clock.now })
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .zero) == .refuse(retryAfter: .seconds(5)))
        clock.advance(.seconds(5))
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.bookedCount == 2)
    }

    @Test func pauseHoldsEverySlotAndNeverShrinks() {
        let clock = ManualClock()
        let budget = RequestBudget(limit: 100, window: .seconds(60), now: { clock.now })
        budget.pause(for: .seconds(30))
        budget.pause(for: .seconds(10))
        #expect(budget.reserve(maxWait: .seconds(5)) == .refuse(retryAfter: .seconds(30)))
        #expect(budget.reserve(maxWait: .seconds(60)) == .wait(.seconds(30)))
        clock.advance(.seconds(31))
        #expect(budget.reserve(maxWait: .zero) == .proceed)
    }

    @Test func concurrentReservationsNeverExceedTheLimit() async {
        let clock = ManualClock()
        let budget = RequestBudget(limit: 50, window: .seconds(60), now: { clock.now })
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { budget.reserve(maxWait: .zero) == .proceed } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 50)
    }
}

@Suite struct RequestBudgetBurstTests {
    @Test func theBurstCapBooksTheNextSecond() {
        let clock = ManualClock()
        let budget = RequestBudget(
            limit: 100, window: .seconds(300), burst: .init(count: 2, window: .seconds(1)), now: { clock.now })
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.reserve(maxWait: .zero) == .refuse(retryAfter: .seconds(1)))
        #expect(budget.reserve(maxWait: .seconds(5)) == .wait(.seconds(1)))
        #expect(budget.reserve(maxWait: .seconds(5)) == .wait(.seconds(1)))
        #expect(budget.reserve(maxWait: .seconds(5)) == .wait(.seconds(2)))
        clock.advance(.seconds(3))
        #expect(budget.reserve(maxWait: .zero) == .proceed)
        #expect(budget.bookedCount == 6)
    }

    @Test func admitHonoursBothWindows() {
        let clock = ManualClock()
        let budget = RequestBudget(
            limit: 5, window: .seconds(60), burst: .init(count: 3, window: .seconds(1)), now: { clock.now })
        #expect(budget.admit(3) == nil)
        #expect(budget.admit(1) == .seconds(1))
        #expect(budget.admit(4) == .seconds(60))
        clock.advance(.milliseconds(1500))
        #expect(budget.admit(2) == nil)
        // Five in the minute: the long window refuses until the first three leave it.
        #expect(budget.admit(1) == .milliseconds(58_500))
    }

    @Test func generatedUseNeverExceedsEitherWindow() {
        let clock = ManualClock()
        let budget = RequestBudget(
            limit: 50, window: .seconds(10), burst: .init(count: 7, window: .seconds(1)), now: { clock.now })
        var booked: [ContinuousClock.Instant] = []
        for _ in 0..<2_000 {
            clock.advance(.milliseconds(Int.random(in: 0...120)))
            switch budget.reserve(maxWait: .seconds(Int.random(in: 0...3))) {
            case .proceed: booked.append(clock.now)
            case .wait(let delay): booked.append(clock.now + delay)
            case .refuse: break
            }
        }
        booked.sort()
        for (index, slot) in booked.enumerated() {
            #expect(booked[index...].prefix { $0 < slot + .seconds(1) }.count <= 7)
            #expect(booked[index...].prefix { $0 < slot + .seconds(10) }.count <= 50)
        }
    }
}
