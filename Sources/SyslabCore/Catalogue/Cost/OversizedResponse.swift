/// Responses carrying far more than the client uses (overfetching).
enum OversizedResponse {
    static let scenario = Scenario(
        name: "oversized-response", category: "cost",
        summary: "Each response is response_bytes of which the client uses needed_fraction; the rest is wasted: the request is delayed by its transfer time at client_bytes_per_second and its egress is billed at egress_dollars_per_gib.",
        notes: LearningNotes(
            whatHappens: "Endpoints return whole objects, nested relations and unused fields 'just in case'; every byte is serialized, sent, billed as egress and parsed on a phone that needed a tenth of it.",
            howToObserve: "response_wasted_bytes_total and cloud_cost_dollars_total{resource=\"egress\"} grow with traffic; latency on slow links grows by the wasted bytes' transfer time.",
            howToMitigate: "Return only the fields clients ask for (sparse fieldsets, GraphQL selections, dedicated view models), paginate collections, compress, and track response size per endpoint."),
        parameters: [
            .integer("response_bytes", default: 204_800, min: 0, max: 1_073_741_824, unit: "bytes", help: "Size of each response."),
            .number("needed_fraction", default: 0.1, min: 0, max: 1, help: "Share of the response the client uses."),
            CostModel.clientBandwidth, CostModel.egressPrice,
        ],
        metrics: [CostModel.wastedBytes, CostModel.dollars],
        effectKinds: [.delay],
        compile: { activation in
            let p = activation.parameters
            return try WastedBytesProgram(activation, wastedBytes: Double(p.int("response_bytes")) * (1 - p.double("needed_fraction")))
        }
    )
}
