/// Periodic CPU spikes (a cron job, a GC storm, a hot loop).
enum CpuSpike {
    static let active = MetricSpec.gauge(
        "cpu_spike_active", "1 while a CPU spike is in progress.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "cpu-spike", category: "resources",
        summary: "For spike_duration_seconds out of every spike_period_seconds (period 0 = always), each request burns cpu_ms of CPU.",
        notes: LearningNotes(
            whatHappens: "While the spike lasts, request handlers compete for CPU: latency rises for everything on the host, and autoscalers may react too late or flap.",
            howToObserve: "cpu_spike_active marks the windows; cpu_injected_seconds_total grows during them; host CPU near 100% and run-queue length rise with latency.",
            howToMitigate: "Find the hot code with a profiler, move batch work off request hosts or rate-limit it, set CPU limits and requests, scale on CPU with headroom."),
        parameters: [
            .number("cpu_ms", default: 200, min: 0, max: 60_000, unit: "ms", help: "CPU burned per request during a spike."),
            .number("spike_period_seconds", default: 60, min: 0, max: 86_400, unit: "s", help: "A spike starts this often (0 = one endless spike)."),
            .number("spike_duration_seconds", default: 15, min: 0, max: 86_400, unit: "s", help: "How long each spike lasts."),
        ],
        metrics: [active, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn]
    ) { invocation, emit in
        let p = invocation.parameters
        let period = p.double("spike_period_seconds")
        let spiking = period == 0 || max(0, invocation.elapsed).truncatingRemainder(dividingBy: period) < p.double("spike_duration_seconds")
        try invocation.metrics.set(active.name, spiking ? 1 : 0)
        let seconds = p.double("cpu_ms") / 1000
        guard spiking, seconds > 0 else { return }
        try invocation.metrics.increment(DomainMetrics.cpuInjected.name, by: seconds)
        emit(.cpuBurn(seconds: seconds))
    }
}
