#if canImport(Glibc)
import Glibc
#endif

/// Work per request grows with input size according to an algorithm's complexity.
enum AlgorithmicDegradation {
    static let operations = MetricSpec.counter(
        "algorithm_operations_total", "Basic operations performed, by complexity class.", labels: ["scenario", "complexity"])

    /// CPU time is capped so one request cannot ask for hours.
    static let maximumSeconds = 60.0

    /// Operations for input size `n` under a complexity class.
    static func operations(n: Double, complexity: String) -> Double {
        switch complexity {
        case "constant": return 1
        case "logarithmic": return max(1, log2(n))
        case "linear": return n
        case "linearithmic": return n * max(1, log2(n))
        case "cubic": return n * n * n
        default: return n * n  // quadratic
        }
    }

    static let scenario = Scenario(
        name: "algorithmic-degradation", category: "resources",
        summary: "Each request does f(n) operations at ns_per_operation (f from `complexity`), n growing by growth_per_second; the host burns that much CPU (capped at 60 s).",
        notes: LearningNotes(
            whatHappens: "Code that is fine on test data (a nested loop, a linear scan in a loop, regex backtracking) becomes the bottleneck as data grows: quadratic work quadruples when n doubles.",
            howToObserve: "cpu_injected_seconds_total and latency grow with n far faster than traffic; algorithm_operations_total by complexity; CPU profiles point at one function.",
            howToMitigate: "Profile with production-sized inputs, use the right data structure (hash lookups, indexes, sorting once), paginate, cap input sizes, add complexity tests."),
        parameters: [
            .integer("n", default: 1_000, min: 1, max: 10_000_000, help: "Input size when enabled."),
            .choice("complexity", default: "quadratic", choices: ["constant", "logarithmic", "linear", "linearithmic", "quadratic", "cubic"], help: "How work grows with n."),
            .number("ns_per_operation", default: 1, min: 0.001, max: 1_000_000, unit: "ns", help: "CPU time of one basic operation."),
            .number("growth_per_second", default: 0, min: 0, max: 1_000_000, help: "How fast n grows while enabled."),
        ],
        metrics: [operations, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn]
    ) { invocation, emit in
        let p = invocation.parameters
        let complexity = p.string("complexity")
        let n = Double(p.int("n")) + p.double("growth_per_second") * max(0, invocation.elapsed)
        let ops = operations(n: n, complexity: complexity)
        let seconds = min(maximumSeconds, ops * p.double("ns_per_operation") * 1e-9)
        try invocation.metrics.increment(operations.name, by: ops, LabelValues(complexity))
        try invocation.metrics.increment(DomainMetrics.cpuInjected.name, by: seconds)
        emit(.cpuBurn(seconds: seconds))
    }
}
