/// The metrics every registry exposes regardless of which scenarios exist:
/// how many scenarios are enabled, how often each was activated, and every
/// effect decisions hand out.
public enum FrameworkMetrics {
    public static let scenariosEnabled = MetricSpec.gauge(
        "simulator_scenarios_enabled", "Scenarios currently enabled (expired ones are not counted).")
    public static let activations = MetricSpec.counter(
        "simulator_scenarios_active_total", "Times each scenario was enabled.", labels: ["scenario"])
    public static let injections = MetricSpec.counter(
        "simulator_injections_total", "Effects handed out by decisions, by scenario and effect kind.",
        labels: ["scenario", "effect"])
    public static let effectDuration = MetricSpec.histogram(
        "simulator_effect_duration_seconds",
        "Wall time injected effects add to a request (delays, hangs, timeouts, lock and queue waits, CPU burn, retries).",
        labels: ["scenario", "effect"], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])

    public static let all = [scenariosEnabled, activations, injections, effectDuration]

    /// Scenario metrics may not use this prefix.
    public static let reservedPrefix = "simulator_"
}
