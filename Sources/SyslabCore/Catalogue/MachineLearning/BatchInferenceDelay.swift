/// Dynamic batching waits for a batch to fill before running it.
enum BatchInferenceDelay {
    static let batchSize = MetricSpec.gauge(
        "inference_batch_size", "Requests per batch at the configured arrival rate.", labels: ["scenario"])
    static let batchWait = MetricSpec.histogram(
        "inference_batch_wait_seconds", "Time a request waited for its batch to be dispatched.", labels: ["scenario"], buckets: LatencyBuckets.seconds)

    static let scenario = Scenario(
        name: "batch-inference-delay", category: "ai-ml",
        summary: "The server dispatches a batch when it holds max_batch_size requests or max_wait_ms after its first one. At arrival_rate_per_second the batch fills in (max_batch_size - 1) / rate seconds, so it leaves after the shorter of the two with 1 + rate x that time requests. A request at a uniformly drawn place in the batch waits until dispatch (queue_wait), then the batch runs for batch_overhead_ms + per_item_ms x batch size (delay).",
        notes: LearningNotes(
            whatHappens: "Batching raises accelerator throughput, but every request waits for its batch. At low traffic batches never fill: each request pays up to the whole max wait for a batch of a few, the worst of both worlds, while at high traffic large batches lengthen the compute itself.",
            howToObserve: "inference_batch_wait_seconds against the model's compute time; inference_batch_size at the current rate; latency that falls as traffic rises is the batching signature.",
            howToMitigate: "Tune max wait and batch size to traffic and latency budget, use continuous (in-flight) batching for generative models, give latency-critical traffic a separate small-batch queue, and scale on queue time."),
        parameters: [
            .integer("max_batch_size", default: 32, min: 1, max: 4_096, help: "Requests that fill a batch."),
            .number("max_wait_ms", default: 50, min: 0, max: 600_000, unit: "ms", help: "Longest a batch waits after its first request."),
            .number("arrival_rate_per_second", default: 100, min: 0.001, max: 10_000_000, unit: "1/s", help: "Request rate the batcher sees."),
            .number("batch_overhead_ms", default: 10, min: 0, max: 600_000, unit: "ms", help: "Fixed time to run a batch."),
            .number("per_item_ms", default: 1, min: 0, max: 600_000, unit: "ms", help: "Extra time per request in the batch."),
        ],
        metrics: [batchSize, batchWait],
        effectKinds: [.queueWait, .delay],
        compile: { try Program($0) }
    )

    /// Seconds from a batch's first request to its dispatch, and the requests it then holds.
    static func batch(maxSize: Int, maxWait: Double, rate: Double) -> (dispatch: Double, size: Double) {
        let fill = Double(maxSize - 1) / rate
        let dispatch = min(fill, maxWait)
        return (dispatch, min(Double(maxSize), 1 + (rate * dispatch).rounded(.down)))
    }

    final class Program: ScenarioProgram, @unchecked Sendable {
        let dispatch: Double, size: Double, compute: Double
        let waits: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            (dispatch, size) = BatchInferenceDelay.batch(
                maxSize: p.int("max_batch_size"), maxWait: p.double("max_wait_ms") / 1000, rate: p.double("arrival_rate_per_second"))
            compute = (p.double("batch_overhead_ms") + p.double("per_item_ms") * size) / 1000
            waits = try activation.series(batchWait)
            activation.publishOnInstall(batchSize, .none, size)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            // Arrivals are evenly spread over the fill time: the k-th of n waits dispatch x (1 - k / n).
            let wait = dispatch * request.random.nextUnit()
            waits?.observe(wait, shard: request.shard)
            if wait > 0 { emit(.queueWait(seconds: wait)) }
            if compute > 0 { emit(.delay(seconds: compute)) }
        }
    }
}
