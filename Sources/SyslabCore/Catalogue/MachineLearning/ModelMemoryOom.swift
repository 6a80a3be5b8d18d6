/// The KV cache of concurrent requests outgrows the accelerator's memory.
enum ModelMemoryOom {
    static let maxConcurrency = MetricSpec.gauge(
        "model_max_concurrent_requests", "Requests whose KV cache fits beside the weights in accelerator memory.", labels: ["scenario"])
    static let oomErrors = MetricSpec.counter(
        "model_oom_errors_total", "Requests failed because the accelerator ran out of memory.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "model-memory-oom", category: "ai-ml",
        summary: "The accelerator has gpu_memory_bytes; the weights take model_bytes and each request's KV cache context_tokens x kv_bytes_per_token. Of concurrent_requests in flight, only (gpu - model) / per-request fit; the share beyond that fails with status (out of memory), drawn per request.",
        notes: LearningNotes(
            whatHappens: "For large models the KV cache, not the weights, limits concurrency: every token of context of every request in flight keeps keys and values for every layer. Longer prompts or a burst of users exhaust GPU memory, and the server fails requests with CUDA out-of-memory or, worse, crashes the replica.",
            howToObserve: "model_max_concurrent_requests against concurrency; model_oom_errors_total; GPU memory near 100% (DCGM, nvidia-smi); failures grow with prompt length, not request rate.",
            howToMitigate: "Cap concurrency and context length at admission, use paged attention (vLLM) and KV-cache quantization, quantize the weights, shard the model across GPUs, and queue rather than fail when memory is full."),
        parameters: [
            .integer("gpu_memory_bytes", default: 85_899_345_920, min: 1, max: 10_000_000_000_000, unit: "bytes", help: "Accelerator memory (80 GiB)."),
            .integer("model_bytes", default: 14_000_000_000, min: 0, max: 10_000_000_000_000, unit: "bytes", help: "Memory the weights take."),
            .integer("kv_bytes_per_token", default: 524_288, min: 1, max: 1_073_741_824, unit: "bytes", help: "KV-cache bytes per token (a 7B model in 16-bit: 0.5 MiB)."),
            .integer("context_tokens", default: 4_096, min: 1, max: 10_000_000, help: "Prompt plus output tokens of a typical request."),
            .integer("concurrent_requests", default: 40, min: 1, max: 1_000_000, help: "Requests in flight on the accelerator."),
            .integer("status", default: 503, min: 400, max: 599, help: "Status of a request failed for lack of memory."),
        ],
        metrics: [maxConcurrency, oomErrors],
        effectKinds: [.error],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let failing: Double, status: Int
        let failed: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            let free = max(0, Double(p.int("gpu_memory_bytes")) - Double(p.int("model_bytes")))
            let fits = (free / (Double(p.int("kv_bytes_per_token")) * Double(p.int("context_tokens")))).rounded(.down)
            let concurrent = Double(p.int("concurrent_requests"))
            failing = max(0, concurrent - fits) / concurrent
            status = p.int("status")
            failed = try activation.series(oomErrors)
            activation.publishOnInstall(maxConcurrency, .none, fits)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard failing > 0, request.random.nextUnit() < failing else { return }
            failed?.add(1, shard: request.shard)
            emit(.error(status: status))
        }
    }
}
