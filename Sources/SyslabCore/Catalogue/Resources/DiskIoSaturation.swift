/// The disk cannot keep up with the I/O requested of it.
enum DiskIoSaturation {
    static let queueDepth = MetricSpec.gauge(
        "disk_io_queue_depth", "I/O operations waiting for the disk.", labels: ["scenario"])
    static let ioWait = MetricSpec.histogram(
        "disk_io_wait_seconds", "Time requests waited behind queued I/O.", labels: ["scenario"], buckets: LatencyBuckets.seconds)

    static let scenario = Scenario(
        name: "disk-io-saturation", category: "resources",
        summary: "A disk completes iops operations per second; each request queues ops_per_request operations and waits for the backlog ahead of it (capped at max_queue_seconds of work).",
        notes: LearningNotes(
            whatHappens: "Below the disk's IOPS nothing changes; above it, I/O queues and every request touching the disk waits longer and longer, while CPU looks idle (iowait).",
            howToObserve: "disk_io_queue_depth and disk_io_wait_seconds grow once requests x ops_per_request exceeds iops; iostat shows high await and %util at 100.",
            howToMitigate: "Fewer I/Os per request (batching, caching, bigger sequential writes), faster or provisioned-IOPS storage, spread load across disks, move logs off the data disk."),
        parameters: [
            .number("iops", default: 500, min: 1, max: 10_000_000, unit: "operations/s", help: "Operations the disk completes per second."),
            .integer("ops_per_request", default: 4, min: 1, max: 1_000_000, help: "I/O operations each request issues."),
            .number("max_queue_seconds", default: 60, min: 0, max: 3_600, unit: "s", help: "Most queued work the disk accepts (further I/O is not queued)."),
        ],
        metrics: [queueDepth, ioWait],
        effectKinds: [.queueWait]
    ) { invocation, emit in
        let p = invocation.parameters
        let iops = p.double("iops"), ops = Double(p.int("ops_per_request")), now = invocation.now
        let limit = max(ops, p.double("max_queue_seconds") * iops)
        let (backlog, accepted) = invocation.state.transaction { values in
            DrainingBacklog.arrive(&values, now: now, rate: iops, work: ops, limit: limit)
        }
        try invocation.metrics.set(queueDepth.name, accepted ? backlog + ops : backlog)
        let wait = backlog / iops
        try invocation.metrics.observe(ioWait.name, wait)
        if wait > 0 { emit(.queueWait(seconds: wait)) }
    }
}
