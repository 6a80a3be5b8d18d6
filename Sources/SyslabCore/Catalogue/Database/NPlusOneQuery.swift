/// One query for a list, then one more per item.
enum NPlusOneQuery {
    static let queriesPerRequest = MetricSpec.histogram(
        "db_queries_per_request", "Database queries issued per request.", labels: ["scenario"], buckets: CountBuckets.perRequest)
    static let queries = MetricSpec.counter(
        "db_queries_total", "Database queries issued.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "n-plus-one-query", category: "database",
        summary: "Each request loads `items` rows and then queries each one separately (in batches of batch_size), each extra query taking query_ms.",
        notes: LearningNotes(
            whatHappens: "An ORM loop issues one query per item: latency grows linearly with the list size and the database sees a flood of tiny identical queries.",
            howToObserve: "db_queries_per_request jumps from 1 to items + 1; db_queries_total rate explodes while each query stays fast; set batch_size to see batching fix it.",
            howToMitigate: "Eager-load with a join or IN (...) query, use a DataLoader that batches per request, add a query-count assertion to tests."),
        parameters: [
            .integer("items", default: 25, min: 0, max: 10_000, help: "Items in the list (N)."),
            .number("query_ms", default: 2, min: 0, max: 60_000, unit: "ms", help: "Latency of each extra query."),
            .integer("batch_size", default: 1, min: 1, max: 10_000, help: "Items fetched per extra query (1 = the N+1 bug; larger = batched)."),
        ],
        metrics: [queriesPerRequest, queries],
        effectKinds: [.extraQueries],
        compile: { try Program($0) }
    )

    /// The query count and latency are fixed per activation: computed at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let extra: Int
        let querySeconds: Double
        let perRequest: MetricSeries?
        let total: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            let items = p.int("items"), batch = p.int("batch_size")
            extra = (items + batch - 1) / batch
            querySeconds = p.double("query_ms") / 1000
            perRequest = try activation.series(queriesPerRequest)
            total = try activation.series(queries)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            perRequest?.observe(Double(extra + 1), shard: request.shard)
            total?.add(Double(extra + 1), shard: request.shard)
            if extra > 0 { emit(.extraQueries(Double(extra), secondsEach: querySeconds)) }
        }
    }
}
