import SyslabCore

/// Exponential backoff with seeded jitter: attempt n (from 1) waits
/// base x 2^(n-1), at most `cap`, scaled by a factor drawn in [0.5, 1).
struct RetryPolicy {
    let maxAttempts: Int
    let base: Double
    let cap = 1.0

    func delay(afterAttempt attempt: Int, random: inout SeededGenerator) -> Double {
        let exponential = min(cap, base * Double(1 << min(attempt - 1, 20)))
        return exponential * (0.5 + 0.5 * random.nextUnit())
    }
}
