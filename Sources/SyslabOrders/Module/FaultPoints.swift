import SyslabCore

/// The order module's questions to a scenario registry: at each point where an
/// event-sourcing scenario can act (EventSourcingPoints), the effects that apply.
/// An idle registry answers without work.
struct FaultPoints {
    let registry: ScenarioRegistry

    func effects(component: String, route: String) throws -> [Effect] {
        if registry.isIdle { return [] }
        var out: [Effect] = []
        try registry.decide(RequestContext(route: route, component: component)) { _, effect in out.append(effect) }
        return out
    }

    /// Seconds a projection waits before applying one event, and how many later
    /// events overtake it (0: delivered in order).
    func projectionDelivery(_ projection: String) throws -> (delay: Double, overtakenBy: Int) {
        var delay = 0.0, overtaken = 0
        for effect in try effects(component: EventSourcingPoints.projection, route: "/projections/" + projection) {
            switch effect.kind {
            case .delay: delay += effect.seconds
            case .reorder: overtaken = max(overtaken, Int(min(effect.amount, 1_000)))
            default: break
            }
        }
        return (delay, overtaken)
    }

    /// The share of a snapshot's bytes that survive a write or a read (1: intact).
    func snapshotKeepFraction(route: String) throws -> Double {
        var keep = 1.0
        for effect in try effects(component: EventSourcingPoints.snapshot, route: route) where effect.kind == .truncate {
            keep = min(keep, effect.amount)
        }
        return keep
    }

    /// The failure a saga step meets (nil: the call succeeds).
    func sagaStepFailure(route: String) throws -> String? {
        for effect in try effects(component: EventSourcingPoints.saga, route: route) {
            switch effect.kind {
            case .error, .throttle: return "HTTP \(effect.status) from \(route)"
            case .timeout, .drop, .hang: return "\(effect.kind.name) at \(route)"
            default: continue
            }
        }
        return nil
    }
}
