import Testing
import SyslabCore
@testable import SyslabOrders

@Suite("Order snapshots")
struct SnapshotTests {
    static func every(_ n: Int) -> OrderStoreOptions { var o = OrderStoreOptions(); o.snapshotEvery = n; return o }

    @Test func aSnapshotIsWrittenEveryNEventsWithAChecksum() throws {
        let t = try TemporaryStore(options: Self.every(2))
        _ = try t.store.execute(Orders.place("o-1"))
        #expect(try t.store.snapshots.count() == 0)
        _ = try t.store.execute(Orders.command("pay", "o-1"))
        #expect(try t.store.snapshots.count() == 1)
        let checksum = try t.store.db.rows("SELECT checksum, version FROM snapshots") { ($0.text(0) ?? "", $0.int(1)) }
        #expect(checksum.first?.0.hasPrefix("fnv1a64:") == true && checksum.first?.1 == 2)
        guard case .valid(let order) = try t.store.snapshots.load(OrderID("o-1")) else { Issue.record("snapshot must load"); return }
        #expect(order.status == .paid && order.version == 2)
        #expect(t.store.metric("orders_snapshots_written_total") == 1)
        try t.finish()
    }

    @Test func aDamagedSnapshotIsDetectedReplayedAndRewritten() throws {
        let t = try TemporaryStore(options: Self.every(2))
        _ = try t.store.execute(Orders.place("o-1"))
        _ = try t.store.execute(Orders.command("pay", "o-1"))
        #expect(try t.store.damageSnapshot(of: OrderID("o-1")))
        guard case .corrupt = try t.store.snapshots.load(OrderID("o-1")) else { Issue.record("the checksum must catch it"); return }
        // The next command replays from the log, is still right, and repairs the snapshot.
        _ = try t.store.execute(Orders.command("ship", "o-1"))
        #expect(t.store.metric("orders_snapshot_corruptions_total") == 1)
        #expect(try t.store.state(of: OrderID("o-1"))?["status"] == "shipped")
        guard case .valid = try t.store.snapshots.load(OrderID("o-1")) else { Issue.record("the snapshot must be rewritten"); return }
        try t.finish()
    }
}
