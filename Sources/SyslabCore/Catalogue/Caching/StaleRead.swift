/// Reads are served from a lagging replica or an old cache entry.
enum StaleRead {
    static let scenario = Scenario(
        name: "stale-read", category: "caching",
        summary: "A fraction `probability` of reads return data up to max_staleness_seconds old (uniformly distributed).",
        notes: LearningNotes(
            whatHappens: "A user writes, then reads from a cache or replica that has not caught up and sees the old value: lost edits, double submissions, confused support tickets.",
            howToObserve: "cache_stale_reads_total and data_staleness_seconds; correlate with replication lag or cache TTL; bug reports of 'my change disappeared'.",
            howToMitigate: "Read-your-writes (route a user's reads to the primary after a write, or pin to a session), invalidate caches on write, version values, show data age in the UI."),
        parameters: [
            .number("probability", default: 0.3, min: 0, max: 1, help: "Chance that a read is stale."),
            .number("max_staleness_seconds", default: 30, min: 0, max: 86_400, unit: "s", help: "Oldest data served."),
        ],
        metrics: [DomainMetrics.staleReads, DomainMetrics.staleness],
        effectKinds: [.staleRead],
        compile: { try Program($0) }
    )

    /// Typed parameters and series, resolved at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let probability: Double
        let maxStaleness: Double
        let staleReads: MetricSeries?
        let staleness: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            probability = activation.parameters.double("probability")
            maxStaleness = activation.parameters.double("max_staleness_seconds")
            staleReads = try activation.series(DomainMetrics.staleReads)
            staleness = try activation.series(DomainMetrics.staleness)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard request.random.nextUnit() < probability else { return }
            let age = request.random.nextUnit() * maxStaleness
            staleReads?.add(1, shard: request.shard)
            staleness?.observe(age, shard: request.shard)
            emit(.staleRead(seconds: age))
        }
    }
}
