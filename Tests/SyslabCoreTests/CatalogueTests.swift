import Testing
@testable import SyslabCore

/// Properties every built-in scenario must have, checked across the whole catalogue.
@Suite("Catalogue")
struct CatalogueTests {
    static let expectedNames = [
        "fixed-latency", "error-burst", "slow-db-query", "lock-contention", "algorithmic-degradation", "circuit-breaker",
        "retry-storm", "connection-pool-exhaustion", "cache-stampede", "cpu-spike", "memory-leak", "disk-full",
        "network-partition", "clock-skew", "resource-starvation", "stale-read",
        "cache-warming-failure", "cache-invalidation-race", "read-through-cache-failure", "write-behind-cache-lag",
        "n-plus-one-query", "missing-index", "deadlock", "connection-leak", "long-running-transaction",
        "rate-limit", "timeout-cascade", "partial-response", "api-version-mismatch", "dns-resolution-failure",
        "double-write", "phantom-read", "optimistic-locking-collision", "async-callback-storm", "event-ordering-violation",
        "variable-latency", "tail-latency", "timeout-too-short", "timeout-too-long", "slow-start",
        "intermittent-5xx", "503-backpressure", "502-bad-gateway", "499-client-disconnect", "429-rate-limit",
        "thread-pool-exhaustion", "file-descriptor-leak", "memory-pressure", "disk-io-saturation", "bandwidth-limit",
        "binary-search-vs-linear", "hashmap-vs-treemap", "batch-vs-single", "async-vs-sync-io", "json-vs-protobuf",
        "eager-vs-lazy-loading", "pagination-strategies", "sorting-algorithms", "compression-tradeoffs", "caching-layers",
        "pii-leak", "audit-log-failure", "encryption-overhead", "auth-bypass", "sql-injection", "csrf-attack", "data-breach",
        "compliance-violation",
        "oversized-response", "inefficient-serialization", "cold-start", "idle-connection", "uncompressed-payload",
        "unnecessary-polling", "over-provisioned-resources", "data-transfer-costs",
        "flaky-mobile-network", "battery-drain", "offline-first-sync", "3g-bandwidth-limit", "mobile-timeout",
        "cellular-vs-wifi", "app-background-kill", "poor-cellular-signal",
        "model-serving-cold-start", "inference-timeout", "feature-store-lag", "gpu-contention", "model-version-mismatch",
        "batch-inference-delay", "feature-drift", "model-memory-oom",
        "event-replay-lag", "event-ordering-issue", "snapshot-corruption", "saga-compensation-failure",
    ]

    static let orderStorePoints: [String: RequestContext] = [
        "event-replay-lag": RequestContext(route: "/projections/order_summary", component: EventSourcingPoints.projection),
        "event-ordering-issue": RequestContext(route: "/projections/analytics", component: EventSourcingPoints.projection),
        "snapshot-corruption": RequestContext(route: EventSourcingPoints.snapshotWrite, component: EventSourcingPoints.snapshot),
        "saga-compensation-failure": RequestContext(route: "/saga/compensate/refund", component: EventSourcingPoints.saga),
    ]

    /// Scenarios whose effects carry a cost measured on this machine at
    /// enable: their decisions are not reproducible from the seed alone.
    static let measuredNames: Set<String> = [
        "binary-search-vs-linear", "hashmap-vs-treemap", "batch-vs-single", "json-vs-protobuf",
        "eager-vs-lazy-loading", "pagination-strategies", "sorting-algorithms", "compression-tradeoffs",
        "inefficient-serialization",
    ]

    @Test func holdsExactlyTheExpectedNamesInOrder() {
        #expect(BuiltinCatalogue.all.map(\.name) == Self.expectedNames)
        #expect(Set(Self.expectedNames).count == 96)
    }

    @Test(arguments: BuiltinCatalogue.all.map(\.name))
    func definitionIsComplete(_ name: String) throws {
        let s = try #require(BuiltinCatalogue.all.first { $0.name == name })
        try s.validateDefinition()
        #expect(["latency", "http", "database", "caching", "network", "concurrency", "resources", "performance", "security", "cost", "mobile", "ai-ml", "event-sourcing"].contains(s.category))
        #expect(!s.parameters.isEmpty, "at least one parameter")
        #expect(!s.metrics.isEmpty, "at least one domain metric")
        #expect(!s.effectKinds.isEmpty)
        #expect(!s.summary.isEmpty && !s.notes.whatHappens.isEmpty && !s.notes.howToObserve.isEmpty && !s.notes.howToMitigate.isEmpty)
        for spec in s.parameters {
            #expect(!spec.help.isEmpty, "parameter \(spec.name) has help")
            if spec.type == .integer || spec.type == .number {
                #expect(spec.minimum != nil && spec.maximum != nil, "numeric parameter \(spec.name) has safety limits")
            }
            if spec.name.hasSuffix("_ms") || spec.name.hasSuffix("_seconds") || spec.name.hasSuffix("_bytes") {
                #expect(spec.unit != nil, "parameter \(spec.name) states its unit")
            }
        }
        // The notes name at least one of the scenario's own metrics, so a learner knows where to look.
        let text = s.notes.howToObserve + s.summary
        #expect(s.metrics.contains { text.contains($0.name) }, "how_to_observe names a metric of \(name)")
    }

    @Test func sharedMetricNamesAgreeAcrossScenarios() throws {
        let store = MetricsStore()
        for s in BuiltinCatalogue.all {
            for spec in s.metrics { try store.declare(spec, by: s.name) }
        }
        // The domain metrics all exist.
        for name in ["http_injected_latency_seconds", "circuit_breaker_state", "retry_attempts_total", "connection_pool_wait_seconds",
                     "cache_miss_total", "db_queries_per_request", "db_lock_wait_seconds"] {
            #expect(store.family(named: name) != nil, "\(name) is declared")
        }
    }

    @Test(arguments: BuiltinCatalogue.all.map(\.name))
    func enablesWithDefaultsAndEmitsOnlyDeclaredValidEffects(_ name: String) throws {
        let h = try CatalogueHarness(name)
        let scenario = try #require(h.registry.scenario(named: name))
        // The event-sourcing scenarios act only at the order store's decision points.
        let context = Self.orderStorePoints[name] ?? RequestContext(route: "/api/items", method: "GET")
        var kinds = Set<EffectKind>()
        // 400 requests over 400 simulated seconds cover periodic and time-based
        // behaviour; then a burst of 2000 in 2 seconds exceeds every capacity.
        for (count, interval) in [(400, 1.0), (2_000, 0.001)] {
            for _ in 0..<count {
                for effect in try h.decide(context) {
                    try effect.validate(scenario: name)
                    #expect(scenario.effectKinds.contains(effect.kind), "\(name) emitted undeclared \(effect.kind.name)")
                    kinds.insert(effect.kind)
                }
                h.advance(interval)
            }
        }
        #expect(!kinds.isEmpty, "\(name) does something with its defaults")
        // Effects were counted.
        let injected = kinds.reduce(0.0) { $0 + (h.metric("simulator_injections_total", LabelValues(name, $1.name)) ?? 0) }
        #expect(injected > 0)
    }

    @Test func expiryEndsEveryEffect() throws {
        let h = CatalogueHarness(seed: 5)
        for name in Self.expectedNames { try h.registry.enable(name, ttl: 30) }
        var before = 0
        for _ in 0..<50 { before += try h.decide().count; h.advance(0.5) }
        #expect(before > 0)
        h.advance(5)  // now 30 s after enabling
        for _ in 0..<200 { #expect(try h.decide().isEmpty); h.advance(1) }
        #expect(h.registry.activeScenarios().isEmpty)
        #expect(h.registry.metrics.value("simulator_scenarios_enabled") == 0)
    }

    @Test func sameSeedSameDecisionsForEveryScenario() throws {
        func trace(_ seed: UInt64) throws -> [String] {
            let h = CatalogueHarness(seed: seed)
            for name in Self.expectedNames where !Self.measuredNames.contains(name) { try h.registry.enable(name) }
            var out: [String] = []
            for _ in 0..<100 {
                for (scenario, e) in try h.registry.decideAll(RequestContext(route: "/x", method: "POST")) {
                    out.append("\(scenario) \(e.kind.name) \(e.seconds) \(e.status) \(e.amount)")
                }
                h.advance(0.7)
            }
            return out
        }
        let a = try trace(11)
        #expect(a == (try trace(11)))
        #expect(a != (try trace(12)))
    }

    @Test func reenablingStartsFromFreshState() throws {
        let h = try CatalogueHarness("memory-leak", ["leak_bytes_per_request": 1_000_000, "memory_limit_bytes": 100_000_000])
        _ = try h.run(10)
        #expect(h.metric("memory_leaked_bytes", LabelValues("memory-leak")) == 10_000_000)
        try h.registry.enable("memory-leak", parameters: ["leak_bytes_per_request": 1_000_000, "memory_limit_bytes": 100_000_000])
        _ = try h.run(1)
        #expect(h.metric("memory_leaked_bytes", LabelValues("memory-leak")) == 1_000_000)
        try h.registry.disable("memory-leak")
        #expect(h.metric("memory_leaked_bytes", LabelValues("memory-leak")) == nil, "gauges of an ended activation are removed")
    }
}
