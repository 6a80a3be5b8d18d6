/// Random server errors with a realistic mix of 500, 502, 503 and 504.
enum Intermittent5xx {
    static let scenario = Scenario(
        name: "intermittent-5xx", category: "http",
        summary: "Fails a fraction `probability` of requests with 500, 502, 503 or 504, mixed by the given weights.",
        notes: LearningNotes(
            whatHappens: "Errors come and go with no pattern a user can see; different statuses point at different layers (application, gateway, overload, upstream timeout).",
            howToObserve: "http_injected_errors_total split by status shows the mix; the error ratio against all requests equals probability.",
            howToMitigate: "Retry only retryable statuses (502/503/504, idempotent requests) with backoff and jitter; honour Retry-After; alert on the error ratio, not on single errors."),
        parameters: [
            .number("probability", default: 0.05, min: 0, max: 1, help: "Chance that a request fails, drawn per request."),
            .integer("weight_500", default: 4, min: 0, max: 100, help: "Relative weight of 500 Internal Server Error."),
            .integer("weight_502", default: 2, min: 0, max: 100, help: "Relative weight of 502 Bad Gateway."),
            .integer("weight_503", default: 3, min: 0, max: 100, help: "Relative weight of 503 Service Unavailable."),
            .integer("weight_504", default: 1, min: 0, max: 100, help: "Relative weight of 504 Gateway Timeout."),
        ],
        metrics: [DomainMetrics.injectedErrors],
        effectKinds: [.error]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("probability") else { return }
        let weights = (p.double("weight_500"), p.double("weight_502"), p.double("weight_503"), p.double("weight_504"))
        let total = weights.0 + weights.1 + weights.2 + weights.3
        // All weights zero: every failure is a plain 500.
        var pick = invocation.random.nextUnit() * total
        var status = 500
        if total > 0 {
            if pick < weights.0 { status = 500 } else {
                pick -= weights.0
                if pick < weights.1 { status = 502 } else {
                    pick -= weights.1
                    status = pick < weights.2 ? 503 : 504
                }
            }
        }
        try invocation.metrics.increment(DomainMetrics.injectedErrors.name, LabelValues(String(status)))
        emit(.error(status: status))
    }
}
