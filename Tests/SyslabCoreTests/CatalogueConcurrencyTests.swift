import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslabCore

@Suite("Catalogue: concurrency")
struct CatalogueConcurrencyTests {
    @Test(arguments: [("none", Effect.lostWrite), ("optimistic", .error(status: 409)), ("pessimistic", .lockWait(seconds: 0.05))])
    func doubleWriteOutcomeDependsOnProtection(_ protection: String, _ expected: Effect) throws {
        let h = try CatalogueHarness("double-write", ["collision_probability": 0.1, "protection": .string(protection)])
        let runs = try h.run(10_000)
        #expect(runs.allSatisfy { $0.isEmpty || $0 == [expected] })
        #expect(abs(Double(runs.filter { !$0.isEmpty }.count) / 10_000 - 0.1) < 0.015)
    }

    @Test func phantomReadsDependOnIsolation() throws {
        let committed = try CatalogueHarness("phantom-read", ["phantom_probability": 1, "isolation": "read_committed", "max_phantom_rows": 3])
        let rows = try committed.run(3_000).map { $0.first(.inconsistentRead)!.amount }
        #expect(Set(rows) == [1, 2, 3])
        let snapshot = try CatalogueHarness("phantom-read", ["phantom_probability": 1, "isolation": "repeatable_read"])
        #expect(try snapshot.run(100).allSatisfy { $0.isEmpty })
        let serializable = try CatalogueHarness("phantom-read", ["phantom_probability": 1, "isolation": "serializable"])
        #expect(try serializable.decide() == [.error(status: 409)])
        #expect(serializable.metric("db_serialization_failures_total", LabelValues("phantom-read")) == 1)
    }

    @Test func optimisticCollisionsMatchTheBirthdayFormula() throws {
        let chance = OptimisticLockingCollision.collisionProbability(writers: 20, hotRows: 50)
        #expect(abs(chance - (1 - pow(0.98, 19))) < 1e-12)
        let h = try CatalogueHarness("optimistic-locking-collision", ["concurrent_writers": 20, "hot_rows": 50, "max_retries": 0])
        let failed = try h.run(20_000).filter { $0 == [.error(status: 409)] }.count
        #expect(abs(Double(failed) / 20_000 - chance) < 0.015)
        let single = try CatalogueHarness("optimistic-locking-collision", ["concurrent_writers": 1])
        #expect(try single.run(500).allSatisfy { $0.isEmpty }, "a lone writer never collides")
    }

    @Test func callbackStormFansOutGeometrically() throws {
        let h = try CatalogueHarness("async-callback-storm", ["fanout": 4, "depth": 3, "callback_ms": 1])
        #expect(try h.decide() == [.fanout(tasks: 84, secondsEach: 0.001)], "4 + 16 + 64")
        let capped = try CatalogueHarness("async-callback-storm", ["fanout": 1000, "depth": 8])
        #expect(try capped.decide().first!.amount == AsyncCallbackStorm.maximumTasks)
        #expect(h.metric("async_callbacks_total", LabelValues("async-callback-storm")) == 84)
    }

    @Test func eventReorderingDisplacesWithinBounds() throws {
        let h = try CatalogueHarness("event-ordering-violation", ["reorder_probability": 0.2, "max_displacement": 4, "hold_ms": 50])
        let reordered = try h.run(10_000).compactMap { $0.first(.reorder) }
        #expect(abs(Double(reordered.count) / 10_000 - 0.2) < 0.015)
        #expect(Set(reordered.map(\.amount)) == [1, 2, 3, 4])
        #expect(reordered.allSatisfy { $0.seconds == 0.05 })
    }

    @Test func clockSkewOffsetsAndDrifts() throws {
        let h = try CatalogueHarness("clock-skew", ["offset_ms": -2000, "drift_ppm": 1000, "tolerance_ms": 1000, "reject_beyond_tolerance": true])
        #expect(try h.decide() == [.clockOffset(seconds: -2), .error(status: 401)])
        h.advance(1000)  // drift of 1000 ppm over 1000 s = +1 s
        #expect(same(try h.decide(), [.clockOffset(seconds: -1)]))
        #expect(h.metric("clock_skew_seconds", LabelValues("clock-skew")) == -1)
        #expect(h.metric("clock_skew_violations_total", LabelValues("clock-skew")) == 1)
        let jitter = try CatalogueHarness("clock-skew", ["offset_ms": 0, "jitter_ms": 100, "tolerance_ms": 1000])
        let offsets = try jitter.run(2_000).map { $0.first(.clockOffset)!.seconds }
        #expect(offsets.allSatisfy { abs($0) <= 0.1 } && offsets.min()! < -0.09 && offsets.max()! > 0.09)
    }
}
