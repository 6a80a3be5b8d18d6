/// Calls that cross regions: latency and per-GiB transfer charges.
enum DataTransferCosts {
    static let crossRegionBytes = MetricSpec.counter(
        "cross_region_bytes_total", "Bytes moved between regions.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "data-transfer-costs", category: "cost",
        summary: "A share (cross_region_fraction) of requests reads bytes_per_request from another region: it waits inter_region_rtt_ms more, and the bytes are billed at transfer_dollars_per_gib.",
        notes: LearningNotes(
            whatHappens: "A database replica, cache or service in another region (or availability zone) serves part of the traffic: each call adds tens of milliseconds and every byte crossing the boundary is billed, which chatty services and replication turn into a large line item.",
            howToObserve: "cross_region_bytes_total and cloud_cost_dollars_total{resource=\"transfer\"}; the latency of the affected share rises by the inter-region round trip.",
            howToMitigate: "Keep data and its callers in one region and zone, read from local replicas, cache remote data, compress and batch cross-region traffic, and tag cost by traffic path."),
        parameters: [
            .number("cross_region_fraction", default: 0.3, min: 0, max: 1, help: "Share of requests served from another region."),
            .integer("bytes_per_request", default: 51_200, min: 0, max: 1_073_741_824, unit: "bytes", help: "Bytes a cross-region request moves."),
            .number("inter_region_rtt_ms", default: 70, min: 0, max: 10_000, unit: "ms", help: "Round trip between the regions."),
            .number("transfer_dollars_per_gib", default: 0.02, min: 0, max: 10, unit: "USD/GiB", help: "Price of inter-region transfer."),
        ],
        metrics: [crossRegionBytes, CostModel.dollars],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let fraction: Double
        let bytes: Double
        let rtt: Double
        let dollars: Double
        let moved: MetricSeries?
        let cost: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            fraction = p.double("cross_region_fraction")
            bytes = Double(p.int("bytes_per_request"))
            rtt = p.double("inter_region_rtt_ms") / 1000
            dollars = bytes / CostModel.gibibyte * p.double("transfer_dollars_per_gib")
            moved = try activation.series(crossRegionBytes)
            cost = try activation.series(CostModel.dollars, LabelValues("transfer"))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard fraction > 0, request.random.nextUnit() < fraction else { return }
            moved?.add(bytes, shard: request.shard)
            cost?.add(dollars, shard: request.shard)
            emit(.delay(seconds: rtt))
        }
    }
}
