import SyslabCore

/// The order module's metrics, declared in the registry's metrics store so they
/// appear in its Prometheus exposition beside the scenarios' own. Several stores
/// sharing one registry share these series (the figures add up).
final class OrdersMetrics: @unchecked Sendable {
    static let owner = "orders"
    static let durationBuckets: [Double] = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120]

    static let appended = MetricSpec.counter("orders_events_appended_total", "Events appended to the order event log.")
    static let appendRate = MetricSpec.gauge(
        "orders_event_append_rate", "Events appended per second over the last 10 seconds (refreshed on append and on read).")
    static let conflicts = MetricSpec.counter(
        "orders_version_conflicts_total", "Appends refused because the order was not at the version the command expected.")
    static let lagEvents = MetricSpec.gauge(
        "orders_projection_lag_events", "Events in the log that a projection has not applied yet.", labels: ["projection"])
    static let lagSeconds = MetricSpec.gauge(
        "orders_projection_lag_seconds", "Age of the oldest event a projection has not applied yet.", labels: ["projection"])
    static let outOfOrder = MetricSpec.counter(
        "orders_projection_out_of_order_total",
        "Events a projection received ahead of their order's next version and held back until the gap closed.", labels: ["projection"])
    static let staleSkipped = MetricSpec.counter(
        "orders_projection_stale_events_total", "Events a projection had already applied (by version) and skipped.", labels: ["projection"])
    static let snapshots = MetricSpec.counter("orders_snapshots_written_total", "Aggregate snapshots written.")
    static let snapshotCorruptions = MetricSpec.counter(
        "orders_snapshot_corruptions_total", "Snapshots that failed their checksum on load (the order was replayed from the log).")
    static let replayDuration = MetricSpec.histogram(
        "orders_replay_duration_seconds", "Time to replay events: one order without a usable snapshot, or a whole projection rebuild.",
        labels: ["kind"], buckets: durationBuckets)
    static let replayedEvents = MetricSpec.counter("orders_replayed_events_total", "Events read back by replays.", labels: ["kind"])
    static let sagaDuration = MetricSpec.histogram(
        "orders_saga_duration_seconds", "Time from a payment saga's start to its end.", labels: ["outcome"], buckets: durationBuckets)
    static let sagasFinished = MetricSpec.counter(
        "orders_sagas_finished_total", "Payment sagas ended, by outcome (completed, compensated, dead_lettered).", labels: ["outcome"])
    static let sagaFailureRatio = MetricSpec.gauge(
        "orders_saga_failure_ratio", "Share of ended payment sagas that did not complete (compensated or dead-lettered).")
    static let sagaRetries = MetricSpec.counter(
        "orders_saga_step_retries_total", "Saga step attempts that failed and were retried or given up, by step.", labels: ["step"])

    static let all = [
        appended, appendRate, conflicts, lagEvents, lagSeconds, outOfOrder, staleSkipped, snapshots, snapshotCorruptions,
        replayDuration, replayedEvents, sagaDuration, sagasFinished, sagaFailureRatio, sagaRetries,
    ]

    let store: MetricsStore
    private let lock = Lock()
    /// Append times within the rate window, oldest first (`head` skips pruned ones).
    private var appendTimes: [Double] = []
    private var head = 0
    static let rateWindow = 10.0

    init(store: MetricsStore) throws {
        self.store = store
        for spec in OrdersMetrics.all { try store.declare(spec, by: OrdersMetrics.owner) }
    }

    private func series(_ spec: MetricSpec, _ labels: LabelValues = .none) -> MetricSeries? {
        store.family(named: spec.name)?.series(labels)
    }

    func recordAppend(count: Int, at now: Double) {
        series(OrdersMetrics.appended)?.add(Double(count))
        lock.withLock {
            for _ in 0..<count { appendTimes.append(now) }
            refreshRateLocked(now)
        }
    }

    func refreshRate(at now: Double) { lock.withLock { refreshRateLocked(now) } }

    private func refreshRateLocked(_ now: Double) {
        while head < appendTimes.count, appendTimes[head] < now - OrdersMetrics.rateWindow { head += 1 }
        if head > 4096, head * 2 > appendTimes.count {
            appendTimes.removeFirst(head)
            head = 0
        }
        series(OrdersMetrics.appendRate)?.set(Double(appendTimes.count - head) / OrdersMetrics.rateWindow)
    }

    func conflict() { series(OrdersMetrics.conflicts)?.add(1) }

    func lag(_ projection: String, events: Int64, seconds: Double) {
        series(OrdersMetrics.lagEvents, LabelValues(projection))?.set(Double(events))
        series(OrdersMetrics.lagSeconds, LabelValues(projection))?.set(seconds)
    }

    func outOfOrder(_ projection: String) { series(OrdersMetrics.outOfOrder, LabelValues(projection))?.add(1) }
    func staleSkipped(_ projection: String) { series(OrdersMetrics.staleSkipped, LabelValues(projection))?.add(1) }
    func snapshotWritten() { series(OrdersMetrics.snapshots)?.add(1) }
    func snapshotCorrupt() { series(OrdersMetrics.snapshotCorruptions)?.add(1) }

    func replay(_ kind: String, events: Int, seconds: Double) {
        series(OrdersMetrics.replayDuration, LabelValues(kind))?.observe(seconds)
        series(OrdersMetrics.replayedEvents, LabelValues(kind))?.add(Double(events))
    }

    func sagaFinished(_ outcome: String, seconds: Double) {
        series(OrdersMetrics.sagaDuration, LabelValues(outcome))?.observe(seconds)
        series(OrdersMetrics.sagasFinished, LabelValues(outcome))?.add(1)
        let count = { (o: String) in self.store.value(OrdersMetrics.sagasFinished.name, LabelValues(o)) ?? 0 }
        let completed = count("completed"), failed = count("compensated") + count("dead_lettered")
        if completed + failed > 0 { series(OrdersMetrics.sagaFailureRatio)?.set(failed / (completed + failed)) }
    }

    func sagaRetry(_ step: String) { series(OrdersMetrics.sagaRetries, LabelValues(step))?.add(1) }
}
