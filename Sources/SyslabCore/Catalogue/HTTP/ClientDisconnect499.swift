/// Clients give up and close the connection before the response is ready.
enum ClientDisconnect499 {
    static let disconnects = MetricSpec.counter(
        "http_client_disconnects_total", "Requests whose client closed the connection first (logged as 499).", labels: ["scenario"])
    static let abandonedWork = MetricSpec.counter(
        "http_abandoned_work_seconds_total", "Server time spent on requests nobody waited for.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "499-client-disconnect", category: "http",
        summary: "A fraction `probability` of clients disconnect after client_timeout_ms; the server drops the request and logs 499.",
        notes: LearningNotes(
            whatHappens: "Impatient clients (mobile apps, proxies with short timeouts) close the connection; the server may keep working on a response no one will read.",
            howToObserve: "http_client_disconnects_total and 499 in access logs; http_abandoned_work_seconds_total is the wasted server time.",
            howToMitigate: "Cancel work when the client goes away (request cancellation, context deadlines), make slow endpoints faster or asynchronous, align proxy and client timeouts."),
        parameters: [
            .number("probability", default: 0.05, min: 0, max: 1, help: "Chance that the client disconnects, drawn per request."),
            .integer("client_timeout_ms", default: 2_000, min: 0, max: 600_000, unit: "ms", help: "When the client gives up."),
        ],
        metrics: [disconnects, abandonedWork],
        effectKinds: [.drop]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("probability") else { return }
        let after = Double(p.int("client_timeout_ms")) / 1000
        try invocation.metrics.increment(disconnects.name)
        try invocation.metrics.increment(abandonedWork.name, by: after)
        emit(.drop(after: after, status: 499))
    }
}
