/// Database queries take much longer than usual.
enum SlowDbQuery {
    static let slowQueries = MetricSpec.counter(
        "db_slow_queries_total", "Queries slowed by the scenario.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "slow-db-query", category: "database",
        summary: "Each matching database call waits a lognormal delay with mean delay_ms and standard deviation stddev_ms.",
        notes: LearningNotes(
            whatHappens: "Queries slow down (a bad plan, a cold buffer cache, a vacuum running); every request that touches the database inherits the delay and holds its connection longer.",
            howToObserve: "db_query_duration_seconds shifts right and widens; request latency follows; connection pool usage rises because connections are held longer.",
            howToMitigate: "Find the slow statement (pg_stat_statements, slow query log, EXPLAIN ANALYZE), add the right index, set statement timeouts, cache hot reads."),
        parameters: [
            .number("delay_ms", default: 500, min: 0, max: 60_000, unit: "ms", help: "Mean added query time."),
            .number("stddev_ms", default: 100, min: 0, max: 60_000, unit: "ms", help: "Standard deviation of the added time (lognormal)."),
        ],
        metrics: [DomainMetrics.dbQueryDuration, slowQueries],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    /// Typed parameters, the lognormal's parameters and the series, computed at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let mean: Double
        let delay: Distribution
        let slow: MetricSeries?
        let duration: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            mean = p.double("delay_ms")
            let sd = p.double("stddev_ms")
            delay = sd <= 0 ? .constant(mean) : .lognormal(mean: mean, stddev: sd)
            slow = try activation.series(slowQueries)
            duration = try activation.series(DomainMetrics.dbQueryDuration)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let ms = mean <= 0 ? 0 : delay.sample(&request.random)
            slow?.add(1, shard: request.shard)
            duration?.observe(ms / 1000, shard: request.shard)
            if ms > 0 { emit(.delay(seconds: ms / 1000)) }
        }
    }
}
