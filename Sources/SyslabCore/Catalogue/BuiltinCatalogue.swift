/// The built-in scenarios, in catalogue order. Each lives in its own file
/// under Catalogue/<category>/.
public enum BuiltinCatalogue {
    public static let all: [Scenario] = [
        FixedLatency.scenario,
        ErrorBurst.scenario,
        VariableLatency.scenario,
    ]
}

/// Latency histogram buckets in seconds shared by latency scenarios.
public enum LatencyBuckets {
    public static let seconds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
}
