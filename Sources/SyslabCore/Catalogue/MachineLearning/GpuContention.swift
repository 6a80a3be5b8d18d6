/// Tenants time-slice a few GPUs: each inference runs slower and queues.
enum GpuContention {
    static let rejections = MetricSpec.counter(
        "gpu_queue_rejections_total", "Inference requests that gave up waiting for a GPU.", labels: ["scenario"])
    static let busy = MetricSpec.histogram(
        "gpu_busy_at_arrival", "GPUs busy when an inference request arrived.", labels: ["scenario"], buckets: CountBuckets.perRequest)

    static let scenario = Scenario(
        name: "gpu-contention", category: "ai-ml",
        summary: "gpus accelerators serve the inferences; tenants_per_gpu workloads time-slice each one, so an inference of inference_ms holds its GPU for inference_ms x tenants_per_gpu. A request takes the first free GPU, waiting (queue_wait) if all are busy, then runs (delay); one that would wait longer than queue_timeout_ms is rejected with status.",
        notes: LearningNotes(
            whatHappens: "GPUs are scarce and shared: several models or teams time-slice one card (MPS, MIG, or plain time-slicing), and a training job can take it over. Each inference gets a fraction of the card, so latency multiplies, and with a handful of GPUs a burst queues behind the busy ones.",
            howToObserve: "resource_wait_seconds (queueing for a GPU) and gpu_busy_at_arrival; gpu_queue_rejections_total; on the node, DCGM or nvidia-smi show utilization near 100% with several processes per GPU.",
            howToMitigate: "Isolate latency-critical models (MIG partitions or dedicated GPUs), batch requests, autoscale on queue length rather than utilization, cap queue wait and shed load, and schedule training apart from serving."),
        parameters: [
            .integer("gpus", default: 2, min: 1, max: 4_096, help: "Accelerators serving the model."),
            .number("inference_ms", default: 80, min: 0, max: 600_000, unit: "ms", help: "Time of one inference on a whole GPU."),
            .integer("tenants_per_gpu", default: 3, min: 1, max: 64, help: "Workloads time-slicing each GPU."),
            .number("queue_timeout_ms", default: 2_000, min: 0, max: 600_000, unit: "ms", help: "Longest wait for a GPU before the request is rejected."),
            .integer("status", default: 503, min: 400, max: 599, help: "Status of a rejected request."),
        ],
        metrics: [DomainMetrics.queueWait, busy, rejections],
        effectKinds: [.queueWait, .delay, .error],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let gpus: Int, hold: Double, timeout: Double, status: Int
        let state: ActivationState
        let waits: MetricSeries?, busyGPUs: MetricSeries?, rejected: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            gpus = p.int("gpus")
            hold = p.double("inference_ms") / 1000 * Double(p.int("tenants_per_gpu"))
            timeout = p.double("queue_timeout_ms") / 1000
            status = p.int("status")
            state = activation.state
            waits = try activation.series(DomainMetrics.queueWait)
            busyGPUs = try activation.series(busy)
            rejected = try activation.series(rejections)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let now = request.now
            let (size, hold, timeout) = (gpus, self.hold, self.timeout)
            let (wait, inUse) = state.transaction { SlotPool.acquire(&$0, size: size, now: now, hold: hold, timeout: timeout) }
            busyGPUs?.observe(Double(inUse), shard: request.shard)
            guard let wait else {
                rejected?.add(1, shard: request.shard)
                emit(.error(status: status))
                return
            }
            waits?.observe(wait, shard: request.shard)
            if wait > 0 { emit(.queueWait(seconds: wait)) }
            if hold > 0 { emit(.delay(seconds: hold)) }
        }
    }
}
