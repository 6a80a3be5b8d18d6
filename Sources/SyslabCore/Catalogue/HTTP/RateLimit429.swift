/// A token-bucket rate limiter answering 429 Too Many Requests.
enum RateLimit429 {
    static let scenario = Scenario(
        name: "429-rate-limit", category: "http",
        summary: "A token bucket refilled at rate_per_second and holding up to `burst` tokens; a request without a token gets 429 with the Retry-After until the next token.",
        notes: LearningNotes(
            whatHappens: "Short bursts pass thanks to the bucket; sustained traffic above the rate is cut to exactly the rate, and the excess gets 429.",
            howToObserve: "rate_limit_remaining (tokens left) drains to zero during a burst; rate_limit_rejections_total grows at the excess rate; Retry-After tells clients when to come back.",
            howToMitigate: "Clients honour Retry-After and back off with jitter; spread batch jobs; ask for a higher quota; servers limit per client so one tenant cannot starve others."),
        parameters: [
            .number("rate_per_second", default: 10, min: 0.001, max: 1_000_000, unit: "requests/s", help: "Sustained admitted rate (token refill rate)."),
            .integer("burst", default: 20, min: 1, max: 1_000_000, help: "Bucket size: requests admitted back to back after a quiet period."),
        ],
        metrics: [DomainMetrics.rateLimitRejections, DomainMetrics.rateLimitRemaining],
        effectKinds: [.throttle]
    ) { invocation, emit in
        let p = invocation.parameters
        let now = invocation.now
        let rate = p.double("rate_per_second"), burst = Double(p.int("burst"))
        let (retryAfter, tokens) = invocation.state.transaction { values in
            TokenBucket.take(&values, now: now, rate: rate, burst: burst)
        }
        try invocation.metrics.set(DomainMetrics.rateLimitRemaining.name, tokens.rounded(.down))
        if let retryAfter {
            try invocation.metrics.increment(DomainMetrics.rateLimitRejections.name)
            emit(.throttle(status: 429, retryAfter: retryAfter))
        }
    }
}
