/// Frequent small requests keep a phone's radio awake (the radio tail).
enum BatteryDrain {
    static let energy = MetricSpec.counter(
        "mobile_radio_energy_joules_total", "Energy the phone's radio spent on the requests, active and tail.", labels: ["scenario"])
    static let promotions = MetricSpec.counter(
        "mobile_radio_promotions_total", "Requests that had to wake the radio from idle.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "battery-drain", category: "mobile",
        summary: "A cellular radio woken from idle takes promotion_ms before the first byte (a delay) and stays in a high-power tail for tail_seconds after each request. Each request spends (promotion if any + transfer_ms) at radio_active_watts, and the time until the next request, up to tail_seconds, at radio_tail_watts: spread-out requests pay a whole tail each, batched ones share one.",
        notes: LearningNotes(
            whatHappens: "LTE and 5G radios stay in a connected, power-hungry state for seconds after the last packet. An app that sends a tiny analytics ping every 20 s keeps the radio awake almost all the time: most of the energy goes on tails, not on data, and every wake-up adds promotion latency.",
            howToObserve: "mobile_radio_energy_joules_total per request and per hour; mobile_radio_promotions_total against requests; on the device, Android Battery Historian or Xcode's energy gauge show radio-active time.",
            howToMitigate: "Batch and defer background traffic (WorkManager, BGTaskScheduler), piggyback on traffic the user triggers, use push instead of polling, and prefetch in one burst rather than trickling."),
        parameters: [
            .number("radio_active_watts", default: 1.2, min: 0, max: 10, unit: "W", help: "Radio power while sending or receiving."),
            .number("radio_tail_watts", default: 0.6, min: 0, max: 10, unit: "W", help: "Radio power in the tail after a transfer."),
            .number("tail_seconds", default: 10, min: 0, max: 120, unit: "s", help: "How long the radio stays in the high-power tail."),
            .number("promotion_ms", default: 600, min: 0, max: 10_000, unit: "ms", help: "Time to wake the radio from idle."),
            .number("transfer_ms", default: 300, min: 0, max: 600_000, unit: "ms", help: "Radio-active time of one request's transfer."),
        ],
        metrics: [energy, promotions],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let activeWatts: Double, tailWatts: Double
        let tail: Double, promotion: Double, transfer: Double
        let state: ActivationState
        let joules: MetricSeries?, wakes: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            activeWatts = p.double("radio_active_watts")
            tailWatts = p.double("radio_tail_watts")
            tail = p.double("tail_seconds")
            promotion = p.double("promotion_ms") / 1000
            transfer = p.double("transfer_ms") / 1000
            state = activation.state
            joules = try activation.series(energy)
            wakes = try activation.series(promotions)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let now = request.now
            // The gap since the previous request decides both the previous tail's length and whether the radio slept.
            let gap = state.transaction { values -> Double in
                let last = values["last", default: -Double.infinity]
                values["last"] = max(last, now)
                return now - last
            }
            let asleep = gap > tail
            let tailEnergy = gap.isFinite ? min(max(0, gap), tail) * tailWatts : 0
            joules?.add(tailEnergy + ((asleep ? promotion : 0) + transfer) * activeWatts, shard: request.shard)
            guard asleep else { return }
            wakes?.add(1, shard: request.shard)
            if promotion > 0 { emit(.delay(seconds: promotion)) }
        }
    }
}
