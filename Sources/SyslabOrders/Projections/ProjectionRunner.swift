#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// Feeds projections from the log. Each projection has a stored position (the
/// last log position it has fully applied); catching up reads the events after
/// it, hands them over in version order per order, and stores the new position
/// in the same transaction as the read-model changes, so a crash never applies
/// an event twice or skips one.
///
/// Scenarios act here (FaultPoints): a delay per event (event-replay-lag) and
/// events overtaken by later ones (event-ordering-issue). An event that arrives
/// ahead of its order's next version is held until the gap closes; one already
/// applied is skipped. So the read model never takes a state the order did not have.
struct ProjectionRunner {
    let db: SQLiteDatabase
    let log: EventStore
    let faults: FaultPoints
    let metrics: OrdersMetrics
    let clock: Clock
    static let batchSize = 256

    struct Progress {
        var applied = 0
        var outOfOrder = 0
        var stale = 0
        /// False when the time budget ended the catch-up with events left.
        var caughtUp = true
    }

    func position(of name: String) throws -> Int64 {
        try db.rows("SELECT position FROM projection_positions WHERE name = ?", [.text(name)]) { $0.int(0) }.first ?? 0
    }

    /// Events not applied yet and the age of the oldest of them.
    func lag(of name: String) throws -> (events: Int64, seconds: Double) {
        let position = try position(of: name)
        let events = try log.lastPosition() - position
        let seconds = try log.recordedAt(firstAfter: position).map { max(0, clock.now() - $0) } ?? 0
        return (max(0, events), seconds)
    }

    func publishLag(_ projection: Projection) throws {
        let (events, seconds) = try lag(of: projection.name)
        metrics.lag(projection.name, events: events, seconds: seconds)
    }

    /// Applies events until the projection reaches the end of the log, or until
    /// `budget` seconds of (injected) apply time are spent. With a budget, an
    /// event whose delay would overrun it is left for later.
    @discardableResult
    func catchUp(_ projection: Projection, budget: Double?) throws -> Progress {
        var progress = Progress()
        var spent = 0.0
        while true {
            let start = try position(of: projection.name)
            let batch = try log.events(after: start, limit: ProjectionRunner.batchSize)
            if batch.isEmpty { break }
            var plan: [RecordedEvent] = []
            var held: [(event: RecordedEvent, overtakers: Int)] = []
            var exhausted = false
            for event in batch {
                let (delay, overtakenBy) = try faults.projectionDelivery(projection.name)
                if let budget, spent + delay > budget {
                    exhausted = true
                    break
                }
                if delay > 0 { ProjectionRunner.sleep(delay) }
                spent += delay
                if overtakenBy > 0 {
                    held.append((event, overtakenBy))
                    continue
                }
                plan.append(event)
                // Every event delivered brings the held ones one step nearer to delivery.
                for i in held.indices { held[i].overtakers -= 1 }
                plan += held.filter { $0.overtakers <= 0 }.map(\.event)
                held.removeAll { $0.overtakers <= 0 }
            }
            plan += held.map(\.event)
            if plan.isEmpty {
                progress.caughtUp = false
                break
            }
            // Not fsynced on its own: a lost commit is re-applied from the log (rows and
            // position commit together), and the next command's commit fsyncs it anyway.
            let moved = try db.transaction(durable: false) { () -> Bool in
                let done = try deliver(plan, to: projection, &progress)
                var position = start
                for event in batch {
                    guard done.contains(event.position) else { break }
                    position = event.position
                }
                try db.query(
                    "INSERT OR REPLACE INTO projection_positions (name, position, updated_at) VALUES (?, ?, ?)",
                    [.text(projection.name), .integer(position), .real(clock.now())])
                return position > start
            }
            if exhausted {
                progress.caughtUp = false
                break
            }
            // The first event of a batch always follows what is already applied, so a
            // catch-up that moved nothing has nothing left it can apply.
            if !moved {
                progress.caughtUp = false
                break
            }
        }
        try publishLag(projection)
        return progress
    }

    /// Applies `plan` in version order per order; returns the positions applied or skipped.
    private func deliver(_ plan: [RecordedEvent], to projection: Projection, _ progress: inout Progress) throws -> Set<Int64> {
        var next: [OrderID: Int] = [:]
        var parked: [OrderID: [Int: RecordedEvent]] = [:]
        var done = Set<Int64>()
        for event in plan {
            let id = event.orderID
            let expected = try next[id] ?? (projection.appliedVersion(of: id, in: db) + 1)
            if event.version < expected {
                progress.stale += 1
                metrics.staleSkipped(projection.name)
                done.insert(event.position)
                next[id] = expected
                continue
            }
            if event.version > expected {
                progress.outOfOrder += 1
                metrics.outOfOrder(projection.name)
                parked[id, default: [:]][event.version] = event
                next[id] = expected
                continue
            }
            try projection.apply(event, in: db)
            progress.applied += 1
            done.insert(event.position)
            var version = expected + 1
            while let waiting = parked[id]?.removeValue(forKey: version) {
                try projection.apply(waiting, in: db)
                progress.applied += 1
                done.insert(waiting.position)
                version += 1
            }
            next[id] = version
        }
        return done
    }

    /// Empties the projection and replays the whole log into it.
    func rebuild(_ projection: Projection) throws -> (events: Int, seconds: Double) {
        let started = ProjectionRunner.monotonic()
        try db.transaction(durable: false) {
            try projection.clear(in: db)
            try db.query("DELETE FROM projection_positions WHERE name = ?", [.text(projection.name)])
        }
        let progress = try catchUp(projection, budget: nil)
        let seconds = ProjectionRunner.monotonic() - started
        metrics.replay("rebuild", events: progress.applied, seconds: seconds)
        return (progress.applied, seconds)
    }

    static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
