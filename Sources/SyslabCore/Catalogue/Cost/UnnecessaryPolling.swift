/// Clients polling for changes that rarely happen.
enum UnnecessaryPolling {
    static let polls = MetricSpec.counter(
        "polls_total", "Polls served, by whether they found a change.", labels: ["scenario", "result"])

    static let scenario = Scenario(
        name: "unnecessary-polling", category: "cost",
        summary: "Clients poll every poll_interval_seconds for data that changes every update_interval_seconds: for each change a push (webhook, SSE) would deliver once, polling makes update / poll requests, all but one empty. Each request carries the empty polls' queries (extra_queries of query_ms) and their billed compute.",
        notes: LearningNotes(
            whatHappens: "Polling trades simplicity for load: with a 5 s interval and data changing every 5 minutes, 59 of 60 requests return nothing, yet each one authenticates, queries and logs. Shorter intervals for freshness multiply the waste.",
            howToObserve: "polls_total{result=\"empty\"} against {result=\"changed\"}; simulator_injections_total{effect=\"extra_queries\"}; cloud_cost_dollars_total{resource=\"compute\"} for the empty polls.",
            howToMitigate: "Push changes (webhooks, server-sent events, WebSockets), use long polling or conditional requests (ETag, If-Modified-Since, 304), and back off intervals when nothing changes."),
        parameters: [
            .number("poll_interval_seconds", default: 5, min: 0.1, max: 86_400, unit: "s", help: "How often each client polls."),
            .number("update_interval_seconds", default: 300, min: 0.1, max: 86_400 * 30, unit: "s", help: "How often the data changes."),
            .number("query_ms", default: 2, min: 0, max: 60_000, unit: "ms", help: "Server time of one poll."),
            .number("vcpu_dollars_per_hour", default: 0.04, min: 0, max: 100, unit: "USD/h", help: "Price of one vCPU hour."),
        ],
        metrics: [polls, CostModel.dollars],
        effectKinds: [.extraQueries],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let empty: Double
        let querySeconds: Double
        let dollars: Double
        let emptyPolls: MetricSeries?
        let changed: MetricSeries?
        let cost: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            let pollsPerChange = max(1, p.double("update_interval_seconds") / p.double("poll_interval_seconds"))
            empty = (pollsPerChange - 1).rounded()
            querySeconds = p.double("query_ms") / 1000
            dollars = empty * querySeconds / 3_600 * p.double("vcpu_dollars_per_hour")
            emptyPolls = try activation.series(polls, LabelValues("empty"))
            changed = try activation.series(polls, LabelValues("changed"))
            cost = try activation.series(CostModel.dollars, LabelValues("compute"))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            changed?.add(1, shard: request.shard)
            guard empty > 0 else { return }
            emptyPolls?.add(empty, shard: request.shard)
            cost?.add(dollars, shard: request.shard)
            emit(.extraQueries(empty, secondsEach: querySeconds))
        }
    }
}
