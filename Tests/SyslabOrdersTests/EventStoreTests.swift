#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Testing
import SyslabCore
@testable import SyslabOrders

@Suite("Order event store")
struct EventStoreTests {
    @Test func commandsAppendAndProjectionsFollow() throws {
        let t = try TemporaryStore()
        let store = t.store
        let placed = try store.execute(Orders.place("o-1", amount: 2_500))
        #expect(placed["version"] == 1)
        _ = try store.execute(Orders.command("pay", "o-1"))
        _ = try store.execute(Orders.command("ship", "o-1"))
        let summary = try #require(try store.summary(of: OrderID("o-1")))
        #expect(summary["status"] == "shipped" && summary["version"] == 3 && summary["captured"] == 2_500)
        #expect(try store.history(of: OrderID("o-1")).map { $0["type"]?.stringValue ?? "" } == ["OrderPlaced", "PaymentCaptured", "OrderShipped"])
        let day = try #require(try store.analyticsByDay().first)
        #expect(day["placed"] == 1 && day["paid"] == 1 && day["shipped"] == 1 && day["revenue"] == 2_500 && day["currency"] == "EUR")
        #expect(store.metric("orders_events_appended_total") == 3)
        #expect(try store.lag()["order_summary"]?["lag_events"] == 0)
        try t.finish()
    }

    @Test func aStaleExpectedVersionIsAConflictAndWritesNothing() throws {
        let t = try TemporaryStore()
        _ = try t.store.execute(Orders.place("o-1"))
        _ = try t.store.execute(Orders.command("pay", "o-1", expected: 1))
        #expect(throws: SyslabError.conflict("order 'o-1' is at version 2, the command expected version 1")) {
            try t.store.execute(Orders.command("ship", "o-1", expected: 1))
        }
        #expect(try t.store.history(of: OrderID("o-1")).count == 2)
        #expect(t.store.metric("orders_version_conflicts_total") == 1)
        // A refused command (domain rule) writes nothing either.
        #expect(throws: SyslabError.self) { try t.store.execute(Orders.command("pay", "o-1")) }
        #expect(try t.store.history(of: OrderID("o-1")).count == 2)
        try t.finish()
    }

    @Test func theLogIsAppendOnly() throws {
        let t = try TemporaryStore()
        _ = try t.store.execute(Orders.place("o-1"))
        #expect(throws: SyslabError.self) { try t.store.db.execute("UPDATE events SET type = 'OrderShipped'") }
        #expect(throws: SyslabError.self) { try t.store.db.execute("DELETE FROM events") }
        #expect(try t.store.history(of: OrderID("o-1")).count == 1)
        try t.finish()
    }

    @Test func twoStoresOnOneFileConflictInsteadOfLosingEvents() throws {
        let t = try TemporaryStore(options: { var o = OrderStoreOptions(); o.inlineProjections = false; return o }())
        let other = try OrderStore(path: t.path, registry: t.registry, options: t.store.options)
        defer { other.close() }
        for i in 0..<20 { _ = try t.store.execute(Orders.place("o-\(i)")) }
        // Both writers pay every order, each expecting version 1: exactly one wins each time.
        var wins = 0, conflicts = 0
        for i in 0..<20 {
            for writer in i % 2 == 0 ? [t.store, other] : [other, t.store] {
                do { _ = try writer.execute(Orders.command("pay", "o-\(i)", expected: 1)); wins += 1 } catch SyslabError.conflict { conflicts += 1 }
            }
        }
        #expect(wins == 20 && conflicts == 20)
        for i in 0..<20 {
            let types = try t.store.history(of: OrderID("o-\(i)")).map { $0["type"]?.stringValue ?? "" }
            #expect(types == ["OrderPlaced", "PaymentCaptured"])
        }
        try t.finish()
    }

    @Test func threadsSharingAStoreAndAFileLoseNothing() throws {
        let t = try TemporaryStore()
        let second = try OrderStore(path: t.path, registry: t.registry)
        defer { second.close() }
        let stores = [t.store, second]
        let failures = Lock()
        var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<15 {
                do {
                    let store = stores[(worker + i) % 2]
                    _ = try store.execute(Orders.place("w\(worker)-\(i)"))
                    _ = try store.execute(Orders.command("pay", "w\(worker)-\(i)"))
                } catch {
                    failures.withLock { errors.append("\(error)") }
                }
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(try t.store.log.count() == 120)
        _ = try t.store.catchUp()
        #expect(try t.store.summaries().count == 60)
        #expect(try t.store.summaries().allSatisfy { $0["status"] == "paid" })
        try t.finish()
    }

    @Test func projectionsRebuiltFromTheLogEqualTheIncrementalOnes() throws {
        let t = try TemporaryStore()
        for i in 0..<30 {
            _ = try t.store.execute(Orders.place("o-\(i)", amount: Double(100 + i), currency: i % 3 == 0 ? "USD" : "EUR"))
            if i % 2 == 0 { _ = try t.store.execute(Orders.command("pay", "o-\(i)")) }
            if i % 4 == 0 { _ = try t.store.execute(Orders.command("ship", "o-\(i)")) }
            if i % 4 != 0, i % 5 == 1 { _ = try t.store.execute(Orders.command("cancel", "o-\(i)")) }
        }
        let summaries = try t.store.summaries(), analytics = try t.store.analyticsByDay()
        let rebuilt = try t.store.rebuild()
        #expect(rebuilt["order_summary"]?["events"] == .number(Double(try t.store.log.count())))
        #expect(try t.store.summaries() == summaries)
        #expect(try t.store.analyticsByDay() == analytics)
        #expect(try t.store.lag()["analytics"]?["lag_events"] == 0)
        #expect(throws: SyslabError.self) { try t.store.rebuild("nope") }
        try t.finish()
    }

    @Test func manualProjectionsLagUntilCaughtUp() throws {
        let t = try TemporaryStore(options: { var o = OrderStoreOptions(); o.inlineProjections = false; return o }())
        for i in 0..<5 { _ = try t.store.execute(Orders.place("o-\(i)")) }
        #expect(try t.store.lag()["order_summary"]?["lag_events"] == 5)
        #expect(try t.store.summary(of: OrderID("o-0")) == nil)
        #expect(t.store.metric("orders_projection_lag_events", LabelValues("order_summary")) == 5)
        _ = try t.store.catchUp()
        #expect(try t.store.lag()["order_summary"]?["lag_events"] == 0)
        #expect(try t.store.summaries().count == 5)
        try t.finish()
    }

    @Test func hostileFilesAndPathsGiveClearErrors() throws {
        let t = try TemporaryStore()
        // A file that is not a database.
        let garbage = t.folder + "/garbage.db"
        let file = fopen(garbage, "w")
        fputs(String(repeating: "this is not a sqlite database ", count: 200), file)
        fclose(file)
        do {
            _ = try OrderStore(path: garbage)
            Issue.record("a garbage file must not open")
        } catch let error as SyslabError {
            guard case .corrupt = error else { Issue.record("expected corrupt, got \(error)"); return }
        }
        // A folder that does not exist.
        do {
            _ = try OrderStore(path: "/nonexistent-folder/orders.db")
            Issue.record("an unwritable path must not open")
        } catch let error as SyslabError {
            guard case .io = error else { Issue.record("expected io, got \(error)"); return }
        }
        #expect(throws: SyslabError.self) { try OrderStore(path: "") }
        // A closed store refuses calls.
        let closed = try OrderStore(path: t.folder + "/orders.db", registry: t.registry)
        closed.close()
        #expect(throws: SyslabError.invalidArgument("the order store is closed")) { try closed.execute(Orders.place("o-9")) }
        try t.finish()
    }

    @Test func aDamagedEventRowIsReportedAsCorruptNotACrash() throws {
        let t = try TemporaryStore()
        _ = try t.store.execute(Orders.place("o-1"))
        // Another program wrote garbage into the log (INSERT is all the triggers allow).
        try t.store.db.execute("INSERT INTO events (order_id, version, type, payload, recorded_at) VALUES ('o-1', 2, 'PaymentCaptured', '{broken', 0)")
        for attempt in [{ _ = try t.store.execute(Orders.command("ship", "o-1")) }, { _ = try t.store.history(of: OrderID("o-1")) }] as [() throws -> Void] {
            do {
                try attempt()
                Issue.record("a damaged row must be an error")
            } catch let error as SyslabError {
                guard case .corrupt = error else { Issue.record("expected corrupt, got \(error)"); continue }
            }
        }
        try t.finish()
    }

    @Test func optionsAreChecked() throws {
        #expect(throws: SyslabError.self) { try OrderStoreOptions.parse(["snapshot_every": 0]) }
        #expect(throws: SyslabError.self) { try OrderStoreOptions.parse(["snapshot_every": 2.5]) }
        #expect(throws: SyslabError.self) { try OrderStoreOptions.parse(["projections": "eventually"]) }
        #expect(throws: SyslabError.self) { try OrderStoreOptions.parse(["speed": 1]) }
        #expect(try OrderStoreOptions.parse(["snapshot_every": 3, "projections": "manual"]).snapshotEvery == 3)
    }
}
