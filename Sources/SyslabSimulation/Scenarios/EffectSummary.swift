import SyslabCore

/// The effects the enabled scenarios chose for one call at one node, folded
/// into what the simulator acts on. Several effects of a kind add up
/// (delays) or the strongest wins (capacity).
public struct EffectSummary {
    public var any = false
    /// Extra time the node spends on the call: delay, lock wait and CPU burn.
    public var extraTime = 0.0
    /// Time the call waits for a resource the scenario models (a thread pool, a
    /// connection pool, a disk) before the node works on it; it holds none of
    /// the node's servers meanwhile. With a failure, the failure ends the wait.
    public var queueWait = 0.0
    public var errorStatus: Int? = nil
    /// How long the error takes to surface (0 = the node's failing latency).
    public var errorAfter = 0.0
    public var throttleStatus: Int? = nil
    public var drop = false
    public var dropAfter = 0.0
    public var hang: Double? = nil
    public var timeout: Double? = nil
    public var capacity: Double? = nil
    public var cacheMiss = false
    public var extraQueries = 0
    /// The extra queries' own time, when they land on the data store itself.
    public var extraQuerySeconds = 0.0
    public var diskFull = false
    public var diskFullStatus = 507
    public var staleRead = false
    public var truncated = false
    public var retainedBytes = 0.0
    /// Extra attempts a retrying caller sends to this node (a retry effect).
    public var extraAttempts = 0
    /// Background tasks the call spawns on this node (a fanout effect), each taking `backgroundSeconds`.
    public var backgroundTasks = 0
    public var backgroundSeconds = 0.0
    /// Data anomalies with no timing effect (lost writes, reordering, phantom reads),
    /// counted so the summary can report them.
    public var anomalies = 0

    public init() {}

    public mutating func add(_ e: Effect) {
        any = true
        switch e.kind {
        case .delay, .lockWait, .cpuBurn: extraTime += max(0, e.seconds)
        case .error:
            errorStatus = e.status == 0 ? 500 : e.status
            errorAfter = max(0, e.seconds)
        case .throttle: throttleStatus = e.status == 0 ? 429 : e.status
        case .drop:
            drop = true
            dropAfter = max(0, e.seconds)
        case .hang: hang = max(hang ?? 0, max(0, e.seconds))
        case .timeout: timeout = min(timeout ?? .infinity, max(0, e.seconds))
        case .capacity: capacity = min(capacity ?? 1, max(0, min(1, e.amount)))
        case .cacheMiss: cacheMiss = true
        case .extraQueries:
            let count = max(0, e.amount.saturatingInt)
            extraQueries += count
            extraQuerySeconds += Double(count) * max(0, e.seconds)
        case .diskFull:
            diskFull = true
            diskFullStatus = e.status == 0 ? 507 : e.status
        case .staleRead: staleRead = true
        case .truncate: truncated = true
        case .memoryRetention: retainedBytes += max(0, e.amount)
        case .bandwidth:
            // Without message sizes, a bandwidth cap shows as transfer time for a
            // nominal 64 KiB response.
            if e.amount > 0 { extraTime += 65_536 / e.amount }
        case .retry:
            extraTime += max(0, e.seconds)
            extraAttempts += max(0, e.amount.saturatingInt)
        case .queueWait: queueWait += max(0, e.seconds)
        case .fanout:
            backgroundTasks += max(0, e.amount.saturatingInt)
            backgroundSeconds = max(backgroundSeconds, max(0, e.seconds))
        case .reorder:
            extraTime += max(0, e.seconds)
            anomalies += 1
        case .lostWrite, .inconsistentRead: anomalies += 1
        // Virtual time is the only clock; simulated calls carry no logs,
        // credentials or payloads, so security probes change nothing there.
        case .clockOffset, .logCanary, .stripCredentials, .injectionProbe, .csrfProbe, .foreignObjectProbe: break
        @unknown default: anomalies += 1
        }
    }
}
