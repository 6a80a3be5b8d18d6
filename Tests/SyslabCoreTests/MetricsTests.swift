import Testing
@testable import SyslabCore

@Suite("Metrics")
struct MetricsTests {
    @Test func exposesCountersGaugesAndHistogramsInTextFormat004() throws {
        let store = MetricsStore()
        let requests = try store.declare(.counter("demo_requests_total", "Requests.\nSecond line \\ done.", labels: ["route"]), by: "test")
        requests.series(LabelValues("/a\"b\\c\nd")).add(3)
        try store.declare(.gauge("demo_queue_depth", "Queue depth."), by: "test").series(.none).set(2.5)
        let latency = try store.declare(.histogram("demo_latency_seconds", "Latency.", labels: ["scenario"], buckets: [0.1, 1]), by: "test")
        for v in [0.05, 0.1, 0.5, 3] { latency.series(LabelValues("x")).observe(v) }
        try store.declare(.counter("demo_unused_total", "Never incremented."), by: "test")
        let expected = """
            # HELP demo_latency_seconds Latency.
            # TYPE demo_latency_seconds histogram
            demo_latency_seconds_bucket{scenario="x",le="0.1"} 2
            demo_latency_seconds_bucket{scenario="x",le="1"} 3
            demo_latency_seconds_bucket{scenario="x",le="+Inf"} 4
            demo_latency_seconds_sum{scenario="x"} 3.65
            demo_latency_seconds_count{scenario="x"} 4
            # HELP demo_queue_depth Queue depth.
            # TYPE demo_queue_depth gauge
            demo_queue_depth 2.5
            # HELP demo_requests_total Requests.\\nSecond line \\\\ done.
            # TYPE demo_requests_total counter
            demo_requests_total{route="/a\\"b\\\\c\\nd"} 3

            """
        #expect(store.exposition() == expected)
    }

    @Test func sameNameMustAgreeOnTypeLabelsAndBuckets() throws {
        let store = MetricsStore()
        let a = try store.declare(.counter("x_total", "X.", labels: ["scenario"]), by: "one")
        #expect(try store.declare(.counter("x_total", "Other help is fine.", labels: ["scenario"]), by: "two") === a)
        #expect(throws: SyslabError.self) { try store.declare(.gauge("x_total", "X."), by: "three") }
        #expect(throws: SyslabError.self) { try store.declare(.counter("x_total", "X.", labels: ["route"]), by: "three") }
        try store.declare(.histogram("h_seconds", "H.", buckets: [1, 2]), by: "one")
        #expect(throws: SyslabError.self) { try store.declare(.histogram("h_seconds", "H.", buckets: [1, 3]), by: "two") }
    }

    @Test(arguments: [
        (MetricSpec.counter("requests", "No _total."), "must end in _total"),
        (.gauge("queue_total", "Gauge ending in _total."), "must not end in _total"),
        (.counter("latency_ms_total", "Abbreviated unit."), "not 'ms'"),
        (.histogram("wait_milliseconds", "Non-base unit.", buckets: [1]), "base unit 'seconds'"),
        (.counter("Requests_total", "Camel case."), "snake_case"),
        (.counter("x_total", ""), "help text"),
        (.counter("x_total", "Bad label.", labels: ["le"]), "label 'le'"),
        (.counter("x_total", "Too many labels.", labels: ["a", "b", "c", "d", "e"]), "at most 4"),
        (.histogram("x_seconds", "No buckets.", buckets: []), "ascending buckets"),
        (.histogram("x_seconds", "Unsorted.", buckets: [2, 1]), "ascending buckets"),
        (.gauge("x_counter", "Type in name."), "metric type"),
    ])
    func specValidationFollowsPrometheusLintRules(_ spec: MetricSpec, _ fragment: String) {
        do {
            try spec.validate(owner: "demo")
            Issue.record("\(spec.name) should be rejected")
        } catch let error as SyslabError {
            #expect(error.message.contains(fragment), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func registryMaintainsFrameworkMetrics() throws {
        let clock = ManualClock()
        let registry = ScenarioRegistry(clock: clock)
        #expect(registry.metrics.value("simulator_scenarios_enabled") == 0)
        try registry.enable("fixed-latency", ttl: 10)
        try registry.enable("error-burst", parameters: ["probability": 1])
        #expect(registry.metrics.value("simulator_scenarios_enabled") == 2)
        #expect(registry.metrics.value("simulator_scenarios_active_total", LabelValues("fixed-latency")) == 1)
        for _ in 0..<5 { try registry.decide(RequestContext()) { _, _ in } }
        #expect(registry.metrics.value("simulator_injections_total", LabelValues("fixed-latency", "delay")) == 5)
        #expect(registry.metrics.value("simulator_injections_total", LabelValues("error-burst", "error")) == 5)
        let duration = try #require(registry.metrics.family(named: "simulator_effect_duration_seconds")?.existingSeries(LabelValues("fixed-latency", "delay")))
        #expect(duration.histogram.count == 5 && abs(duration.histogram.sum - 1) < 1e-9)
        try clock.advance(by: 10)
        let text = registry.metricsText()
        #expect(text.contains("simulator_scenarios_enabled 1\n"), "expiry is reflected at scrape time")
        try registry.enable("fixed-latency")
        #expect(registry.metrics.value("simulator_scenarios_active_total", LabelValues("fixed-latency")) == 2)
        try registry.reset()
        #expect(registry.metrics.value("simulator_scenarios_enabled") == 0)
        #expect(registry.metricsText().contains("simulator_injections_total{scenario=\"fixed-latency\",effect=\"delay\"} 5\n"), "counters survive")
    }

    /// A user scenario recording metrics by name, the way a Lua scenario does.
    static func custom(_ record: @escaping @Sendable (ScenarioMetrics) throws -> Void) -> Scenario {
        Scenario(
            name: "custom-metrics", category: "custom", summary: "test", notes: LearningNotes(whatHappens: "", howToObserve: "", howToMitigate: ""),
            parameters: [], metrics: [
                .counter("custom_events_total", "Events.", labels: ["scenario", "kind"]),
                .gauge("custom_level", "Level.", labels: ["scenario"]),
                .histogram("custom_size_bytes", "Sizes.", labels: [], buckets: [10, 100]),
            ],
            effectKinds: [.delay], origin: "lua"
        ) { invocation, emit in
            try record(invocation.metrics)
            emit(.delay(seconds: 0.001))
        }
    }

    @Test func scenarioMetricsRecordByNameWithLabels() throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        try registry.register(Self.custom { m in
            try m.increment("custom_events_total", by: 2, LabelValues("a"))
            try m.set("custom_level", 7)
            try m.observe("custom_size_bytes", 50)
        })
        try registry.enable("custom-metrics")
        _ = try registry.decideAll(RequestContext())
        #expect(registry.metrics.value("custom_events_total", LabelValues("custom-metrics", "a")) == 2)
        #expect(registry.metrics.value("custom_level", LabelValues("custom-metrics")) == 7)
        #expect(registry.metrics.family(named: "custom_size_bytes")?.existingSeries(.none)?.histogram.cumulative == [0, 1, 1])
        try registry.disable("custom-metrics")
        #expect(registry.metrics.value("custom_level", LabelValues("custom-metrics")) == nil)
    }

    @Test(arguments: [
        ("undeclared", "does not declare"), ("wrong-kind", "cannot set"), ("labels", "needs 1 label value"), ("negative", "can only grow"),
    ])
    func recordingMistakesAreClearErrors(_ mistake: String, _ fragment: String) throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        try registry.register(Self.custom { m in
            switch mistake {
            case "undeclared": try m.increment("nope_total")
            case "wrong-kind": try m.set("custom_events_total", 1, LabelValues("a"))
            case "labels": try m.increment("custom_events_total")
            default: try m.increment("custom_events_total", by: -1, LabelValues("a"))
            }
        })
        try registry.enable("custom-metrics")
        do {
            _ = try registry.decideAll(RequestContext())
            Issue.record("expected an error")
        } catch let error as SyslabError {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func registerRejectsInvalidOrConflictingMetrics() throws {
        let registry = ScenarioRegistry()
        func scenario(_ metric: MetricSpec) -> Scenario {
            Scenario(name: "bad-metrics", category: "custom", summary: "", notes: LearningNotes(whatHappens: "", howToObserve: "", howToMitigate: ""),
                     parameters: [], metrics: [metric], effectKinds: [], origin: "lua") { _, _ in }
        }
        #expect(throws: SyslabError.self) { try registry.register(scenario(.counter("bad", "No suffix."))) }
        #expect(throws: SyslabError.self) { try registry.register(scenario(.gauge("http_injected_latency_seconds", "Clashes with a histogram."))) }
        #expect(throws: SyslabError.self) { try registry.register(scenario(.gauge("simulator_things", "Reserved prefix."))) }
        #expect(registry.scenario(named: "bad-metrics") == nil, "nothing was registered")
        try registry.register(scenario(.histogram("http_injected_latency_seconds", "Same spec is fine.", labels: ["scenario"], buckets: LatencyBuckets.seconds)))
    }

    @Test func undeclaredEffectsFromUserScenariosAreRejected() throws {
        let registry = ScenarioRegistry()
        try registry.register(Scenario(
            name: "liar", category: "custom", summary: "", notes: LearningNotes(whatHappens: "", howToObserve: "", howToMitigate: ""),
            parameters: [], metrics: [], effectKinds: [.delay], origin: "lua") { _, emit in emit(.error(status: 500)) })
        try registry.enable("liar")
        #expect(throws: SyslabError.self) { try registry.decideAll(RequestContext()) }
        try registry.register(Scenario(
            name: "negative", category: "custom", summary: "", notes: LearningNotes(whatHappens: "", howToObserve: "", howToMitigate: ""),
            parameters: [], metrics: [], effectKinds: [], origin: "lua") { _, emit in emit(.delay(seconds: -1)) })
        try registry.disable("liar")
        try registry.enable("negative")
        #expect(throws: SyslabError.self) { try registry.decideAll(RequestContext()) }
    }

    @Test func concurrentDecisionsCountEveryInjection() async throws {
        let registry = ScenarioRegistry()
        try registry.enable("fixed-latency", parameters: ["delay_ms": 1])
        try registry.enable("error-burst", parameters: ["probability": 1])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<500 { _ = try? registry.decideAll(RequestContext()) }
                }
            }
        }
        #expect(registry.metrics.value("simulator_injections_total", LabelValues("fixed-latency", "delay")) == 4_000)
        #expect(registry.metrics.value("http_injected_errors_total", LabelValues("error-burst", "500")) == 4_000)
        let hist = try #require(registry.metrics.family(named: "http_injected_latency_seconds")?.existingSeries(LabelValues("fixed-latency"))?.histogram)
        #expect(hist.count == 4_000)
    }
}
