/// The disk fills up and writes start failing.
enum DiskFull {
    static let available = MetricSpec.gauge(
        "disk_available_bytes", "Free space left on the simulated disk.", labels: ["scenario"])
    static let failures = MetricSpec.counter(
        "disk_write_failures_total", "Writes that failed with ENOSPC.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "disk-full", category: "resources",
        summary: "A disk of disk_bytes starts used_fraction full; each request writes write_bytes_per_request; once a write no longer fits it fails (status_code, ENOSPC).",
        notes: LearningNotes(
            whatHappens: "Logs, temp files or data grow until the disk is full; then writes fail: databases stop accepting transactions, logs are lost, uploads fail, sometimes the service crashes.",
            howToObserve: "disk_available_bytes falls to zero; disk_write_failures_total rises; ENOSPC in application logs; 507 Insufficient Storage to clients.",
            howToMitigate: "Alert on free space and its rate of change, rotate and cap logs, clean temp files, separate volumes for data and logs, reserve space for recovery."),
        parameters: [
            .integer("disk_bytes", default: 10_737_418_240, min: 1_048_576, max: 1_000_000_000_000_000, unit: "bytes", help: "Disk size."),
            .number("used_fraction", default: 0.95, min: 0, max: 1, help: "Share already used when enabled."),
            .integer("write_bytes_per_request", default: 1_048_576, min: 0, max: 10_000_000_000, unit: "bytes", help: "Bytes each request writes."),
            .integer("status_code", default: 507, min: 400, max: 599, help: "Status for a failed write."),
        ],
        metrics: [available, failures],
        effectKinds: [.diskFull]
    ) { invocation, emit in
        let p = invocation.parameters
        let capacity = Double(p.int("disk_bytes"))
        let initialFree = capacity * (1 - p.double("used_fraction"))
        let write = Double(p.int("write_bytes_per_request"))
        let (free, fits) = invocation.state.transaction { values -> (Double, Bool) in
            let free = initialFree - values["written"]
            guard write <= free else { return (free, false) }
            values["written"] += write
            return (free - write, true)
        }
        try invocation.metrics.set(available.name, free)
        guard !fits else { return }
        try invocation.metrics.increment(failures.name)
        emit(.diskFull(status: p.int("status_code")))
    }
}
