import Testing
import SyslabCore
@testable import SyslabOrders

@Suite("Payment saga")
struct SagaTests {
    static var fast: OrderStoreOptions { var o = OrderStoreOptions(); o.sagaBackoff = 0.001; return o }

    @Test func aSagaPlacesPaysReservesAndShips() throws {
        let t = try TemporaryStore(options: Self.fast)
        try t.store.setStock(SKU("book"), available: 5)
        let saga = try t.store.startSaga(Orders.sagaRequest("o-1", quantity: 2))
        #expect(saga["status"] == "completed")
        #expect(try t.store.summary(of: OrderID("o-1"))?["status"] == "shipped")
        #expect(try t.store.stock(SKU("book")) == 3)
        #expect(t.store.metric("orders_sagas_finished_total", LabelValues("completed")) == 1)
        #expect(throws: SyslabError.self) { try t.store.startSaga(Orders.sagaRequest("o-1")) }
        #expect(throws: SyslabError.self) { try t.store.startSaga(["order_id": "o-2"]) }
        try t.finish()
    }

    @Test func shortStockIsCompensatedByARefundAndACancel() throws {
        let t = try TemporaryStore(options: Self.fast)
        try t.store.setStock(SKU("book"), available: 1)
        let saga = try t.store.startSaga(Orders.sagaRequest("o-1", quantity: 2))
        #expect(saga["status"] == "compensated")
        let summary = try #require(try t.store.summary(of: OrderID("o-1")))
        #expect(summary["status"] == "cancelled" && summary["refunded"] == 2_500 && summary["flagged"] == false)
        #expect(try t.store.stock(SKU("book")) == 1)
        #expect(try t.store.history(of: OrderID("o-1")).map { $0["type"]?.stringValue ?? "" }
                == ["OrderPlaced", "PaymentCaptured", "PaymentRefunded", "OrderCancelled"])
        try t.finish()
    }

    @Test func transientFailuresAreRetriedWithBackoff() throws {
        let t = try TemporaryStore(options: Self.fast)
        try t.store.setStock(SKU("book"), available: 1)
        // The carrier fails every call: three attempts, then the saga compensates (stock back, refund, cancel).
        try t.registry.enable("error-burst", parameters: ["probability": 1, "status_code": 503, "target": ["component": "order-saga", "route": "/saga/ship"]])
        let saga = try t.store.startSaga(Orders.sagaRequest("o-1"))
        #expect(saga["status"] == "compensated")
        #expect(t.store.metric("orders_saga_step_retries_total", LabelValues("ship")) == 3)
        #expect(try t.store.stock(SKU("book")) == 1)
        #expect(try t.store.summary(of: OrderID("o-1"))?["status"] == "cancelled")
        try t.finish()
    }

    @Test func backoffDoublesWithSeededJitterUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 10, base: 0.01)
        var random = SeededGenerator(seed: 9)
        for attempt in 1...8 {
            let ceiling = min(1.0, 0.01 * Double(1 << (attempt - 1)))
            let delay = policy.delay(afterAttempt: attempt, random: &random)
            #expect(delay >= ceiling * 0.5 && delay < ceiling, "attempt \(attempt): \(delay) outside [\(ceiling / 2), \(ceiling))")
        }
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1)
        #expect(policy.delay(afterAttempt: 3, random: &a) == policy.delay(afterAttempt: 3, random: &b), "same seed, same delay")
    }

    @Test func aSagaResumesAfterARestart() throws {
        let t = try TemporaryStore(options: Self.fast)
        try t.store.setStock(SKU("book"), available: 1)
        let partial = try t.store.startSaga(Orders.sagaRequest("o-1"), maxSteps: 2)
        #expect(partial["status"] == "running" && partial["step"] == "reserve_stock")
        try t.reopen()
        let resumed = try t.store.resumeSagas()
        #expect(resumed.count == 1 && resumed.first?["status"] == "completed")
        #expect(try t.store.summary(of: OrderID("o-1"))?["status"] == "shipped")
        #expect(try t.store.stock(SKU("book")) == 0)
        #expect(try t.store.resumeSagas().isEmpty)
        try t.finish()
    }
}
