import Testing
@testable import SyslabCore

@Suite struct ManualClockTests {
    // Regression (issue 9, defect 9): two advances by 1e308 made the clock
    // infinite, and status showed "now": null.
    @Test func theClockStaysFiniteAndWithinItsRange() throws {
        let clock = ManualClock(start: 1_700_000_000)
        #expect(throws: SyslabError.self) { try clock.advance(by: 1e308) }
        #expect(throws: SyslabError.self) { try clock.advance(by: 1e308) }
        #expect(clock.now() == 1_700_000_000, "a refused advance leaves the clock where it was")
        #expect(throws: SyslabError.outOfRange("seconds must be finite and >= 0, got inf")) { try clock.advance(by: .infinity) }
        #expect(throws: SyslabError.self) { try clock.advance(by: -1) }
        try clock.advance(by: ManualClock.latest - 1_700_000_000)
        #expect(clock.now() == ManualClock.latest)
        do {
            try clock.advance(by: 1)
            Issue.record("advanced past the latest time")
        } catch let error as SyslabError {
            #expect(error.message == "advancing the manual clock by 1.0 s would carry it past 9999-12-31T23:59:59Z (253402300799 Unix seconds); it stays at 253402300799")
        }
    }
}
