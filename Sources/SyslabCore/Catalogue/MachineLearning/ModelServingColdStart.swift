/// A model server scaled to zero loads its weights on the next request.
enum ModelServingColdStart {
    static let loads = MetricSpec.counter(
        "model_loads_total", "Requests that waited for the model to be loaded onto an accelerator.", labels: ["scenario"])
    static let loadSeconds = MetricSpec.gauge(
        "model_load_seconds", "Time to load and warm the model: weights at the load rate plus warm-up.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "model-serving-cold-start", category: "ai-ml",
        summary: "The model stays loaded for keep_loaded_seconds after a request; the next request after a longer gap (and the first) waits for model_bytes to load at load_bytes_per_second plus warmup_ms of warm-up (kernel compilation, a first batch).",
        notes: LearningNotes(
            whatHappens: "Serving platforms scale idle GPU replicas to zero to save money. The weights of a 7B model are about 14 GB: pulled from object storage or disk and copied to the GPU, then warmed up, the first request waits tens of seconds, far beyond a web cold start, and often past the client's timeout.",
            howToObserve: "model_loads_total against requests and model_load_seconds; the first request after an idle gap takes the load time; replica start-up logs split download, load and warm-up.",
            howToMitigate: "Keep a minimum of warm replicas where latency matters, cache weights on local NVMe, use faster formats (safetensors, memory-mapped loading), quantize to shrink the weights, and pre-warm before known traffic."),
        parameters: [
            .integer("model_bytes", default: 14_000_000_000, min: 0, max: 2_000_000_000_000, unit: "bytes", help: "Size of the weights (14 GB: a 7B model in 16-bit)."),
            .integer("load_bytes_per_second", default: 2_000_000_000, min: 1_000_000, max: 1_000_000_000_000, unit: "bytes/s", help: "Rate the weights load at, storage to accelerator."),
            .number("warmup_ms", default: 3_000, min: 0, max: 600_000, unit: "ms", help: "Warm-up after the weights are loaded."),
            .number("keep_loaded_seconds", default: 600, min: 0, max: 86_400, unit: "s", help: "How long an idle replica keeps the model loaded."),
        ],
        metrics: [loads, loadSeconds],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let keepLoaded: Double, load: Double
        let state: ActivationState
        let loaded: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            keepLoaded = p.double("keep_loaded_seconds")
            load = Double(p.int("model_bytes")) / Double(p.int("load_bytes_per_second")) + p.double("warmup_ms") / 1000
            state = activation.state
            loaded = try activation.series(loads)
            activation.publishOnInstall(loadSeconds, .none, load)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let now = request.now
            let cold = state.transaction { values -> Bool in
                let last = values["last", default: -Double.infinity]
                values["last"] = max(last, now)
                return now - last > keepLoaded
            }
            guard cold else { return }
            loaded?.add(1, shard: request.shard)
            if load > 0 { emit(.delay(seconds: load)) }
        }
    }
}
