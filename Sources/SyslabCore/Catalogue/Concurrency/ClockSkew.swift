/// The host's clock is off (and may drift further).
enum ClockSkew {
    static let skew = MetricSpec.gauge(
        "clock_skew_seconds", "Current offset of the skewed clock from true time.", labels: ["scenario"])
    static let violations = MetricSpec.counter(
        "clock_skew_violations_total", "Requests whose clock offset exceeded tolerance_ms.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "clock-skew", category: "concurrency",
        summary: "Shifts the clock by offset_ms plus drift_ppm parts per million of the time since enabling, with uniform jitter of +-jitter_ms; beyond tolerance_ms timestamped tokens may be rejected (401).",
        notes: LearningNotes(
            whatHappens: "Timestamps from different hosts stop agreeing: token expiry and 'not before' checks fail, last-write-wins picks the wrong write, TTLs expire early or late, logs interleave wrongly.",
            howToObserve: "clock_skew_seconds per host; clock_skew_violations_total; JWT 'token not yet valid' errors, TLS failures, out-of-order traces.",
            howToMitigate: "Run NTP/chrony and alert on offset, allow leeway in token checks, never order events across hosts by wall clock (use logical clocks, versions or a single sequencer)."),
        parameters: [
            .number("offset_ms", default: 5_000, min: -86_400_000, max: 86_400_000, unit: "ms", help: "Fixed offset (negative = behind)."),
            .number("drift_ppm", default: 0, min: -100_000, max: 100_000, unit: "ppm", help: "Extra drift per second of elapsed time, in parts per million."),
            .number("jitter_ms", default: 0, min: 0, max: 60_000, unit: "ms", help: "Uniform noise added per request, +- this much."),
            .integer("tolerance_ms", default: 1_000, min: 0, max: 86_400_000, unit: "ms", help: "Offset the system tolerates (e.g. token leeway)."),
            .boolean("reject_beyond_tolerance", default: false, help: "Fail requests beyond tolerance with 401, as token validation would."),
        ],
        metrics: [skew, violations],
        effectKinds: [.clockOffset, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let drift = p.double("drift_ppm") * 1e-6 * max(0, invocation.elapsed)
        let jitter = p.double("jitter_ms") * (2 * invocation.random.nextUnit() - 1)
        let offset = (p.double("offset_ms") + jitter) / 1000 + drift
        try invocation.metrics.set(skew.name, offset)
        emit(.clockOffset(seconds: offset))
        if abs(offset) * 1000 > Double(p.int("tolerance_ms")) {
            try invocation.metrics.increment(violations.name)
            if p.bool("reject_beyond_tolerance") { emit(.error(status: 401)) }
        }
    }
}
