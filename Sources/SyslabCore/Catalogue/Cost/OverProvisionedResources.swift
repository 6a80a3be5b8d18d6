/// Capacity reserved and paid for but never used.
enum OverProvisionedResources {
    static let idleCPUs = MetricSpec.gauge(
        "provisioned_idle_cpus", "CPUs reserved for the service that its load does not use.", labels: ["scenario"])
    static let idleMemory = MetricSpec.gauge(
        "provisioned_idle_memory_bytes", "Memory reserved for the service that its load does not use.", labels: ["scenario"])

    /// The most memory one activation asks a host to hold (1 GiB).
    static let maximumRetainedBytes = 1_073_741_824.0

    static let scenario = Scenario(
        name: "over-provisioned-resources", category: "cost",
        summary: "The service reserves provisioned_cpus and provisioned_memory_bytes but uses used_cpus and used_memory_bytes. The first request asks the host to hold the idle memory (memory_retention, at most 1 GiB) as the reservation does; idle CPUs and memory are exported, and their cost accrues with time at the given prices.",
        notes: LearningNotes(
            whatHappens: "Requests and limits set for a peak that never comes, or copied between services, reserve nodes that sit mostly idle: the cluster looks full to the scheduler while utilization is 10-20%, and the bill follows the reservation, not the use.",
            howToObserve: "provisioned_idle_cpus and provisioned_idle_memory_bytes against actual utilization; cloud_cost_dollars_total{resource=\"idle_cpu\"} and {resource=\"idle_memory\"} grow with elapsed time.",
            howToMitigate: "Rightsize from measured usage (VPA recommendations, p95 of usage plus headroom), autoscale horizontally on load, use smaller instance types or bin-packing, review reservations regularly."),
        parameters: [
            .number("provisioned_cpus", default: 8, min: 0, max: 10_000, help: "CPUs reserved."),
            .number("used_cpus", default: 1.5, min: 0, max: 10_000, help: "CPUs the load uses."),
            .integer("provisioned_memory_bytes", default: 17_179_869_184, min: 0, max: 1_099_511_627_776, unit: "bytes", help: "Memory reserved."),
            .integer("used_memory_bytes", default: 4_294_967_296, min: 0, max: 1_099_511_627_776, unit: "bytes", help: "Memory the load uses."),
            .number("vcpu_dollars_per_hour", default: 0.04, min: 0, max: 100, unit: "USD/h", help: "Price of one vCPU hour."),
            .number("memory_dollars_per_gib_hour", default: 0.005, min: 0, max: 100, unit: "USD/GiB/h", help: "Price of one GiB of memory for an hour."),
        ],
        metrics: [idleCPUs, idleMemory, CostModel.dollars],
        effectKinds: [.memoryRetention],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let idleCPUs: Double
        let idleBytes: Double
        let cpuDollarsPerSecond: Double
        let memoryDollarsPerSecond: Double
        let state: ActivationState
        let cpuCost: MetricSeries?
        let memoryCost: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            idleCPUs = max(0, p.double("provisioned_cpus") - p.double("used_cpus"))
            idleBytes = max(0, Double(p.int("provisioned_memory_bytes")) - Double(p.int("used_memory_bytes")))
            cpuDollarsPerSecond = idleCPUs * p.double("vcpu_dollars_per_hour") / 3_600
            memoryDollarsPerSecond = idleBytes / CostModel.gibibyte * p.double("memory_dollars_per_gib_hour") / 3_600
            state = activation.state
            cpuCost = try activation.series(CostModel.dollars, LabelValues("idle_cpu"))
            memoryCost = try activation.series(CostModel.dollars, LabelValues("idle_memory"))
            activation.publishOnInstall(OverProvisionedResources.idleCPUs, .none, idleCPUs)
            activation.publishOnInstall(OverProvisionedResources.idleMemory, .none, idleBytes)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            // Cost accrues with time: bill the seconds since the last request (or since enable).
            let elapsed = max(0, request.elapsed)
            let (billed, first) = state.transaction { values -> (Double, Bool) in
                let last = values["billed_until", default: -1]
                values["billed_until"] = max(last, elapsed)
                return (max(0, elapsed - max(0, last)), last < 0)
            }
            if billed > 0 {
                cpuCost?.add(billed * cpuDollarsPerSecond, shard: request.shard)
                memoryCost?.add(billed * memoryDollarsPerSecond, shard: request.shard)
            }
            if first, idleBytes > 0 { emit(.memoryRetention(bytes: min(idleBytes, maximumRetainedBytes))) }
        }
    }
}
