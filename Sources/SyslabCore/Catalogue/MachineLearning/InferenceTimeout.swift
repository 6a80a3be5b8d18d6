#if canImport(Glibc)
import Glibc
#endif

/// Long generations outlast the caller's timeout.
enum InferenceTimeout {
    static let outputTokens = MetricSpec.histogram(
        "inference_output_tokens", "Tokens generated per request.", labels: ["scenario"], buckets: CountBuckets.perRequest)

    static let scenario = Scenario(
        name: "inference-timeout", category: "ai-ml",
        summary: "A generation takes time_to_first_token_ms plus ms_per_token for each output token; output lengths are exponential with mean mean_output_tokens, capped at max_output_tokens. A generation longer than client_timeout_ms is abandoned at the timeout (the accelerator time is still spent); the rest wait their generation time.",
        notes: LearningNotes(
            whatHappens: "LLM latency grows with the answer's length, which the caller does not control and which has a long tail. A timeout sized for typical answers cuts off the long ones after the GPU has done most of the work; retries repeat the cost and load.",
            howToObserve: "http_client_timeouts_total against requests; inference_output_tokens shows the length distribution; latency piles up at the timeout; tokens per second per request stays flat while request time grows.",
            howToMitigate: "Stream tokens so the caller sees progress, cap max_tokens per use case, size timeouts from the token budget (TTFT + max_tokens x time per token), cancel generation when the client goes away, and route long jobs to an asynchronous queue."),
        parameters: [
            .number("time_to_first_token_ms", default: 400, min: 0, max: 600_000, unit: "ms", help: "Prefill time before the first token."),
            .number("ms_per_token", default: 30, min: 0, max: 10_000, unit: "ms", help: "Decode time per output token."),
            .number("mean_output_tokens", default: 300, min: 1, max: 1_000_000, help: "Mean output length (exponential)."),
            .integer("max_output_tokens", default: 4_096, min: 1, max: 1_000_000, help: "Cap on the output length."),
            .number("client_timeout_ms", default: 15_000, min: 1, max: 3_600_000, unit: "ms", help: "The caller's timeout."),
        ],
        metrics: [outputTokens, DomainMetrics.clientTimeouts],
        effectKinds: [.delay, .timeout],
        compile: { try Program($0) }
    )

    /// The share of generations longer than the timeout (exponential lengths, below the cap).
    static func timeoutProbability(ttftMs: Double, msPerToken: Double, meanTokens: Double, maxTokens: Double, timeoutMs: Double) -> Double {
        guard msPerToken > 0 else { return ttftMs > timeoutMs ? 1 : 0 }
        let tokens = (timeoutMs - ttftMs) / msPerToken
        if tokens < 0 { return 1 }
        return tokens >= maxTokens ? 0 : exp(-tokens / meanTokens)
    }

    final class Program: ScenarioProgram, @unchecked Sendable {
        let firstToken: Double, perToken: Double
        let length: Distribution
        let maxTokens: Double, timeout: Double
        let tokens: MetricSeries?, timeouts: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            firstToken = p.double("time_to_first_token_ms") / 1000
            perToken = p.double("ms_per_token") / 1000
            length = .exponential(mean: p.double("mean_output_tokens"))
            maxTokens = Double(p.int("max_output_tokens"))
            timeout = p.double("client_timeout_ms") / 1000
            tokens = try activation.series(outputTokens)
            timeouts = try activation.series(DomainMetrics.clientTimeouts)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let generated = min(maxTokens, length.sample(&request.random).rounded(.up))
            tokens?.observe(generated, shard: request.shard)
            let seconds = firstToken + generated * perToken
            if seconds > timeout {
                timeouts?.add(1, shard: request.shard)
                emit(.timeout(seconds: timeout))
            } else if seconds > 0 {
                emit(.delay(seconds: seconds))
            }
        }
    }
}
