/// Every request leaks memory until the process is killed.
enum MemoryLeak {
    static let leaked = MetricSpec.gauge(
        "memory_leaked_bytes", "Memory retained by the leak since the last restart.", labels: ["scenario"])
    static let oomKills = MetricSpec.counter(
        "memory_oom_kills_total", "Times the leak reached the memory limit (the process was killed).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "memory-leak", category: "resources",
        summary: "Each request retains leak_bytes_per_request; when the total reaches memory_limit_bytes the process is OOM-killed (that request gets 503) and, with restart_on_oom, starts again from zero.",
        notes: LearningNotes(
            whatHappens: "A cache without eviction or a listener never removed grows with traffic; memory climbs in a sawtooth, GC works harder, and the process dies at the limit, failing in-flight requests.",
            howToObserve: "memory_leaked_bytes rises linearly with requests and drops at each memory_oom_kills_total; container restarts and OOMKilled in events.",
            howToMitigate: "Heap profiles comparing snapshots, bounded caches (LRU, TTL), weak references for listeners, memory limits with alerts well before them."),
        parameters: [
            .integer("leak_bytes_per_request", default: 102_400, min: 0, max: 1_000_000_000, unit: "bytes", help: "Memory retained per request."),
            .integer("memory_limit_bytes", default: 536_870_912, min: 1_048_576, max: 1_000_000_000_000, unit: "bytes", help: "Limit at which the process is killed."),
            .boolean("restart_on_oom", default: true, help: "Start again from zero after a kill (otherwise every request fails)."),
        ],
        metrics: [leaked, oomKills],
        effectKinds: [.memoryRetention, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let bytes = Double(p.int("leak_bytes_per_request")), limit = Double(p.int("memory_limit_bytes"))
        let restart = p.bool("restart_on_oom")
        let (total, killed) = invocation.state.transaction { values -> (Double, Bool) in
            let total = values["leaked"] + bytes
            guard total >= limit else {
                values["leaked"] = total
                return (total, false)
            }
            values["leaked"] = restart ? 0 : limit
            return (values["leaked"], true)
        }
        try invocation.metrics.set(leaked.name, total)
        if killed {
            try invocation.metrics.increment(oomKills.name)
            emit(.error(status: 503))
        } else if bytes > 0 {
            emit(.memoryRetention(bytes: bytes))
        }
    }
}
