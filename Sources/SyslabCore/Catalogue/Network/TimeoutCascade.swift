/// A stalled leaf in a call chain times out every caller above it at once.
enum TimeoutCascade {
    static let hopsTimedOut = MetricSpec.counter(
        "timeout_cascade_hops_timed_out_total", "Hops of the call chain that timed out.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "timeout-cascade", category: "network",
        summary: "A chain of `depth` services, each with timeout_ms minus timeout_step_ms per level; when the deepest stalls (stall_probability) every hop with the same timeout times out together; with decreasing timeouts only the leaf does and the caller gets a fast 504.",
        notes: LearningNotes(
            whatHappens: "With equal timeouts at every hop, a stalled leaf makes all callers wait the full timeout and time out simultaneously: every layer fails and has wasted its work. Decreasing timeouts (deadline propagation) let the nearest caller fail fast and answer.",
            howToObserve: "timeout_cascade_hops_timed_out_total per stall equals depth (cascade) or 1 (budgeted); http_client_timeouts_total at the edge; traces show nested spans ending at the same instant.",
            howToMitigate: "Propagate deadlines (each hop's timeout below its caller's remaining budget), fail fast, circuit breakers at each hop, fewer synchronous hops."),
        parameters: [
            .integer("depth", default: 3, min: 1, max: 20, help: "Services in the synchronous call chain."),
            .number("stall_probability", default: 0.1, min: 0, max: 1, help: "Chance that the deepest service stalls."),
            .integer("timeout_ms", default: 1_000, min: 1, max: 600_000, unit: "ms", help: "Timeout of the first (outermost) hop."),
            .integer("timeout_step_ms", default: 0, min: 0, max: 600_000, unit: "ms", help: "How much shorter each deeper hop's timeout is (0 = all equal)."),
            .number("hop_ms", default: 20, min: 0, max: 60_000, unit: "ms", help: "Normal latency per hop."),
        ],
        metrics: [hopsTimedOut, DomainMetrics.clientTimeouts],
        effectKinds: [.delay, .timeout, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let depth = p.int("depth")
        let hop = p.double("hop_ms") / 1000
        guard invocation.random.nextUnit() < p.double("stall_probability") else {
            if hop > 0 { emit(.delay(seconds: Double(depth) * hop)) }
            return
        }
        let top = Double(p.int("timeout_ms")) / 1000, step = Double(p.int("timeout_step_ms")) / 1000
        // The leaf's caller is the deepest hop with a timeout; it gives up first.
        let innermost = max(0.001, top - Double(depth - 1) * step)
        let elapsedAtLeafTimeout = innermost + Double(depth - 1) * hop
        if step == 0 || elapsedAtLeafTimeout >= top {
            try invocation.metrics.increment(hopsTimedOut.name, by: Double(depth))
            try invocation.metrics.increment(DomainMetrics.clientTimeouts.name)
            emit(.timeout(seconds: top))
        } else {
            try invocation.metrics.increment(hopsTimedOut.name)
            emit(.delay(seconds: elapsedAtLeafTimeout))
            emit(.error(status: 504))
        }
    }
}
