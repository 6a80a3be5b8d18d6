import Foundation
import Synchronization
import Testing
@testable import SyslabCore

/// The decision hot path under threads: published active sets seen by every
/// thread's next decision, expiry, per-thread random streams, stateful
/// scenarios and sharded metrics.
@Suite("Decision hot path")
struct HotPathTests {
    /// Runs `body(index)` on `count` new threads at once and waits for all.
    func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            let thread = Thread {
                body(index)
                done.leave()
            }
            thread.start()
        }
        done.wait()
    }

    /// Worker threads that live across phases, so each keeps its cached view
    /// of the registry from one phase to the next.
    final class PhasedWorkers: @unchecked Sendable {
        let phase = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let count: Int
        private let lock = NSLock()
        private var results: [Int: [Int]] = [:]

        init(count: Int) { self.count = count }

        func start(phases: Int, _ decide: @escaping @Sendable () -> Int) {
            for _ in 0..<count {
                Thread {
                    for p in 1...phases {
                        while self.phase.load(ordering: .acquiring) < p { sched_yield() }
                        let n = decide()
                        self.lock.withLock { self.results[p, default: []].append(n) }
                        self.finished.wrappingAdd(1, ordering: .releasing)
                    }
                }.start()
            }
        }

        /// Starts phase `p` and returns every worker's effect count in it.
        func run(_ p: Int) -> [Int] {
            phase.store(p, ordering: .releasing)
            while finished.load(ordering: .acquiring) < p * count { sched_yield() }
            return lock.withLock { results[p] ?? [] }
        }
    }

    @Test func enableDisableAndResetAreSeenByEveryThreadsNextDecision() throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        let workers = PhasedWorkers(count: 4)
        let context = RequestContext(route: "/api", method: "GET")
        workers.start(phases: 6) { (try? registry.decideAll(context).count) ?? -1 }
        #expect(workers.run(1) == [0, 0, 0, 0])
        try registry.enable("fixed-latency")
        #expect(workers.run(2) == [1, 1, 1, 1], "enable is seen by every thread")
        try registry.enable("stale-read", parameters: ["probability": 1])
        #expect(workers.run(3) == [2, 2, 2, 2], "a second enable replaces each thread's cached set")
        try registry.disable("fixed-latency")
        #expect(workers.run(4) == [1, 1, 1, 1], "disable is seen by every thread")
        try registry.reset()
        #expect(workers.run(5) == [0, 0, 0, 0], "reset is seen by every thread")
        try registry.enable("fixed-latency", parameters: ["target": ["route": "/other"]])
        #expect(workers.run(6) == [0, 0, 0, 0], "targeting is compiled per activation")
    }

    @Test func anExpiredScenarioNeverApplies() throws {
        let clock = ManualClock(start: 1000)
        let registry = ScenarioRegistry(clock: clock)
        try registry.enable("fixed-latency", ttl: 10)
        try registry.enable("stale-read", parameters: ["probability": 1], ttl: 20)
        let context = RequestContext(route: "/")
        let late = Atomic<Int>(0), warmed = Atomic<Int>(0)
        onThreads(4) { _ in
            // Warm this thread's view before the expiry (all threads, before any passes it)...
            let before = (try? registry.decideAll(context, now: 1005).count) ?? -1
            if before != 2 { late.wrappingAdd(100, ordering: .relaxed) }
            warmed.wrappingAdd(1, ordering: .releasing)
            while warmed.load(ordering: .acquiring) < 4 { sched_yield() }
            // ...then decide past it: the cached view must not be used as is.
            for step in 0..<200 {
                let now = 1010 + Double(step) * 0.01
                if let effects = try? registry.decideAll(context, now: now),
                   effects.contains(where: { $0.scenario == "fixed-latency" }) {
                    late.wrappingAdd(1, ordering: .relaxed)
                }
            }
        }
        #expect(late.load(ordering: .relaxed) == 0, "no decision at or after the expiry applied the scenario")
        clock.set(1020)
        #expect(try registry.decideAll(context).isEmpty, "the clock reaching the second expiry ends it too")
        #expect(registry.activeScenarios().isEmpty)
    }

    @Test func oneThreadWithTheSameSeedGetsTheSameEffects() throws {
        @Sendable func effects(seed: UInt64) throws -> [Effect] {
            let registry = ScenarioRegistry(clock: ManualClock(), seed: seed)
            try registry.enable("error-burst", parameters: ["probability": 0.5])
            try registry.enable("variable-latency")
            try registry.enable("retry-storm")
            try registry.enable("fixed-latency", parameters: ["target": ["probability": 0.5]])
            var out: [Effect] = []
            for i in 0..<500 {
                try registry.decide(RequestContext(route: "/\(i % 3)")) { _, effect in out.append(effect) }
            }
            return out
        }
        let first = try effects(seed: 7)
        #expect(first.count > 500)
        #expect(try effects(seed: 7) == first)
        // The same calls on another thread: its first decision claims stream 0 of the new registry.
        let elsewhere = Mutex<[Effect]>([])
        onThreads(1) { _ in elsewhere.withLock { $0 = (try? effects(seed: 7)) ?? [] } }
        #expect(elsewhere.withLock { $0 } == first)
        #expect(try effects(seed: 8) != first)
    }

    /// Runs `body` with NUL-terminated copies of the strings (for the C-string decision path).
    func withCStrings<T>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        let copies = strings.map { strdup($0)! }
        defer { copies.forEach { free($0) } }
        return try body(copies.map { UnsafePointer($0) })
    }

    @Test func cStringRequestsGetTheSameEffectsAsRequestContexts() throws {
        // Targeting compiled to byte matchers (route prefix and exact, method
        // ignoring case, component, tags) must agree with `Targeting.matches`.
        func registry() throws -> ScenarioRegistry {
            let registry = ScenarioRegistry(clock: ManualClock(), seed: 11)
            try registry.enable("fixed-latency", parameters: ["target": ["route": "/api/*", "method": "get"]])
            try registry.enable("error-burst", parameters: ["probability": 0.5, "target": ["tags": ["canary"]]])
            try registry.enable("variable-latency", parameters: ["target": ["route": "/exact", "component": "db"]])
            try registry.enable("retry-storm")
            return registry
        }
        let requests: [(String, String, String, [String])] = [
            ("/api/orders", "GET", "backend", ["canary"]), ("/api", "get", "backend", []), ("/exact", "POST", "db", ["eu", "canary"]),
            ("/exact/more", "GET", "db", []), ("", "", "", []), ("/api/x", "Get", "db", ["canar"]),
        ]
        let byContext = try registry(), byStrings = try registry()
        var expected: [[Effect]] = [], actual: [[Effect]] = []
        for round in 0..<50 {
            let (route, method, component, tags) = requests[round % requests.count]
            var effects: [Effect] = []
            try byContext.decide(RequestContext(route: route, method: method, component: component, tags: tags)) { _, e in effects.append(e) }
            expected.append(effects)
            effects = []
            try withCStrings([route, method, component] + tags) { p in
                try Array(p[3...]).withUnsafeBufferPointer { tagPointers in
                    try byStrings.decide(route: p[0], method: p[1], component: p[2], tags: tagPointers.baseAddress, tagCount: tags.count) { _, e in
                        effects.append(e)
                    }
                }
            }
            actual.append(effects)
        }
        #expect(actual == expected)
        #expect(expected.contains { $0.isEmpty } && expected.contains { $0.count >= 3 })
    }

    @Test func theInternerTellsApartFieldsThatDifferInAnyOneByte() throws {
        // The cache hashes only a few bytes of each field and compares short
        // fields with word loads: a field that differs from a cached one in a
        // single byte, at any position and length, must still miss.
        let interner = RequestInterner()
        for length in 1...40 {
            let base = String(repeating: "a", count: length)
            for position in 0..<length {
                var bytes = Array(base.utf8)
                bytes[position] = UInt8(ascii: "b")
                let variant = String(decoding: bytes, as: UTF8.self)
                for (first, second) in [(base, variant), (variant, base)] {
                    try withCStrings([first, second]) { p in
                        for field in 0..<3 {
                            func context(_ s: UnsafePointer<CChar>?) throws -> RequestContext {
                                try interner.context(route: field == 0 ? s : nil, method: field == 1 ? s : nil,
                                                     component: field == 2 ? s : nil, tags: nil, tagCount: 0)
                            }
                            #expect(try context(p[0]) == context(p[0]))
                            let got = try context(p[1])
                            #expect([got.route, got.method, got.component][field] == second)
                        }
                        try [p[0]].withUnsafeBufferPointer { tag in
                            _ = try interner.context(route: nil, method: nil, component: nil, tags: tag.baseAddress, tagCount: 1)
                        }
                        let tags = try [p[1]].withUnsafeBufferPointer { tag in
                            try interner.context(route: nil, method: nil, component: nil, tags: tag.baseAddress, tagCount: 1).tags
                        }
                        #expect(tags == [second])
                    }
                }
            }
        }
    }

    @Test func aNestedDecisionThatChangesTheActiveSetLeavesTheOuterDecisionIntact() throws {
        // A scenario's script may enable, disable and decide from inside its
        // apply. The nested decision then refreshes this thread's view while
        // the outer decision still iterates the old one (borrowed): the old
        // view must live until the outer decision ends.
        let registry = ScenarioRegistry(clock: ManualClock(), seed: 5)
        let nested = Mutex<[[Effect]]>([])
        try registry.register(Scenario(
            name: "decides-inside", category: "custom", summary: "", notes: LearningNotes(whatHappens: "", howToObserve: "", howToMitigate: ""),
            parameters: [], metrics: [], effectKinds: [.delay], origin: "lua"
        ) { _, emit in
            if nested.withLock({ $0.isEmpty }) {
                nested.withLock { $0.append([]) }
                try registry.enable("fixed-latency", parameters: ["delay_ms": 7])
                let inner = try registry.decideAll(RequestContext()).map(\.effect)
                try registry.disable("fixed-latency")
                nested.withLock { $0 = [inner] }
            }
            emit(.delay(seconds: 0.5))
        })
        try registry.enable("decides-inside")
        try registry.enable("error-burst", parameters: ["probability": 1])
        let outer = try registry.decideAll(RequestContext())
        #expect(outer.map(\.scenario) == ["decides-inside", "error-burst"])
        #expect(nested.withLock { $0 } == [[.delay(seconds: 0.5), .error(status: 500), .delay(seconds: 0.007)]])
        #expect(try registry.decideAll(RequestContext()).map(\.scenario) == ["decides-inside", "error-burst"])
    }

    @Test func anInternedRequestDisplacedDuringItsDecisionStaysValid() throws {
        // A scenario's script may decide from inside its apply: new request
        // shapes then displace cache slots while the outer decision still
        // reads its request. The displaced entry lives until the outer one ends.
        let interner = RequestInterner()
        try withCStrings(["/outer/{id}", "GET", "backend"]) { outer in
            try interner.withRequest(route: outer[0], method: outer[1], component: outer[2], tags: nil, tagCount: 0) { request in
                for i in 0..<(4 * RequestInterner.slots) {
                    try withCStrings(["/inner/\(i)"]) { inner in
                        _ = try interner.context(route: inner[0], method: nil, component: nil, tags: nil, tagCount: 0)
                    }
                }
                #expect(interner.misses == 1 + 4 * RequestInterner.slots)
                #expect(request.context.pointee == RequestContext(route: "/outer/{id}", method: "GET", component: "backend"))
                #expect(Array(request.route) == Array("/outer/{id}".utf8))
            }
        }
    }

    @Test func aDecisionsGeneratorSeededOnFirstDrawGivesTheSeededStream() {
        var request = ScenarioRequest(now: 0, elapsed: 0, seed: 42, shard: 0)
        var expected = SeededGenerator(seed: 42)
        let drawn = (0..<4).map { _ in request.random.next() }
        #expect(drawn == (0..<4).map { _ in expected.next() })
        var copy = request.random
        #expect(copy.next() == expected.next(), "reading the stream continues where the draws left it")
    }

    @Test func threadsDrawFromDifferentStreams() throws {
        let registry = ScenarioRegistry(clock: ManualClock(), seed: 3)
        try registry.enable("variable-latency")
        let draws = Mutex<[[Double]]>([])
        onThreads(3) { _ in
            var mine: [Double] = []
            for _ in 0..<20 { _ = try? registry.decide(RequestContext()) { _, effect in mine.append(effect.seconds) } }
            draws.withLock { $0.append(mine) }
        }
        let all = draws.withLock { $0 }
        #expect(all.count == 3)
        #expect(Set(all.map { $0.map(\.bitPattern) }).count == 3, "each thread has its own random stream")
    }

    @Test func circuitBreakerCountsStayConsistentUnderConcurrency() throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        try registry.enable("circuit-breaker", parameters: [
            "failure_probability": 1, "failure_threshold": 5, "open_seconds": 3600, "failure_latency_ms": 0,
        ])
        let failedThrough = Atomic<Int>(0), rejected = Atomic<Int>(0)
        onThreads(4) { _ in
            for _ in 0..<1000 {
                _ = try? registry.decide(RequestContext(), now: 2000) { _, effect in
                    if effect.status == 502 { failedThrough.wrappingAdd(1, ordering: .relaxed) }
                    if effect.status == 503 { rejected.wrappingAdd(1, ordering: .relaxed) }
                }
            }
        }
        // Five failures open the breaker; every later call is failed fast.
        #expect(failedThrough.load(ordering: .relaxed) == 5)
        #expect(rejected.load(ordering: .relaxed) == 3995)
        let label = LabelValues("circuit-breaker")
        #expect(registry.metrics.value("circuit_breaker_trips_total", label) == 1)
        #expect(registry.metrics.value("circuit_breaker_rejections_total", label) == 3995)
        #expect(registry.metrics.value("circuit_breaker_state", label) == 1)
    }

    @Test func aClosedBreakerWithoutFailuresTakesTheLockFreePathAndStaysClosed() throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        try registry.enable("circuit-breaker", parameters: ["failure_probability": 0])
        let active = try #require(registry.activeScenarios().first)
        onThreads(4) { _ in
            for _ in 0..<1000 { _ = try? registry.decideAll(RequestContext()) }
        }
        #expect(active.state.summary.load(ordering: .relaxed) == 0)
        #expect(active.state.transaction { $0["failures"] } == 0, "nothing was written")
        #expect(registry.metrics.value("circuit_breaker_state", LabelValues("circuit-breaker")) == 0)
    }

    @Test func metricShardsSumToEveryUpdateFromEveryThread() throws {
        let store = MetricsStore()
        let counter = try store.declare(.counter("hot_path_test_total", "Test counter."), by: "test").series(.none)
        let histogram = try store.declare(
            .histogram("hot_path_test_seconds", "Test histogram.", buckets: [0.5, 1]), by: "test"
        ).series(.none)
        // More threads than owned shards, so the shared overflow shard is used too.
        let threads = ThreadShard.ownedCount + 6
        onThreads(threads) { index in
            for _ in 0..<1000 {
                counter.add(1)
                histogram.observe(index % 2 == 0 ? 0.25 : 2)
            }
        }
        #expect(counter.currentValue == Double(threads * 1000))
        let h = histogram.histogram
        let even = (threads + 1) / 2
        #expect(h.count == UInt64(threads * 1000))
        #expect(h.cumulative == [UInt64(even * 1000), UInt64(even * 1000), UInt64(threads * 1000)])
        #expect(h.sum == Double(even * 1000) * 0.25 + Double((threads - even) * 1000) * 2)
        #expect(store.exposition().contains("hot_path_test_total \(threads * 1000)\n"))
    }

    @Test func injectionsMetricEqualsEffectsHandedOutAcrossThreads() throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        for name in ["fixed-latency", "error-burst", "stale-read", "retry-storm", "rate-limit"] {
            try registry.enable(name)
        }
        let handed = Atomic<Int>(0)
        onThreads(4) { _ in
            for i in 0..<2000 {
                let n = (try? registry.decide(RequestContext(route: "/\(i % 4)")) { _, _ in }) ?? 0
                handed.wrappingAdd(n, ordering: .relaxed)
            }
        }
        let family = try #require(registry.metrics.family(named: FrameworkMetrics.injections.name))
        let counted = family.allSeries.reduce(0.0) { $0 + $1.currentValue }
        #expect(handed.load(ordering: .relaxed) > 0)
        #expect(counted == Double(handed.load(ordering: .relaxed)))
    }
}
