import SyslabCore
import Testing
@testable import SyslabSimulation

/// Sweeps: grids, seeds that do not depend on threads, cancellation, bad grids, helpers.
@Suite struct SweepTests {
    /// api -> db with a pool on the edge: small enough for the debug build.
    static func test(rate: Double = 200, seconds: Double = 3, scenario: Bool = true, extra: String = "") throws -> JSONValue {
        try JSONValue.parse("""
        {"system": {"topology": {"name": "api-db", "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                                 "edges": [{"from": "api", "to": "db"}]},
                    "nodes": {"api": {"servers": 8, "service": "2ms"},
                              "db": {"servers": 4, "service": {"kind": "exponential", "mean": "5ms"}}},
                    "edges": {"api->db": {"pool": {"size": 4, "wait_timeout": "1s"}}}},
         "workload": {"executor": "constant-arrival-rate", "rate": \(rate), "duration": \(seconds)},
         "scenarios": [\(scenario ? #"{"name": "slow-db-query", "at": 1, "duration": 1, "params": {"target": {"tags": ["db"]}}}"# : "")]
         \(extra)}
        """)
    }

    static func grid(_ text: String) throws -> SweepGrid { try SweepGrid(config: try JSONValue.parse(text)) }

    static let twoAxes = """
        {"workload.rate": [100, 300], "system.edges[\\"api->db\\"].pool.size": [2, 4, 8]}
        """

    @Test func pointsVaryTheLastAxisFastestAndObjectAxesAreInPathOrder() throws {
        let g = try Self.grid(Self.twoAxes)
        #expect(g.axes.map(\.path.text) == ["system.edges[\"api->db\"].pool.size", "workload.rate"])
        #expect(g.pointCount == 6)
        #expect(g.point(0).map(\.value) == [2, 100])
        #expect(g.point(1).map(\.value) == [2, 300])
        #expect(g.point(5).map(\.value) == [8, 300])
        let listed = try Self.grid(#"[{"path": "workload.rate", "values": [100, 300]}, {"path": "system.nodes.db.servers", "values": [1, 2]}]"#)
        #expect(listed.axes.map(\.path.text) == ["workload.rate", "system.nodes.db.servers"])
    }

    @Test func pathsSetNestedFieldsAndScenariosByNameOrPosition() throws {
        let base = try Self.test()
        let byName = try SweepPath("scenarios.slow-db-query.params.delay_ms").setting(250, in: base)
        let byPosition = try SweepPath("scenarios[1].params.delay_ms").setting(250, in: base)
        #expect(byName == byPosition)
        #expect(byName["scenarios"]?.arrayValue?[0]["params"]?["delay_ms"] == 250)
        #expect(byName["scenarios"]?.arrayValue?[0]["params"]?["target"] != nil)
        let pool = try SweepPath(#"system.edges["api->db"].pool.size"#).setting(16, in: base)
        #expect(pool["system"]?["edges"]?["api->db"]?["pool"]?["size"] == 16)
        #expect(pool["system"]?["edges"]?["api->db"]?["pool"]?["wait_timeout"] == "1s")
        let created = try SweepPath("system.nodes.api.queue").setting(10, in: base)
        #expect(created["system"]?["nodes"]?["api"]?["queue"] == 10)
        #expect(created["system"]?["nodes"]?["api"]?["servers"] == 8)
    }

    @Test func rowsAreTheSameWhateverTheThreadCount() throws {
        let grid = try Self.grid(Self.twoAxes)
        func rows(threads: Int) throws -> [JSONValue] {
            try Sweep(test: Self.test(), grid: grid, options: SweepOptions(replicas: 2, threads: threads, seed: 7)).run().rows.map(\.json)
        }
        let one = try rows(threads: 1)
        #expect(one.count == 12)
        #expect(try rows(threads: 2) == one)
        #expect(try rows(threads: 5) == one)
        // Shared among "processes" by job slices, the rows are the same too.
        var sliced: [JSONValue] = []
        for first in stride(from: 0, to: 12, by: 5) {
            var options = SweepOptions(replicas: 2, threads: 2, seed: 7)
            options.firstJob = first
            options.jobCount = 5
            sliced += try Sweep(test: Self.test(), grid: grid, options: options).run().rows.map(\.json)
        }
        #expect(sliced == one)
        // Replicas differ from each other; another sweep seed gives other rows.
        #expect(one[0]["seed"] != one[1]["seed"])
        #expect(one[0]["p99_ms"] != one[1]["p99_ms"])
        let other = try Sweep(test: Self.test(), grid: grid, options: SweepOptions(replicas: 2, threads: 2, seed: 8)).run().rows.map(\.json)
        #expect(other[0]["seed"] != one[0]["seed"])
    }

    @Test func aPointKeepsItsSeedWhenValuesJoinTheGrid() throws {
        let small = try Sweep(test: Self.test(), grid: try Self.grid(#"{"workload.rate": [100, 300]}"#), options: SweepOptions(threads: 2))
        let large = try Sweep(test: Self.test(), grid: try Self.grid(#"{"workload.rate": [50, 100, 200, 300]}"#), options: SweepOptions(threads: 2))
        #expect(small.runSeed(point: 0, replica: 0) == large.runSeed(point: 1, replica: 0))
        #expect(small.runSeed(point: 1, replica: 0) == large.runSeed(point: 3, replica: 0))
        let a = try small.run().rows.map(\.json), b = try large.run().rows.map(\.json)
        // Same seed, same values: the same run (only the point number differs).
        func withoutPoint(_ row: JSONValue) -> JSONValue {
            var o = row.objectValue!; o["point"] = nil; return .object(o)
        }
        #expect(withoutPoint(a[0]) == withoutPoint(b[1]))
        #expect(withoutPoint(a[1]) == withoutPoint(b[3]))
    }

    @Test func aRowsSeedRerunsItsRunAsAPlainLoadTest() throws {
        let sweep = try Sweep(test: Self.test(), grid: try Self.grid(#"{"workload.rate": [300]}"#), options: SweepOptions(replicas: 2, threads: 1))
        let row = try sweep.run().rows[1]
        var test = try LoadTest(config: try SweepPath("workload.rate").setting(300, in: Self.test()))
        test.options.seed = UInt64(row.json["seed"]!.doubleValue!)
        let report = try test.run()
        #expect(row.figures["p99_ms"] == .number(report.result.latency.p99 * 1000))
        #expect(row.figures["requests"] == .number(Double(report.result.completed)))
    }

    @Test func rowsCarryTheFiguresPeopleSweepFor() throws {
        let outcome = try Sweep(test: Self.test(), grid: try Self.grid(#"{"system.nodes.db.servers": [1, 8]}"#),
                                options: SweepOptions(threads: 2)).run()
        #expect(!outcome.cancelled)
        let rows = outcome.rows.map(\.json)
        for key in ["point", "replica", "seed", "system.nodes.db.servers", "requests", "failed", "failure_rate", "throughput",
                    "mean_ms", "p50_ms", "p95_ms", "p99_ms", "passed", "utilisation.api", "utilisation.db", "pool_wait_ms.api->db"] {
            #expect(rows[0][key] != nil, "missing \(key)")
        }
        // One database server for 200 requests/s of 5 ms (+ the slow phase) is saturated; eight are not.
        let u1 = rows[0]["utilisation.db"]!.doubleValue!, u8 = rows[1]["utilisation.db"]!.doubleValue!
        #expect(u1 > u8)
        #expect(rows[0]["pool_wait_ms.api->db"]!.doubleValue! > rows[1]["pool_wait_ms.api->db"]!.doubleValue!)
        #expect(rows[0]["p99_ms"]!.doubleValue! > rows[1]["p99_ms"]!.doubleValue!)
        #expect(outcome.json["rows"]?.arrayValue?.count == 2)
    }

    @Test func cancellingReturnsTheRowsThatFinished() throws {
        let grid = try Self.grid(#"{"workload.rate": [100, 150, 200, 250, 300, 350, 400, 450], "system.nodes.db.servers": [4, 8]}"#)
        let sweep = try Sweep(test: Self.test(seconds: 20), grid: grid, options: SweepOptions(threads: 1, seed: 3))
        let full = try sweep.run().rows.map(\.json)
        let cancelled = try sweep.run { done, _ in done < 2 }
        #expect(cancelled.cancelled)
        #expect(cancelled.rows.count >= 2 && cancelled.rows.count < 16)
        // What finished is exactly what the full sweep has for those jobs.
        for row in cancelled.rows { #expect(row.json == full[row.job]) }
    }

    @Test func cancellingStopsRunsInTheMiddle() throws {
        // Each run would simulate an hour at 2000 requests/s (minutes of work even
        // optimised); cancelled at the first report, none may finish.
        let long = try Self.test(rate: 2000, seconds: 3600)
        let sweep = try Sweep(test: long, grid: try Self.grid(#"{"workload.rate": [2000, 2001]}"#), options: SweepOptions(threads: 2))
        var calls = 0
        let outcome = try sweep.run { _, _ in calls += 1; return calls < 2 }
        #expect(outcome.cancelled)
        #expect(outcome.rows.isEmpty)
        #expect(outcome.jobs == 2)
    }

    @Test(arguments: [
        (#"{}"#, "grid is empty"),
        (#"[]"#, "grid is empty"),
        (#"{"workload.rate": []}"#, "empty list of values"),
        (#"{"workload.rate": 100}"#, "must map to a list of values"),
        (#"{"workload.rate": [100, null]}"#, "value 2 is null"),
        (#"{"load.rate": [1]}"#, "must start with one of system, workload"),
        (#"{"workload.rat": [1]}"#, "unknown field 'rat' in workload"),
        (#"{"system.nodes.cache.servers": [1]}"#, "which is not a node"),
        (#"{"system.nodes.api.servers": ["many"]}"#, "system.nodes.api.servers must be"),
        (#"{"system.nodes.api.servers": [4, 0]}"#, "grid point 2 (system.nodes.api.servers = 0)"),
        (#"{"scenarios.cache-stampede.params.x": [1]}"#, "no entry named 'cache-stampede'"),
        (#"{"scenarios.slow-db-query.params.delay_ms": ["slow"]}"#, "delay_ms"),
        (#"{"scenarios[3].at": [1]}"#, "scenarios[3] does not exist"),
        (#"{"options.seed": [1, 2]}"#, "use replicas"),
        (#"{"workload..rate": [1]}"#, "empty segment"),
        (#"{"workload.rate.x": [1]}"#, "has no field 'x'"),
        (#"[{"path": "workload.rate"}]"#, "needs 'values'"),
        (#""rate""#, "grid must be an object"),
    ])
    func badGridsFailBeforeAnythingRuns(grid: String, message: String) throws {
        do {
            _ = try Sweep(test: Self.test(), grid: try Self.grid(grid))
            Issue.record("grid \(grid) was accepted")
        } catch let error as SyslabError {
            #expect(error.message.contains(message), "\(grid): \(error.message)")
        }
    }

    @Test func badOptionsAndTestsAreRefused() throws {
        #expect(throws: SyslabError.self) { try SweepOptions(config: ["replicas": 0]) }
        #expect(throws: SyslabError.self) { try SweepOptions(config: ["threads": "many"]) }
        #expect(throws: SyslabError.self) { try SweepOptions(config: ["replica": 2]) }
        #expect(throws: SyslabError.self) { try Sweep(test: ["workload": [:]], grid: try Self.grid(#"{"workload.rate": [1]}"#)) }
        // A million points times two replicas is more runs than a sweep holds rows for.
        let huge = try SweepGrid(axes: [.init(path: try SweepPath("workload.rate"), values: (1...1000).map { .number(Double($0)) }),
                                        .init(path: try SweepPath("system.nodes.api.servers"), values: (1...1000).map { .number(Double($0)) })])
        #expect(throws: SyslabError.limitExceeded("the sweep has 1000000 points x 2 replicas; at most 1000000 runs")) {
            try Sweep(test: Self.test(), grid: huge, options: SweepOptions(replicas: 2))
        }
        var options = SweepOptions()
        options.firstJob = 5
        #expect(throws: SyslabError.self) { try Sweep(test: Self.test(), grid: try Self.grid(#"{"workload.rate": [1]}"#), options: options) }
    }

    @Test func aRunThatFailsLeavesAnErrorRowAndTheOthersRun() throws {
        // max_calls_in_flight = 1 cannot hold a request's two calls at a high rate.
        let test = try Self.test(extra: #", "options": {"max_calls_in_flight": 50}"#)
        let outcome = try Sweep(test: test, grid: try Self.grid(#"{"workload.rate": [10, 5000]}"#), options: SweepOptions(threads: 2)).run()
        #expect(outcome.rows.count == 2)
        #expect(outcome.rows[0].error == nil)
        #expect(outcome.rows[1].error?.contains("max_calls_in_flight") == true)
        #expect(outcome.rows[1].json["p99_ms"] == nil)
    }

    @Test func bisectionFindsTheSmallestValueTheFullSweepWouldPick() throws {
        let values: [JSONValue] = [1, 2, 3, 4, 6, 8]
        let condition = try SweepCondition("p99_ms < 60")
        let search = try SweepSearch(test: Self.test(scenario: false), path: try SweepPath("system.nodes.db.servers"), values: values,
                                     condition: condition, options: SweepOptions(replicas: 2, threads: 2, seed: 5))
        let (answer, steps) = try search.run()
        let full = try Sweep(test: Self.test(scenario: false), grid: SweepGrid(axes: [.init(path: try SweepPath("system.nodes.db.servers"), values: values)]),
                             options: SweepOptions(replicas: 2, threads: 2, seed: 5)).run().rows
        let metByPoint = (0..<values.count).map { p in full.filter { $0.point == p }.allSatisfy(condition.holds) }
        let expected = metByPoint.firstIndex(of: true)
        #expect(expected != nil && expected != 0, "one saturated database server must fail p99 < 60 ms, some count must meet it")
        #expect(answer == expected)
        #expect(steps.count <= 4)   // log2(6) + the first check of the largest
        for step in steps {
            #expect(step.met == metByPoint[step.index])
            // Each value's rows are that point's rows in the full sweep (the point number aside).
            #expect(step.rows.map(\.figures) == full.filter { $0.point == step.index }.map(\.figures))
        }
    }

    @Test func conditionsParseAndRefuseNonsense() throws {
        let c = try SweepCondition("failure_rate<=0.01")
        #expect(c.figure == "failure_rate" && c.comparison == "<=" && c.limit == 0.01)
        #expect(throws: SyslabError.self) { try SweepCondition("p99_ms") }
        #expect(throws: SyslabError.self) { try SweepCondition("< 3") }
        #expect(throws: SyslabError.self) { try SweepCondition("p99_ms < fast") }
    }

    @Test func kneeOfALatencyLoadCurve() throws {
        let x: [Double] = [100, 200, 300, 400, 500, 600, 700, 800]
        let y: [Double] = [10, 10.5, 11, 12, 14, 20, 60, 200]
        #expect(SweepKnee.knee(x: x, y: y) == 5)   // 600: where latency turns upward
        #expect(SweepKnee.knee(x: x, y: x) == nil)   // a straight line has no knee
        let rows: [JSONValue] = zip(x, y).flatMap { x, y in
            [["workload.rate": .number(x), "p99_ms": .number(y - 1)], ["workload.rate": .number(x), "p99_ms": .number(y + 1)]]
        }
        let found = try SweepKnee.find(config: ["rows": .array(rows), "x": "workload.rate", "y": "p99_ms"])
        #expect(found["x"] == 600 && found["index"] == 6)
        #expect(throws: SyslabError.self) { try SweepKnee.find(config: ["rows": .array(Array(rows.prefix(4))), "x": "workload.rate", "y": "p99_ms"]) }
        #expect(throws: SyslabError.self) { try SweepKnee.find(config: ["rows": .array(rows), "x": "workload.rate", "y": "p98_ms"]) }
    }
}
