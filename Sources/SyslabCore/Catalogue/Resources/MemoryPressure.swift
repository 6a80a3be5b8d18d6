/// A nearly full heap makes the garbage collector run constantly.
enum MemoryPressure {
    static let pauses = MetricSpec.counter(
        "gc_pauses_total", "Stop-the-world garbage collections.", labels: ["scenario"])
    static let pauseSeconds = MetricSpec.histogram(
        "gc_pause_seconds", "Length of garbage-collection pauses.", labels: ["scenario"], buckets: LatencyBuckets.seconds)
    static let heapUsed = MetricSpec.gauge(
        "memory_heap_used_ratio", "Share of the heap held by live data.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "memory-pressure", category: "resources",
        summary: "Live data fills used_fraction of a heap of heap_bytes; each request allocates allocation_bytes_per_request, and whenever the free space is used up the request that triggers it pauses gc_pause_ms.",
        notes: LearningNotes(
            whatHappens: "The fuller the heap, the less room between collections: GC frequency grows as 1 / (1 - used), so at 99% used it runs ten times as often as at 90%, and pauses add tail latency.",
            howToObserve: "gc_pauses_total rate climbs with memory_heap_used_ratio; gc_pause_seconds shows in p99 latency; GC logs and runtime metrics.",
            howToMitigate: "Size heaps with headroom, reduce allocation rate (pooling, streaming), fix retention, tune or change the collector, alert on used ratio after GC."),
        parameters: [
            .integer("heap_bytes", default: 1_073_741_824, min: 1_048_576, max: 1_000_000_000_000, unit: "bytes", help: "Heap size."),
            .number("used_fraction", default: 0.9, min: 0, max: 0.999, help: "Share of the heap held by live data."),
            .integer("allocation_bytes_per_request", default: 1_048_576, min: 0, max: 10_000_000_000, unit: "bytes", help: "Short-lived garbage each request creates."),
            .number("gc_pause_ms", default: 50, min: 0, max: 60_000, unit: "ms", help: "Length of one collection pause."),
        ],
        metrics: [pauses, pauseSeconds, heapUsed],
        effectKinds: [.delay]
    ) { invocation, emit in
        let p = invocation.parameters
        let used = p.double("used_fraction")
        let free = Double(p.int("heap_bytes")) * (1 - used)
        let allocation = Double(p.int("allocation_bytes_per_request"))
        let collects = invocation.state.transaction { values -> Bool in
            let allocated = values["allocated"] + allocation
            guard allocated >= free, allocation > 0 else {
                values["allocated"] = allocated
                return false
            }
            values["allocated"] = allocated - free
            return true
        }
        try invocation.metrics.set(heapUsed.name, used)
        guard collects else { return }
        let pause = p.double("gc_pause_ms") / 1000
        try invocation.metrics.increment(pauses.name)
        try invocation.metrics.observe(pauseSeconds.name, pause)
        if pause > 0 { emit(.delay(seconds: pause)) }
    }
}
