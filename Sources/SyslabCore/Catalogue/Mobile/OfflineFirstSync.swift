/// An offline-first app queues writes while offline and syncs them later.
enum OfflineFirstSync {
    static let queued = MetricSpec.counter(
        "offline_queued_writes_total", "Writes the device queued while offline.", labels: ["scenario"])
    static let syncDelay = MetricSpec.histogram(
        "offline_sync_delay_seconds", "How long a queued write waited on the device before it synced.",
        labels: ["scenario"], buckets: StalenessBuckets.seconds)
    static let conflicts = MetricSpec.counter(
        "offline_sync_conflicts_total", "Queued writes that conflicted at sync and lost (last writer wins).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "offline-first-sync", category: "mobile",
        summary: "The device is online, then offline for the last offline_seconds of every cycle_seconds (counted from enable). A request made offline is queued on the device and reaches the server when the window ends: it is delayed until then, the server's copy was stale for that long, and with conflict_probability it collides with another writer's change and is lost (last writer wins).",
        notes: LearningNotes(
            whatHappens: "Offline-first apps keep working without a network by writing locally and syncing later. The server then sees writes minutes or hours late, in bursts at reconnect, and concurrent edits made meanwhile conflict; a naive last-writer-wins merge silently drops one side.",
            howToObserve: "offline_queued_writes_total and the offline_sync_delay_seconds distribution; offline_sync_conflicts_total against queued writes; a burst of requests right after each reconnect.",
            howToMitigate: "Give each write an idempotency key and a version (or vector clock), merge with CRDTs or field-level rules instead of last-writer-wins, show sync state to the user, and rate-limit the replay at reconnect."),
        parameters: [
            .number("cycle_seconds", default: 300, min: 1, max: 604_800, unit: "s", help: "Length of one online-then-offline cycle."),
            .number("offline_seconds", default: 90, min: 0, max: 604_800, unit: "s", help: "Offline time at the end of each cycle (at most the cycle)."),
            .number("conflict_probability", default: 0.05, min: 0, max: 1, help: "Chance that a queued write conflicts at sync."),
        ],
        metrics: [queued, syncDelay, conflicts],
        effectKinds: [.delay, .staleRead, .lostWrite],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let cycle: Double, offline: Double, conflictProbability: Double
        let queuedWrites: MetricSeries?, delays: MetricSeries?, lostWrites: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            cycle = p.double("cycle_seconds")
            offline = min(cycle, p.double("offline_seconds"))
            conflictProbability = p.double("conflict_probability")
            queuedWrites = try activation.series(queued)
            delays = try activation.series(syncDelay)
            lostWrites = try activation.series(conflicts)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let phase = max(0, request.elapsed).truncatingRemainder(dividingBy: cycle)
            guard offline > 0, phase >= cycle - offline else { return }
            let wait = cycle - phase
            queuedWrites?.add(1, shard: request.shard)
            delays?.observe(wait, shard: request.shard)
            emit(.delay(seconds: wait))
            emit(.staleRead(seconds: wait))
            if request.random.nextUnit() < conflictProbability {
                lostWrites?.add(1, shard: request.shard)
                emit(.lostWrite)
            }
        }
    }
}
