/// What the cost scenarios share: what the waste they model costs, at
/// prices given as parameters (defaults near public cloud list prices).
enum CostModel {
    static let dollars = MetricSpec.counter(
        "cloud_cost_dollars_total", "What the waste a scenario models costs at its configured prices, by billed resource.",
        labels: ["scenario", "resource"])
    static let wastedBytes = MetricSpec.counter(
        "response_wasted_bytes_total", "Bytes sent that the client did not need.", labels: ["scenario"])

    static let gibibyte = 1_073_741_824.0

    static let egressPrice = ParameterSpec.number(
        "egress_dollars_per_gib", default: 0.09, min: 0, max: 10, unit: "USD/GiB", help: "Price of data sent to the internet.")
    static let clientBandwidth = ParameterSpec.number(
        "client_bytes_per_second", default: 1_250_000, min: 1_000, max: 10_000_000_000, unit: "bytes/s", help: "The client's download rate.")
}

/// Sends wasted bytes: a delay of their transfer time, and their egress cost.
final class WastedBytesProgram: ScenarioProgram, @unchecked Sendable {
    let bytes: Double
    let seconds: Double
    let dollars: Double
    let wasted: MetricSeries?
    let cost: MetricSeries?

    init(_ activation: ScenarioActivation, wastedBytes: Double) throws {
        let p = activation.parameters
        bytes = wastedBytes
        seconds = wastedBytes / p.double("client_bytes_per_second")
        dollars = wastedBytes / CostModel.gibibyte * p.double("egress_dollars_per_gib")
        wasted = try activation.series(CostModel.wastedBytes)
        cost = try activation.series(CostModel.dollars, LabelValues("egress"))
    }

    override var readsTime: Bool { false }

    override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
        guard bytes > 0 else { return }
        wasted?.add(bytes, shard: request.shard)
        cost?.add(dollars, shard: request.shard)
        emit(.delay(seconds: seconds))
    }
}
