import Testing
@testable import SyslabCore

@Suite("ScenarioRegistry")
struct RegistryTests {
    @Test func catalogueHoldsBuiltins() {
        let registry = ScenarioRegistry()
        let names = registry.catalogue.map(\.name)
        #expect(names.contains("fixed-latency"))
        #expect(names.contains("error-burst"))
        #expect(names.contains("variable-latency"))
        #expect(Set(names).count == names.count, "names are unique")
    }

    @Test func enableAppliesDefaultsAndParameters() throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        try registry.enable("fixed-latency")
        #expect(registry.activeScenarios().first?.parameters.int("delay_ms") == 200)
        try registry.enable("fixed-latency", parameters: ["delay_ms": 75])
        let active = registry.activeScenarios()
        #expect(active.count == 1, "re-enabling replaces")
        #expect(active[0].parameters.int("delay_ms") == 75)
        let effects = try registry.decideAll(RequestContext(route: "/"))
        #expect(effects.map(\.effect) == [.delay(seconds: 0.075)])
    }

    @Test func validationNamesParameterAndRange() {
        let registry = ScenarioRegistry()
        #expect(throws: SyslabError.outOfRange("parameter 'delay_ms' of scenario 'fixed-latency' must be in [0, 60000] ms, got 60001")) {
            try registry.enable("fixed-latency", parameters: ["delay_ms": 60001])
        }
        #expect(throws: SyslabError.notFound("unknown scenario 'nope'")) { try registry.enable("nope") }
        #expect(throws: SyslabError.typeMismatch("parameter 'probability' of scenario 'error-burst' must be a number, got boolean")) {
            try registry.enable("error-burst", parameters: ["probability": true])
        }
        #expect(throws: SyslabError.self) { try registry.enable("fixed-latency", parameters: ["delay_ms": 1.5]) }
        #expect(throws: SyslabError.self) { try registry.enable("fixed-latency", parameters: ["extra": 1]) }
        #expect(throws: SyslabError.self) { try registry.enable("fixed-latency", parameters: [1, 2]) }
        #expect(throws: SyslabError.self) { try registry.enable("fixed-latency", ttl: .nan) }
        #expect(registry.activeScenarios().isEmpty, "failed enables change nothing")
    }

    @Test func expiryFollowsTheInjectedClock() throws {
        let clock = ManualClock(start: 1000)
        let registry = ScenarioRegistry(clock: clock)
        try registry.enable("fixed-latency", ttl: 30)
        try registry.enable("error-burst", ttl: 0)
        let status = registry.statusJSON()
        let first = status["enabled"]?.arrayValue?.first
        #expect(first?["expires_at"]?.doubleValue == 1030)
        #expect(first?["remaining_seconds"]?.doubleValue == 30)
        try clock.advance(by: 29.999)
        #expect(registry.activeScenarios().count == 2)
        try clock.advance(by: 0.001)
        #expect(registry.activeScenarios().map(\.scenario.name) == ["error-burst"], "no-ttl scenario stays")
        #expect(try registry.decideAll(RequestContext()).allSatisfy { $0.scenario == "error-burst" })
    }

    @Test func disableAndReset() throws {
        let registry = ScenarioRegistry()
        try registry.enable("fixed-latency")
        try registry.enable("error-burst")
        try registry.disable("fixed-latency")
        try registry.disable("fixed-latency")  // idempotent for known names
        #expect(registry.activeScenarios().map(\.scenario.name) == ["error-burst"])
        #expect(throws: SyslabError.notFound("unknown scenario 'ghost'")) { try registry.disable("ghost") }
        try registry.reset()
        #expect(registry.activeScenarios().isEmpty)
    }

    @Test func errorBurstRateMatchesProbability() throws {
        let registry = ScenarioRegistry(seed: 11)
        try registry.enable("error-burst", parameters: ["probability": 0.2, "status_code": 503])
        var failures = 0
        let n = 100_000
        for _ in 0..<n {
            try registry.decide(RequestContext()) { _, effect in
                if effect.kind == .error, effect.status == 503 { failures += 1 }
            }
        }
        // Binomial(100000, 0.2): sd = 126.5; allow 5 sd.
        #expect(abs(failures - 20_000) < 633)
    }

    @Test func sameSeedSameDecisions() throws {
        func run(_ seed: UInt64) throws -> [Double] {
            let registry = ScenarioRegistry(seed: seed)
            try registry.enable("variable-latency", parameters: ["distribution": "lognormal", "mean_ms": 80, "stddev_ms": 120])
            return try (0..<100).map { _ in try registry.decideAll(RequestContext())[0].effect.seconds }
        }
        #expect(try run(3) == run(3))
        #expect(try run(3) != run(4))
    }

    @Test func variableLatencyHasTheRequestedMeanAndCap() throws {
        let registry = ScenarioRegistry(seed: 5)
        try registry.enable("variable-latency", parameters: ["distribution": "exponential", "mean_ms": 50, "max_ms": 100_000])
        let n = 50_000
        var sum = 0.0
        for _ in 0..<n { sum += try registry.decideAll(RequestContext())[0].effect.seconds }
        // Exponential mean 0.05 s, sd 0.05: standard error 0.00022; allow 5 of them.
        #expect(abs(sum / Double(n) - 0.05) < 0.0012)
        try registry.enable("variable-latency", parameters: ["distribution": "pareto", "mean_ms": 50, "max_ms": 80])
        for _ in 0..<2_000 { #expect(try registry.decideAll(RequestContext())[0].effect.seconds <= 0.080) }
    }

    @Test func targetingNarrowsWhereAScenarioApplies() throws {
        let registry = ScenarioRegistry()
        try registry.enable("fixed-latency", parameters: ["target": ["route": "/api/*", "component": "postgres", "tags": ["canary"]]])
        #expect(try registry.decideAll(RequestContext(route: "/api/x", component: "postgres", tags: ["canary", "eu"])).count == 1)
        #expect(try registry.decideAll(RequestContext(route: "/web", component: "postgres", tags: ["canary"])).isEmpty)
        #expect(try registry.decideAll(RequestContext(route: "/api/x", component: "redis", tags: ["canary"])).isEmpty)
        #expect(try registry.decideAll(RequestContext(route: "/api/x", component: "postgres")).isEmpty)
    }

    @Test func targetingProbabilityIsDrawnPerRequest() throws {
        let registry = ScenarioRegistry(seed: 2)
        try registry.enable("fixed-latency", parameters: ["target": ["probability": 0.3]])
        var hits = 0
        for _ in 0..<20_000 { hits += try registry.decideAll(RequestContext()).count }
        // Binomial(20000, 0.3): sd = 64.8.
        #expect(abs(hits - 6_000) < 324)
    }

    @Test func userScenariosRegisterAndBuiltinsAreProtected() throws {
        let registry = ScenarioRegistry()
        let custom = Scenario(
            name: "my-scenario", category: "custom", summary: "test",
            notes: LearningNotes(whatHappens: "", howToObserve: "", howToMitigate: ""),
            parameters: [.integer("n", default: 1, min: 0, max: 5, help: "")], metrics: [],
            effectKinds: [.extraQueries], origin: "lua"
        ) { invocation, emit in
            emit(Effect(kind: .extraQueries, amount: Double(invocation.parameters.int("n"))))
        }
        try registry.register(custom)
        try registry.enable("my-scenario", parameters: ["n": 4])
        #expect(try registry.decideAll(RequestContext()).first?.effect.amount == 4)
        var builtin = custom
        builtin.name = "fixed-latency"
        #expect(throws: SyslabError.self) { try registry.register(builtin) }
        var badName = custom
        badName.name = "Not Kebab"
        #expect(throws: SyslabError.self) { try registry.register(badName) }
    }

    @Test func concurrentEnableAndDecideIsSafe() async throws {
        let registry = ScenarioRegistry()
        try registry.enable("error-burst", parameters: ["probability": 0.5])
        await withTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var seen = 0
                    for i in 0..<2_000 {
                        if worker == 0, i % 10 == 0 {
                            try? registry.enable("fixed-latency", ttl: 5)
                            try? registry.disable("fixed-latency")
                        }
                        seen += (try? registry.decideAll(RequestContext()).count) ?? 0
                    }
                    return seen
                }
            }
            var total = 0
            for await seen in group { total += seen }
            #expect(total > 0)
        }
    }
}

@Suite("JSONValue")
struct JSONValueTests {
    @Test func roundTripsAndSortsKeys() throws {
        let value = try JSONValue.parse(#"{"b": [1, 2.5, true, null], "a": "x\n\"y\""}"#)
        #expect(value.serialized() == #"{"a":"x\n\"y\"","b":[1,2.5,true,null]}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test func malformedInputIsAnError() {
        for bad in ["{", "[1 2]", "{'a': 1}", "", "tru"] {
            #expect(throws: SyslabError.self) { try JSONValue.parse(bad) }
        }
    }
}

@Suite("Distributions")
struct DistributionTests {
    @Test(arguments: [
        Distribution.exponential(mean: 2), .lognormal(mean: 2, stddev: 3), .uniform(min: 1, max: 3),
        .weibull(scale: 2, shape: 1.5), .pareto(scale: 1, alpha: 3), .normal(mean: 2, stddev: 0.2),
    ])
    func sampleMeanMatchesTheory(_ distribution: Distribution) {
        var rng = SeededGenerator(seed: 99)
        let n = 200_000
        var sum = 0.0
        for _ in 0..<n { sum += distribution.sample(&rng) }
        let mean = sum / Double(n)
        #expect(abs(mean - distribution.mean) / distribution.mean < 0.02, "\(distribution): \(mean) vs \(distribution.mean)")
    }

    @Test func streamsAreIndependentAndReproducible() {
        var a = SeededGenerator(seed: 1, stream: 1)
        var b = SeededGenerator(seed: 1, stream: 2)
        var c = SeededGenerator(seed: 1, stream: 1)
        let xs = (0..<8).map { _ in a.next() }
        #expect(xs == (0..<8).map { _ in c.next() })
        #expect(xs != (0..<8).map { _ in b.next() })
    }
}
