/// A fixed-window API quota.
enum RateLimit {
    static let scenario = Scenario(
        name: "rate-limit", category: "network",
        summary: "Admits `limit` requests per fixed window of window_seconds (windows start at enable); the rest get status_code with Retry-After until the window resets.",
        notes: LearningNotes(
            whatHappens: "Clients within budget are unaffected; once the window's quota is used up every request is rejected until the window resets, so bursty clients see all-or-nothing behaviour at window edges.",
            howToObserve: "rate_limit_remaining counts down to 0 within each window; rate_limit_rejections_total equals requests beyond the limit; Retry-After points at the window end.",
            howToMitigate: "Clients pace requests and honour Retry-After; servers use sliding windows or token buckets to avoid edge bursts, and per-client quotas with clear headers (X-RateLimit-Remaining)."),
        parameters: [
            .integer("limit", default: 100, min: 1, max: 1_000_000_000, help: "Requests admitted per window."),
            .number("window_seconds", default: 60, min: 0.001, max: 86_400, unit: "s", help: "Window length."),
            .integer("status_code", default: 429, min: 400, max: 599, help: "Status for rejected requests."),
        ],
        metrics: [DomainMetrics.rateLimitRejections, DomainMetrics.rateLimitRemaining],
        effectKinds: [.throttle]
    ) { invocation, emit in
        let p = invocation.parameters
        let window = p.double("window_seconds"), limit = Double(p.int("limit"))
        let elapsed = max(0, invocation.elapsed)
        let index = (elapsed / window).rounded(.down)
        let used = invocation.state.transaction { values -> Double in
            if values["window", default: -1] != index {
                values["window"] = index
                values["used"] = 0
            }
            let used = values["used"]
            if used < limit { values["used"] = used + 1 }
            return used
        }
        try invocation.metrics.set(DomainMetrics.rateLimitRemaining.name, max(0, limit - used - 1))
        guard used >= limit else { return }
        try invocation.metrics.increment(DomainMetrics.rateLimitRejections.name)
        emit(.throttle(status: p.int("status_code"), retryAfter: (index + 1) * window - elapsed))
    }
}
