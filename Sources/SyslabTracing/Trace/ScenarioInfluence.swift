import SyslabCore

/// The small adapter between the scenario registry and the trace generator:
/// asks the registry which effects apply to one span's component and turns
/// them into extra latency, a failure, and events that say why.
struct ScenarioInfluence {
    struct Failure {
        var status: Int
        var errorType: String
        var message: String
    }

    var extraMs: Double = 0
    var failure: Failure? = nil
    var events: [(scenario: String, effect: Effect)] = []

    static func decide(_ registry: ScenarioRegistry?, topology: Topology, node: TopologyNode, tags: [String]) throws -> ScenarioInfluence {
        var influence = ScenarioInfluence()
        guard let registry else { return influence }
        let context = RequestContext(route: topology.route, method: topology.method, component: node.kind, tags: [node.id] + tags)
        try registry.decide(context) { entry, effect in
            influence.apply(effect)
            influence.events.append((entry.scenario.name, effect))
        }
        return influence
    }

    mutating func apply(_ effect: Effect) {
        let ms = max(0, effect.seconds) * 1000
        switch effect.kind {
        case .delay, .lockWait, .cpuBurn, .queueWait, .retry:
            extraMs += ms
        case .hang:
            extraMs += ms
            fail(504, "hang", "request hung for \(JSONValue.format(number: ms)) ms and was abandoned")
        case .timeout:
            extraMs += ms
            fail(504, "timeout", "timed out after \(JSONValue.format(number: ms)) ms")
        case .error:
            let status = effect.status > 0 ? effect.status : 500
            fail(status, String(status), "injected error \(status)")
        case .throttle:
            let status = effect.status > 0 ? effect.status : 429
            fail(status, String(status), "throttled (\(status)), retry after \(JSONValue.format(number: effect.seconds)) s")
        case .drop:
            fail(0, "ECONNRESET", "connection dropped without a response")
        case .diskFull:
            fail(507, "ENOSPC", "no space left on device")
        default:
            break // recorded as an event only: one trace cannot show bandwidth, capacity, staleness ...
        }
    }

    private mutating func fail(_ status: Int, _ type: String, _ message: String) {
        if failure == nil { failure = Failure(status: status, errorType: type, message: message) }
    }
}
