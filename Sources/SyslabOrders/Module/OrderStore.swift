import SyslabCore

/// An order-management store built with CQRS and event sourcing on one SQLite file.
///
/// - Commands (`execute`) load the order (snapshot + later events), let the
///   aggregate decide, and append its events with optimistic concurrency.
/// - Queries read the projections (OrderSummary, Analytics), which catch up from
///   the log and may lag behind it; `history` reads the log itself.
/// - The payment saga (PaymentSaga.swift) drives place -> pay -> reserve stock -> ship.
///
/// Failure scenarios act through `registry` (FaultPoints); its metrics store also
/// carries the module's metrics. Thread-safe: calls on one store are serialised;
/// several stores (threads or processes) can share one file.
public final class OrderStore: @unchecked Sendable {
    public let registry: ScenarioRegistry
    public let options: OrderStoreOptions
    public var path: String { db.path }

    let db: SQLiteDatabase
    let log: EventStore
    let snapshots: SnapshotStore
    let inventory: Inventory
    let metrics: OrdersMetrics
    let faults: FaultPoints
    let summaries = OrderSummaryProjection()
    let analytics = AnalyticsProjection()
    var projections: [Projection] { [summaries, analytics] }
    let lock = Lock(recursive: true)
    var random: SeededGenerator
    private var closed = false

    var clock: Clock { registry.clock }
    var runner: ProjectionRunner { ProjectionRunner(db: db, log: log, faults: faults, metrics: metrics, clock: clock) }

    /// Opens (creating if needed) the store at `path`. A file that is not an order
    /// store or is damaged is `SyslabError.corrupt`; one that cannot be created is `.io`.
    public init(path: String, registry: ScenarioRegistry = ScenarioRegistry(), options: OrderStoreOptions = OrderStoreOptions()) throws {
        self.registry = registry
        self.options = options
        db = try SQLiteDatabase(path: path)
        try Schema.prepare(db)
        log = EventStore(db: db)
        snapshots = SnapshotStore(db: db)
        inventory = Inventory(db: db)
        metrics = try OrdersMetrics(store: registry.metrics)
        faults = FaultPoints(registry: registry)
        random = SeededGenerator(seed: options.seed)
        for projection in projections { try runner.publishLag(projection) }
    }

    /// Closes the database; later calls fail with `SyslabError.invalidArgument`.
    public func close() {
        lock.withLock {
            closed = true
            db.close()
        }
    }

    func locked<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            guard !closed else { throw SyslabError.invalidArgument("the order store is closed") }
            return try body()
        }
    }

    // MARK: commands

    /// Runs a command given as JSON (see `OrderCommand.parse`); returns
    /// {"order_id", "version", "events": [...]}.
    public func execute(_ json: JSONValue) throws -> JSONValue {
        let (command, expected) = try OrderCommand.parse(json)
        let recorded = try execute(command, expectedVersion: expected)
        return [
            "order_id": .string(command.orderID.value), "version": .number(Double(recorded.last?.version ?? 0)),
            "events": .array(recorded.map(\.json)),
        ]
    }

    /// Runs a command: the events are on disk when this returns.
    @discardableResult
    public func execute(_ command: OrderCommand, expectedVersion: Int? = nil) throws -> [RecordedEvent] {
        try locked {
            let recorded = try db.transaction { () -> [RecordedEvent] in
                var order = try load(command.orderID, repair: true)
                if let expectedVersion, expectedVersion != order.version {
                    metrics.conflict()
                    throw SyslabError.conflict(
                        "order '\(command.orderID.value)' is at version \(order.version), the command expected version \(expectedVersion)")
                }
                let events = try order.decide(command)
                let before = order.version
                let recorded = try log.append(events, to: order.id, expectedVersion: before, at: clock.now())
                for event in events { order.apply(event) }
                if order.version / options.snapshotEvery > before / options.snapshotEvery { try writeSnapshot(order) }
                return recorded
            }
            metrics.recordAppend(count: recorded.count, at: clock.now())
            if options.inlineProjections {
                for projection in projections { try runner.catchUp(projection, budget: options.projectionBudget) }
            }
            return recorded
        }
    }

    func writeSnapshot(_ order: Order) throws {
        let keep = try faults.snapshotKeepFraction(route: EventSourcingPoints.snapshotWrite)
        try snapshots.write(order, at: clock.now(), keepFraction: keep)
        metrics.snapshotWritten()
    }

    /// The order's current state from its snapshot and the events after it. A
    /// snapshot that fails its checksum is counted and ignored: the order is
    /// replayed from the log, and with `repair` (inside a write transaction) the
    /// snapshot is rewritten.
    func load(_ id: OrderID, repair: Bool) throws -> Order {
        let keep = try faults.snapshotKeepFraction(route: EventSourcingPoints.snapshotRead)
        var start = Order(id: id)
        var damaged = false
        switch try snapshots.load(id, keepFraction: keep) {
        case .valid(let order): start = order
        case .none: break
        case .corrupt:
            metrics.snapshotCorrupt()
            damaged = true
        }
        let began = ProjectionRunner.monotonic()
        let tail = try log.events(of: id, after: start.version)
        var order = start
        for recorded in tail {
            guard recorded.version == order.version + 1 else {
                throw SyslabError.corrupt("order '\(id.value)': the log jumps from version \(order.version) to \(recorded.version)")
            }
            order.apply(recorded.event)
        }
        if start.version == 0, !tail.isEmpty {
            metrics.replay("aggregate", events: tail.count, seconds: ProjectionRunner.monotonic() - began)
        }
        if damaged, repair, order.version > 0 { try writeSnapshot(order) }
        return order
    }

    // MARK: queries

    /// The order as the command side sees it (from the log), or nil if it was never placed.
    public func state(of id: OrderID) throws -> JSONValue? {
        try locked {
            let order = try load(id, repair: false)
            return order.version == 0 ? nil : order.json
        }
    }

    /// The OrderSummary read model of one order (nil: not in the projection, yet or at all).
    public func summary(of id: OrderID) throws -> JSONValue? {
        try locked { try summaries.summary(of: id, in: db) }
    }

    public func summaries(limit: Int = 1_000) throws -> [JSONValue] {
        try locked { try summaries.all(in: db, limit: max(0, min(limit, 100_000))) }
    }

    public func analyticsByDay() throws -> [JSONValue] {
        try locked { try analytics.daily(in: db) }
    }

    /// The order's events from the log.
    public func history(of id: OrderID) throws -> [JSONValue] {
        try locked { try log.events(of: id).map(\.json) }
    }

    /// Each projection's position, lag in events and in seconds.
    public func lag() throws -> JSONValue {
        try locked {
            let last = try log.lastPosition()
            var out: [String: JSONValue] = ["log_position": .number(Double(last))]
            for projection in projections {
                let (events, seconds) = try runner.lag(of: projection.name)
                metrics.lag(projection.name, events: events, seconds: seconds)
                out[projection.name] = [
                    "position": .number(Double(try runner.position(of: projection.name))),
                    "lag_events": .number(Double(events)), "lag_seconds": .number(seconds),
                ]
            }
            return .object(out)
        }
    }

    /// Catches every projection up to the end of the log (no time budget).
    public func catchUp() throws -> JSONValue {
        try locked {
            var out: [String: JSONValue] = [:]
            for projection in projections {
                let progress = try runner.catchUp(projection, budget: nil)
                out[projection.name] = [
                    "applied": .number(Double(progress.applied)), "out_of_order": .number(Double(progress.outOfOrder)),
                    "stale": .number(Double(progress.stale)),
                ]
            }
            return .object(out)
        }
    }

    /// Rebuilds one projection ("order_summary", "analytics") or all (nil) by replaying the log.
    public func rebuild(_ name: String? = nil) throws -> JSONValue {
        try locked {
            let chosen = try projections.filter { projection in
                guard let name else { return true }
                guard projections.contains(where: { $0.name == name }) else {
                    throw SyslabError.notFound("unknown projection '\(ErrorText.quoted(name))' (expected order_summary, analytics)")
                }
                return projection.name == name
            }
            var out: [String: JSONValue] = [:]
            for projection in chosen {
                let (events, seconds) = try runner.rebuild(projection)
                out[projection.name] = [
                    "events": .number(Double(events)), "seconds": .number(seconds),
                    "events_per_second": .number(seconds > 0 ? Double(events) / seconds : 0),
                ]
            }
            return .object(out)
        }
    }

    /// Sets the stock of a SKU (what the saga's reserve-stock step takes from).
    public func setStock(_ sku: SKU, available: Int64) throws {
        try locked { try db.transaction { try inventory.set(sku, available: available) } }
    }

    public func stock(_ sku: SKU) throws -> Int64 {
        try locked { try inventory.available(sku) }
    }

    /// Damages an order's stored snapshot, as a failing disk would (for lessons and tests);
    /// false when the order has no snapshot.
    public func damageSnapshot(of id: OrderID) throws -> Bool {
        try locked { try db.transaction { try snapshots.damage(id) } }
    }

    /// `PRAGMA integrity_check` of the file: "ok" when SQLite finds nothing wrong.
    public func integrityCheck() throws -> String {
        try locked { try db.integrityCheck() }
    }

    /// Counts: events, snapshots, orders, sagas by status.
    public func status() throws -> JSONValue {
        try locked {
            let sagas = try db.rows("SELECT status, COUNT(*) FROM sagas GROUP BY status ORDER BY status") { ($0.text(0) ?? "", $0.int(1)) }
            var bySagaStatus: [String: JSONValue] = [:]
            for (status, count) in sagas { bySagaStatus[status] = .number(Double(count)) }
            return [
                "path": .string(db.path), "events": .number(Double(try log.count())),
                "snapshots": .number(Double(try snapshots.count())),
                "orders": .number(Double(try db.rows("SELECT COUNT(DISTINCT order_id) FROM events") { $0.int(0) }.first ?? 0)),
                "sagas": .object(bySagaStatus), "snapshot_every": .number(Double(options.snapshotEvery)),
                "projections": .string(options.inlineProjections ? "inline" : "manual"),
            ]
        }
    }

    /// The registry's Prometheus exposition, with the module's metrics refreshed.
    public func metricsText() throws -> String {
        try locked {
            metrics.refreshRate(at: clock.now())
            for projection in projections { try runner.publishLag(projection) }
        }
        return registry.metricsText()
    }
}
