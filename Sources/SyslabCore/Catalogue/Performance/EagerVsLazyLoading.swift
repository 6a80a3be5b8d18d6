/// Loading every child row up front against loading children on first access.
enum EagerVsLazyLoading {
    static let requestSeconds = MetricSpec.gauge(
        "loading_request_seconds", "Time one request spends loading, by strategy: measured object building plus query round trips.",
        labels: ["scenario", "strategy"])

    static let scenario = Scenario(
        name: "eager-vs-lazy-loading", category: "performance",
        summary: "When enabled, builds `items` parent objects with children_per_item children each from a seeded in-memory table, eagerly (all children, one joined query) and lazily (children only for the accessed_fraction of parents touched, one query each), and measures both; each request gets the slower strategy: its CPU as cpu_burn and, when lazy, its extra queries.",
        notes: LearningNotes(
            whatHappens: "Eager loading pays to build objects nobody reads; lazy loading pays a round trip for each parent whose children are touched (the N+1 pattern). Which is slower depends on how much of the graph a request really uses.",
            howToObserve: "loading_request_seconds{strategy} compares the totals; benchmark_operation_seconds{variant} shows the measured CPU of building the objects alone; raise accessed_fraction to watch lazy loading lose; cpu_injected_seconds_total adds the slower strategy's CPU.",
            howToMitigate: "Load what the request needs: project only the needed fields, batch lazy loads per request (DataLoader, IN (...) queries), and eager-load relations that are almost always used."),
        parameters: [
            .integer("items", default: 200, min: 1, max: 100_000, help: "Parent objects a request loads."),
            .integer("children_per_item", default: 20, min: 0, max: 1_000, help: "Child rows per parent."),
            .number("accessed_fraction", default: 0.05, min: 0, max: 1, help: "Share of parents whose children the request reads."),
            .number("query_ms", default: 1, min: 0, max: 10_000, unit: "ms", help: "Round trip of one query."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, requestSeconds, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn, .extraQueries],
        compile: { activation in
            let p = activation.parameters
            let items = p.int("items"), children = p.int("children_per_item")
            guard items * children <= maximumRows else {
                throw SyslabError.outOfRange("eager-vs-lazy-loading: items x children_per_item must be at most \(maximumRows), got \(items * children)")
            }
            let accessed = Int((p.double("accessed_fraction") * Double(items)).rounded())
            let query = p.double("query_ms") / 1000
            let cpu = measure(items: items, childrenPerItem: children, accessed: accessed)
            let eager = cpu.eager + query, lazy = cpu.lazy + Double(1 + accessed) * query
            Benchmark.publish(activation, variant: "eager", seconds: cpu.eager)
            Benchmark.publish(activation, variant: "lazy", seconds: cpu.lazy)
            Benchmark.publishRatio(activation, slow: max(eager, lazy), fast: min(eager, lazy))
            activation.publishOnInstall(requestSeconds, LabelValues("eager"), eager)
            activation.publishOnInstall(requestSeconds, LabelValues("lazy"), lazy)
            return try Program(activation, lazyIsSlower: lazy > eager, cpuSeconds: lazy > eager ? cpu.lazy : cpu.eager,
                               extraQueries: accessed, querySeconds: query)
        }
    )

    /// Child rows built at enable are capped (memory and enable time).
    static let maximumRows = 2_000_000

    struct Child { var id: Int; var name: String; var price: Int }
    struct Parent {
        var id: Int
        var title: String
        var children: [Child]?
    }

    /// Seconds of CPU to build the objects of one request (eager, lazy).
    static func measure(items: Int, childrenPerItem: Int, accessed: Int) -> (eager: Double, lazy: Double) {
        // The "database": child rows as stored, built once.
        let rows = (0..<items * childrenPerItem).map { (id: $0, name: "item-\($0)", price: $0 % 997) }
        func children(of parent: Int) -> [Child] {
            let start = parent * childrenPerItem
            return rows[start..<start + childrenPerItem].map { Child(id: $0.id, name: String($0.name), price: $0.price) }
        }
        // Spread the accessed parents evenly over the list.
        let touched = Set((0..<accessed).map { $0 * items / max(1, accessed) })
        let eager = Benchmark.seconds { _ in
            let parents = (0..<items).map { Parent(id: $0, title: "order \($0)", children: children(of: $0)) }
            return touched.reduce(0) { $0 + (parents[$1].children?.count ?? 0) }
        }
        let lazy = Benchmark.seconds { _ in
            var parents = (0..<items).map { Parent(id: $0, title: "order \($0)", children: nil) }
            for index in touched { parents[index].children = children(of: index) }
            return touched.reduce(0) { $0 + (parents[$1].children?.count ?? 0) }
        }
        return (eager, lazy)
    }

    /// The slower strategy's CPU and, for lazy loading, its extra round trips.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let lazyIsSlower: Bool
        let cpuSeconds: Double
        let extraQueries: Double
        let querySeconds: Double
        let injected: MetricSeries?

        init(_ activation: ScenarioActivation, lazyIsSlower: Bool, cpuSeconds: Double, extraQueries: Int, querySeconds: Double) throws {
            self.lazyIsSlower = lazyIsSlower; self.cpuSeconds = min(cpuSeconds, AlgorithmicDegradation.maximumSeconds)
            self.extraQueries = Double(extraQueries); self.querySeconds = querySeconds
            injected = try activation.series(DomainMetrics.cpuInjected)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            injected?.add(cpuSeconds, shard: request.shard)
            emit(.cpuBurn(seconds: cpuSeconds))
            if lazyIsSlower, extraQueries > 0 { emit(.extraQueries(extraQueries, secondsEach: querySeconds)) }
        }
    }
}
