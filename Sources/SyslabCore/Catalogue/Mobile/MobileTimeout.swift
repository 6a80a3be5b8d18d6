#if canImport(Glibc)
import Glibc
#endif

/// A mobile client's timeout against a long-tailed mobile latency.
enum MobileTimeout {
    static let scenario = Scenario(
        name: "mobile-timeout", category: "mobile",
        summary: "Each attempt takes a lognormal latency (latency_mean_ms, latency_stddev_ms); an attempt slower than client_timeout_ms is abandoned at the timeout and retried, up to retries times. A request that succeeds after timeouts waits the abandoned attempts (retry) plus its own latency (delay); one whose every attempt times out ends in a timeout of all that time.",
        notes: LearningNotes(
            whatHappens: "Mobile latency has a long tail (radio wake-up, handovers, congested cells). A timeout tuned on office Wi-Fi abandons the slow tail on phones, and each retry starts over, so users wait timeout x attempts and the server does the work several times.",
            howToObserve: "http_client_timeouts_total (abandoned attempts) against requests; mobile_request_seconds{network=\"cellular\"} piles up at multiples of the timeout; server logs show the same request several times.",
            howToMitigate: "Set timeouts from field p99 latency per network type, give reads and writes different budgets, make requests idempotent, retry with backoff, and show progress instead of failing fast."),
        parameters: [
            .number("latency_mean_ms", default: 1_500, min: 1, max: 120_000, unit: "ms", help: "Mean latency of one attempt."),
            .number("latency_stddev_ms", default: 2_000, min: 0, max: 600_000, unit: "ms", help: "Standard deviation of the latency (lognormal)."),
            .number("client_timeout_ms", default: 5_000, min: 1, max: 600_000, unit: "ms", help: "The client's timeout per attempt."),
            .integer("retries", default: 1, min: 0, max: 10, help: "Attempts after the first."),
        ],
        metrics: [DomainMetrics.clientTimeouts, MobileNetwork.requestSeconds],
        effectKinds: [.delay, .retry, .timeout],
        compile: { try Program($0) }
    )

    /// The chance that one attempt outlasts the timeout, from the lognormal's CDF.
    static func timeoutProbability(meanMs: Double, stddevMs: Double, timeoutMs: Double) -> Double {
        let (mu, sigma) = Distribution.lognormalParameters(mean: meanMs, stddev: stddevMs)
        guard sigma > 0 else { return meanMs > timeoutMs ? 1 : 0 }
        return 0.5 * erfc((log(timeoutMs) - mu) / (sigma * 2.0.squareRoot()))
    }

    final class Program: ScenarioProgram, @unchecked Sendable {
        let latency: Distribution
        let timeout: Double
        let attempts: Int
        let timeouts: MetricSeries?, seconds: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            latency = .lognormal(mean: p.double("latency_mean_ms") / 1000, stddev: p.double("latency_stddev_ms") / 1000)
            timeout = p.double("client_timeout_ms") / 1000
            attempts = 1 + p.int("retries")
            timeouts = try activation.series(DomainMetrics.clientTimeouts)
            seconds = try activation.series(MobileNetwork.requestSeconds, LabelValues("cellular"))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            for attempt in 0..<attempts {
                let took = latency.sample(&request.random)
                if took <= timeout {
                    seconds?.observe(Double(attempt) * timeout + took, shard: request.shard)
                    if attempt > 0 { emit(.retry(attempts: Double(attempt), seconds: Double(attempt) * timeout)) }
                    emit(.delay(seconds: took))
                    return
                }
                timeouts?.add(1, shard: request.shard)
            }
            seconds?.observe(Double(attempts) * timeout, shard: request.shard)
            emit(.timeout(seconds: Double(attempts) * timeout))
        }
    }
}
