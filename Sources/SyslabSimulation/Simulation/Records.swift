/// What a call is doing right now.
enum CallPhase: UInt8 {
    case waitingServer, serving, lookingUp, waitingForFill, calling, done
}

/// Who learns the result of a call.
enum CallRole: UInt8 {
    /// The root call of a request from the load generator.
    case root
    /// A sync call made by another call through an exchange.
    case child
    /// A message consumed from an async edge, or background work: nobody waits.
    case detached
}

/// One visit of a request to one node (one attempt: a retry is a new call).
struct CallRecord {
    var node: Int32
    var role: CallRole
    var phase: CallPhase
    var holdsServer = false
    var cacheHit = false
    /// A cache-miss effect hit this node (a cache server reports it to its caller).
    var forcedMiss = false
    /// This call's backend query will refill the cache key.
    var fillsCache = false
    /// The caller's exchange (role child), valid while `exchangeToken` matches.
    var exchange: Int32 = -1
    var exchangeToken: UInt32 = 0
    /// The request this call serves, valid while `requestGeneration` matches.
    var request: Int32
    var requestGeneration: UInt32
    var arrived: Double
    var deadline: Double
    /// Async: when the message was published (for consumer lag); -1 otherwise.
    var publishedAt: Double = -1
    /// Scenario effects are still to be decided (when the node starts on the call).
    var effectsPending = false
    /// When it last started waiting for one of the node's servers.
    var queuedSince: Double = 0
    /// A scenario's resource wait still to be spent off the node's servers.
    var resourceWait = 0.0
    /// A failure the scenario effects planned, delivered after `failAfter`.
    var plannedFailure: Outcome? = nil
    var failAfter = 0.0
    /// Extra processing time from effects; < 0 means a fixed service time (background work).
    var extraTime = 0.0
    /// Background work of a fixed cost (a fanout effect's task): no calls, no messages.
    var isBackgroundTask: Bool { extraTime < 0 }
    var extraQueries: Int32 = 0
    var cacheKey: Int32 = -1
    /// Sequential and failover fan-out: position in the node's sync edges.
    var stage: Int32 = 0
    /// Parallel fan-out: exchanges outstanding.
    var pending: Int32 = 0
    var chosenEdge: Int32 = -1
    var failure: Outcome? = nil
    /// Index of this call's span in its request's trace buffer; -1 = not traced.
    var span: Int32 = -1
    var parentSpan: Int32 = -1
    var attempt: Int32 = 1
    var via: Int32 = -1
}

/// A caller's use of one edge: across its repetitions (`calls`) and retries.
struct ExchangeRecord {
    var caller: Int32
    var callerGeneration: UInt32
    var edge: Int32
    var attempt: Int32 = 1
    var repetitionsLeft: Int32
    var child: Int32 = -1
    var childGeneration: UInt32 = 0
    /// Changes with every attempt; events carry it so stale ones are ignored. 0 = released.
    var token: UInt32
    var state: ExchangeState = .idle
    var holdsConnection = false
    var holdsBulkhead = false
    var isLookup: Bool
    /// When the current attempt was sent (for the edge's latency).
    var sentAt = 0.0
    /// How the current attempt fails when a link scenario keeps it from the callee.
    var linkFailure: Outcome? = nil
}

enum ExchangeState: UInt8 { case idle, waitingConnection, inFlight, backingOff }

/// One request of the load test.
struct RequestRecord {
    /// When the schedule meant it to start (open models) and when it was sent.
    var intended: Double
    var sent: Double
    var vu: Int32
    var root: Int32 = -1
    var rootGeneration: UInt32 = 0
    var traced = false
    var headSampled = false
    /// The request's number in start order (ties a trace kept by two samplers together).
    var serial = 0
    /// How the request fails when a link scenario keeps it from the entry node.
    var linkFailure: Outcome? = nil
}

/// A span as the simulator records it; turned into a `Span` only for kept traces.
struct SpanRecord {
    var node: Int32
    var via: Int32
    var parent: Int32
    var start: Double
    var end: Double
    var cause: Cause
    var status: Int
    var attempt: Int32
    var detached: Bool
}
