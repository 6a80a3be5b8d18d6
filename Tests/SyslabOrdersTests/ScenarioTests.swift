import Testing
import SyslabCore
@testable import SyslabOrders

/// The four event-sourcing scenarios acting on a real store: each shows its
/// symptom in numbers, and recovery works where its notes say it does.
@Suite("Event-sourcing scenarios")
struct ScenarioTests {
    @Test func eventReplayLagLeavesReadsStaleUntilCaughtUp() throws {
        var options = OrderStoreOptions()
        options.projectionBudget = 0.02
        let t = try TemporaryStore(options: options)
        try t.registry.enable("event-replay-lag", parameters: ["apply_delay_ms": 30])
        for i in 0..<4 { _ = try t.store.execute(Orders.place("o-\(i)")) }
        _ = try t.store.execute(Orders.command("pay", "o-0"))
        // Commands succeeded, the log has 5 events, the projections applied none of them.
        let lag = try t.store.lag()
        #expect(lag["order_summary"]?["lag_events"] == 5)
        #expect((lag["order_summary"]?["lag_seconds"]?.doubleValue ?? -1) >= 0)
        #expect(try t.store.summary(of: OrderID("o-0")) == nil)
        #expect(try t.store.state(of: OrderID("o-0"))?["status"] == "paid")
        #expect(t.store.metric("orders_projection_lag_events", LabelValues("analytics")) == 5)
        // Recovery: with the scenario off, catching up (or the next command) empties the lag.
        try t.registry.disable("event-replay-lag")
        _ = try t.store.catchUp()
        #expect(try t.store.lag()["order_summary"]?["lag_events"] == 0)
        #expect(try t.store.summary(of: OrderID("o-0"))?["status"] == "paid")
        try t.finish()
    }

    @Test func slowReplayMakesARebuildSlower() throws {
        let t = try TemporaryStore()
        for i in 0..<10 { _ = try t.store.execute(Orders.place("o-\(i)")) }
        let fast = try t.store.rebuild("order_summary")["order_summary"]?["seconds"]?.doubleValue ?? 0
        try t.registry.enable("event-replay-lag", parameters: ["apply_delay_ms": 10, "projection": "order_summary"])
        let slow = try t.store.rebuild("order_summary")["order_summary"]?["seconds"]?.doubleValue ?? 0
        // 10 events x 10 ms of injected delay: the rebuild takes at least 0.1 s (a floor, not a speed threshold).
        #expect(slow >= 0.1 && slow > fast)
        #expect(t.store.metric("orders_replayed_events_total", LabelValues("rebuild")) == 20)
        try t.finish()
    }

    @Test func outOfOrderEventsAreHeldByVersionAndDoNotCorruptTheReadModels() throws {
        var options = OrderStoreOptions()
        options.inlineProjections = false
        let t = try TemporaryStore(options: options, registry: ScenarioRegistry(seed: 3))
        for i in 0..<40 {
            _ = try t.store.execute(Orders.place("o-\(i)", amount: Double(1_000 + i)))
            _ = try t.store.execute(Orders.command("pay", "o-\(i)"))
            _ = try t.store.execute(Orders.command(i % 2 == 0 ? "ship" : "cancel", "o-\(i)"))
        }
        try t.registry.enable("event-ordering-issue", parameters: ["reorder_probability": 0.5, "max_displacement": 3])
        let progress = try t.store.catchUp()
        let outOfOrder = t.store.metric("orders_projection_out_of_order_total", LabelValues("order_summary"))
        #expect(outOfOrder > 0, "events arrived ahead of their version and were caught")
        #expect(progress["order_summary"]?["out_of_order"]?.doubleValue == outOfOrder)
        #expect(t.registry.metrics.value("projection_events_reordered_total", LabelValues("event-ordering-issue")) ?? 0 > 0)
        let summaries = try t.store.summaries(), analytics = try t.store.analyticsByDay()
        #expect(summaries.count == 40)
        // Equal to a rebuild without the scenario: nothing was applied out of order.
        try t.registry.disable("event-ordering-issue")
        _ = try t.store.rebuild()
        #expect(try t.store.summaries() == summaries)
        #expect(try t.store.analyticsByDay() == analytics)
        #expect(analytics.first?["revenue"] == .number(Double((0..<40).filter { $0 % 2 == 0 }.map { 1_000 + $0 }.reduce(0, +))))
        try t.finish()
    }

    @Test func corruptedSnapshotsAreDetectedAndReplayed() throws {
        var options = OrderStoreOptions()
        options.snapshotEvery = 1
        let t = try TemporaryStore(options: options)
        try t.registry.enable("snapshot-corruption", parameters: ["on": "write"])
        for i in 0..<10 {
            _ = try t.store.execute(Orders.place("o-\(i)"))
            _ = try t.store.execute(Orders.command("pay", "o-\(i)"))
        }
        // Every snapshot written was torn; each load caught it by checksum and replayed the log.
        #expect(t.registry.metrics.value("snapshots_corrupted_total", LabelValues("snapshot-corruption", "write")) ?? 0 >= 20)
        #expect(t.store.metric("orders_snapshot_corruptions_total") == 10)
        for i in 0..<10 { #expect(try t.store.state(of: OrderID("o-\(i)"))?["status"] == "paid") }
        // Recovery: with the scenario off, the next write repairs the snapshot.
        try t.registry.disable("snapshot-corruption")
        _ = try t.store.execute(Orders.command("ship", "o-0"))
        guard case .valid = try t.store.snapshots.load(OrderID("o-0")) else { Issue.record("snapshot repaired"); return }
        try t.finish()
    }

    @Test func corruptionOnReadIsCaughtToo() throws {
        var options = OrderStoreOptions()
        options.snapshotEvery = 1
        let t = try TemporaryStore(options: options)
        _ = try t.store.execute(Orders.place("o-1"))
        try t.registry.enable("snapshot-corruption", parameters: ["on": "read", "keep_fraction": 0.9])
        _ = try t.store.execute(Orders.command("pay", "o-1"))
        #expect(t.store.metric("orders_snapshot_corruptions_total") == 1)
        #expect(try t.store.state(of: OrderID("o-1"))?["status"] == "paid")
        try t.finish()
    }

    @Test func aFailingCompensationEndsDeadLetteredAndFlagged() throws {
        var options = OrderStoreOptions()
        options.sagaBackoff = 0.001
        let t = try TemporaryStore(options: options)
        try t.store.setStock(SKU("book"), available: 0)
        try t.registry.enable("saga-compensation-failure")
        let saga = try t.store.startSaga(Orders.sagaRequest("o-1"))
        #expect(saga["status"] == "dead_lettered" && saga["step"] == "refund")
        #expect(saga["last_error"]?.stringValue?.contains("failed after 3 attempts: HTTP 503") == true)
        let summary = try #require(try t.store.summary(of: OrderID("o-1")))
        #expect(summary["flagged"] == true && summary["status"] == "paid" && summary["refunded"] == 0)
        #expect(t.store.metric("orders_saga_step_retries_total", LabelValues("compensate_refund")) == 3)
        #expect(t.store.metric("orders_sagas_finished_total", LabelValues("dead_lettered")) == 1)
        #expect(t.store.metric("orders_saga_failure_ratio") == 1)
        // Recovery is by hand: a person refunds and cancels (the order says why it is flagged).
        try t.registry.disable("saga-compensation-failure")
        _ = try t.store.execute(Orders.command("cancel", "o-1"))
        #expect(try t.store.summary(of: OrderID("o-1"))?["refunded"] == 2_500)
        try t.finish()
    }

    @Test func theScenariosLeaveOrdinaryRequestsAlone() throws {
        let registry = ScenarioRegistry(seed: 1)
        for name in ["event-replay-lag", "event-ordering-issue", "snapshot-corruption", "saga-compensation-failure"] {
            try registry.enable(name)
        }
        #expect(try registry.decideAll(RequestContext(route: "/api/orders", method: "GET", component: "backend")).isEmpty)
        #expect(try registry.decideAll(RequestContext(route: "/saga/pay", component: "order-saga")).isEmpty)
        #expect(try registry.decideAll(RequestContext(route: "/saga/compensate/refund", component: "order-saga")).count == 1)
    }
}
