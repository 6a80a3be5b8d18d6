import DequeModule
import SyslabCore
import SyslabTracing

/// A load test of a `SystemModel` in virtual time. Requests from the workload
/// enter at the topology's entry node; each node queues them for a server,
/// spends its service time, calls its dependencies through the caller's
/// client policies (pool, bulkhead, breaker, timeout, retries), and answers.
/// Scenario effects from a registry perturb the nodes and edges they target,
/// so symptoms (pool waits, retry amplification, stampedes) emerge from the
/// model rather than being painted on.
///
/// The state is a struct and the run loop a mutating method, so the hot path
/// has no reference counting or dynamic exclusivity checks.
public struct SystemSimulation {
    public let model: SystemModel
    public let workload: Workload
    public let schedule: ScenarioSchedule
    public let options: SimulationOptions

    enum Step {
        case arrival
        case vuStart(Int32)
        case vuTarget(Int32)
        case serviceDone(Int32, UInt32)
        case begin(Int32, UInt32)
        case linkFailed(Int32, UInt32)
        case requestLinkFailed(Int32, UInt32)
        case resume(Int32, UInt32)
        case retry(Int32, UInt32)
        case edgeTimeout(Int32, UInt32)
        case poolTimeout(Int32, UInt32)
        case clientTimeout(Int32, UInt32)
        case deliver(Int32)
        case scenario(Int32)
        case tick
        case stop
    }

    // MARK: engine
    var events = EventQueue<Step>()
    var now: Double { events.now }
    var calls = Slab<CallRecord>()
    var exchanges = Slab<ExchangeRecord>()
    var requests = Slab<RequestRecord>()
    var nextToken: UInt32 = 1

    // MARK: components
    var stations: [Station]
    var pools: [ConnectionPool?]
    var breakers: [CircuitBreaker?]
    var bulkheads: [Bulkhead?]
    var budgets: [RetryBudget]
    var balancers: [LoadBalancer?]
    var caches: [Cache?]
    var limiters: [TokenBucket?]
    var brokers: [Broker?]
    /// Calls in flight through each edge (least-connections reads it).
    var edgeInFlight: [Int]
    /// Pools, per node, of the edges that call it (a capacity effect on the node shrinks them).
    var poolsInto: [[Int]]
    /// The capacity fraction each node currently runs at (1 unless a capacity effect holds).
    var capacityFactors: [Double]
    /// Every node's sync edges in one flat list (node n's are
    /// syncEdgeList[syncEdgeStart[n] ..< syncEdgeStart[n+1]]), so walking them
    /// on the hot path touches no nested arrays.
    let syncEdgeStart: [Int]
    let syncEdgeList: [Int]
    let hasAsyncEdges: [Bool]

    // MARK: randomness
    var nodeRandom: [SeededGenerator]
    var retryRandom: SeededGenerator
    var workloadRandom: SeededGenerator
    var samplingRandom: SeededGenerator
    let serviceSamplers: [Sampler]
    let failingSamplers: [Sampler]

    // MARK: scenarios
    let registry: ScenarioRegistry
    /// Scenarios that act on the network between caller and callee (see
    /// `linkScenarios`), decided when a call is sent, on their own registry.
    let linkRegistry: ScenarioRegistry
    /// Database scenarios enabled without a target: they act on data stores
    /// only ("each matching database call"), so they live on their own registry.
    let dataRegistry: ScenarioRegistry
    let registryClock: ManualClock
    var scenariosActive = 0
    var linkScenariosActive = 0
    var dataScenariosActive = 0
    let contexts: [RequestContext]
    let edgeContexts: [RequestContext]
    var effectCounts: [String: [String: Int]] = [:]

    // MARK: workload
    var rateSchedule: RateSchedule?
    var arrivalHint = 0
    var arrivalTarget = 0.0
    var arrivalsStarted = 0
    var backlog = Deque<Double>()
    var vuActive: [Bool] = []
    var vuIterations: [Int] = []
    var vuTargetCount = 0
    var vusBusy = 0
    var stopped = false
    var finished = false
    let hardStop: Double

    // MARK: results
    var stats: RunStatistics
    /// Called every few thousand events with the fraction of virtual time done.
    public var progress: ((Double) -> Void)? = nil
    /// Called as each iteration starts: true runs it, false skips it (counted
    /// as dropped), nil aborts the run.
    public var requestHook: (() -> Bool?)? = nil
    /// Called as each request finishes with its status, latency (seconds, from
    /// the intended start) and cause; false aborts the run.
    public var responseHook: ((Int, Double, String) -> Bool)? = nil
    /// Asked every few thousand events (a few milliseconds); true stops the
    /// run at once and sets `cancelled` (a sweep being cancelled).
    public var shouldStop: (() -> Bool)? = nil
    /// The run was stopped by `shouldStop`: its result is incomplete.
    public internal(set) var cancelled = false
    /// Set when a hook aborted the run, or when virtual time stopped advancing.
    public internal(set) var aborted = false
    /// Why the run could not finish, when it could not.
    public internal(set) var failure: SyslabError? = nil
    /// Events allowed at one virtual instant before the run is declared stuck.
    var sameInstantLimit = 1_000_000

    /// Builds a run. `registry` supplies the scenario catalogue (built-ins and
    /// any defined in Lua); the run enables scenarios on a private registry
    /// driven by virtual time, so the caller's registry is left untouched.
    public init(model: SystemModel, workload: Workload, schedule: ScenarioSchedule = ScenarioSchedule(),
                options: SimulationOptions = SimulationOptions(), registry source: ScenarioRegistry? = nil) throws {
        self.model = model
        self.workload = workload
        self.schedule = schedule
        self.options = options
        let streams = RandomStreams(seed: options.seed)
        let clock = ManualClock(start: 0)
        let catalogue = source?.catalogue ?? BuiltinCatalogue.all
        self.registryClock = clock
        self.registry = ScenarioRegistry(clock: clock, seed: options.seed ^ 0x5CE7_A210, scenarios: catalogue)
        self.linkRegistry = ScenarioRegistry(clock: clock, seed: options.seed ^ 0x11AC_0E55, scenarios: catalogue)
        self.dataRegistry = ScenarioRegistry(clock: clock, seed: options.seed ^ 0xDA7A_5704, scenarios: catalogue)
        try schedule.validate(against: registry)

        let n = model.nodes.count, e = model.edges.count
        stations = model.nodes.map { Station(servers: $0.servers, queueLimit: $0.queueLimit) }
        pools = model.edges.map { $0.pool.map(ConnectionPool.init) }
        breakers = model.edges.map { $0.breaker.map(CircuitBreaker.init) }
        bulkheads = model.edges.map { $0.bulkhead.map(Bulkhead.init) }
        budgets = model.edges.map { RetryBudget(ratio: $0.retry.budgetRatio) }
        balancers = model.nodes.map { $0.balance.map(LoadBalancer.init) }
        limiters = model.nodes.map { $0.rateLimit.map(TokenBucket.init) }
        brokers = model.edges.map { $0.mode == .async ? Broker() : nil }
        edgeInFlight = Array(repeating: 0, count: e)
        var into = Array(repeating: [Int](), count: n)
        for edge in model.edges where edge.pool != nil { into[edge.to].append(edge.index) }
        poolsInto = into
        capacityFactors = Array(repeating: 1, count: n)
        var starts = [0]
        var list: [Int] = []
        for node in model.nodes {
            list += node.syncEdges
            starts.append(list.count)
        }
        syncEdgeStart = starts
        syncEdgeList = list
        hasAsyncEdges = model.nodes.map { !$0.asyncEdges.isEmpty }

        var cacheRandom = streams.stream(.workload)
        caches = model.nodes.map { node in node.cache.map { Cache($0, &cacheRandom) } }
        nodeRandom = (0..<n).map { streams.component($0) }
        retryRandom = streams.stream(.service)
        workloadRandom = streams.stream(.arrivals)
        samplingRandom = streams.stream(.sampling)
        serviceSamplers = model.nodes.map { Sampler($0.service) }
        failingSamplers = model.nodes.map { Sampler($0.failing) }

        let topology = model.topology
        contexts = model.nodes.map {
            RequestContext(route: topology.route, method: topology.method, component: $0.kind, tags: [$0.id])
        }
        edgeContexts = model.edges.map { edge in
            let to = model.nodes[edge.to]
            return RequestContext(route: topology.route, method: topology.method, component: to.kind, tags: [to.id, edge.id])
        }

        let duration = workload.executor.duration
        hardStop = duration + workload.gracefulStop
        let rows = (duration + workload.gracefulStop) / options.interval
        guard rows <= 1_000_000 else {
            throw SyslabError.limitExceeded("the time series would have \(Int(rows)) rows of \(DurationText.format(options.interval)); set options.interval to at least \(DurationText.format((duration + workload.gracefulStop) / 1_000_000))")
        }
        let boundaries = schedule.boundaries(until: duration)
        stats = RunStatistics(model: model, boundaries: boundaries, schedule: schedule, options: options)
    }

    /// Runs the test to the end and returns what it measured.
    public mutating func run() -> SimulationResult {
        precondition(!finished, "a SystemSimulation runs once")
        stats.phaseSnapshots = [emptySnapshot()]
        startWorkload()
        for (i, entry) in schedule.entries.enumerated() {
            events.schedule(at: entry.at, .scenario(Int32(i)))
            if entry.end.isFinite { events.schedule(at: entry.end, .scenario(Int32(-(i + 1)))) }
        }
        events.schedule(at: options.interval, .tick)
        events.schedule(at: workload.executor.duration, .stop)

        var processed = 0
        var sameInstant = 0, instant = -1.0
        let total = max(workload.executor.duration, 1e-9)
        while let event = events.next() {
            if event.time > hardStop { break }
            dispatch(event.payload)
            if stopped && requests.live == 0 && backlog.isEmpty { break }
            if aborted { break }
            processed &+= 1
            if processed & 0xFFFF == 0 {
                progress?(min(1, event.time / total))
                if let shouldStop, shouldStop() {
                    cancelled = true
                    aborted = true
                    break
                }
            }
            // Requests that take no time, repeated without pause, would loop forever at one instant.
            if event.time == instant {
                sameInstant += 1
                if sameInstant > sameInstantLimit {
                    failure = .limitExceeded("virtual time stopped advancing at \(DurationText.format(instant)): \(sameInstantLimit) events at one instant; give the nodes a service time or the VUs a thinkTime")
                    aborted = true
                    break
                }
            } else {
                instant = event.time
                sameInstant = 0
            }
        }
        progress?(1)
        return finish()
    }

    @inline(__always)
    mutating func dispatch(_ step: Step) {
        switch step {
        case .arrival: openArrival()
        case .vuStart(let vu): vuIteration(vu)
        case .vuTarget(let count): setVUTarget(Int(count))
        case .serviceDone(let call, let generation):
            if calls.isCurrent(call, generation) { serviceDone(call) }
        case .linkFailed(let x, let token):
            if exchanges[x].token == token, exchanges[x].state == .inFlight {
                attemptFinished(x, exchanges[x].linkFailure ?? Outcome(.timeout), lookupMissed: false)
            }
        case .requestLinkFailed(let r, let generation):
            if requests.isCurrent(r, generation) { finishRequest(r, requests[r].linkFailure ?? Outcome(.timeout)) }
        case .begin(let call, let generation):
            if calls.isCurrent(call, generation) { beginService(call) }
        case .resume(let call, let generation):
            if calls.isCurrent(call, generation) { resourceWaitEnded(call) }
        case .retry(let x, let token):
            if exchanges[x].token == token, exchanges[x].state == .backingOff { beginAttempt(x) }
        case .edgeTimeout(let x, let token):
            if exchanges[x].token == token, exchanges[x].state == .inFlight { edgeTimedOut(x) }
        case .poolTimeout(let x, let token):
            if exchanges[x].token == token, exchanges[x].state == .waitingConnection { connectionWaitTimedOut(x) }
        case .clientTimeout(let r, let generation):
            if requests.isCurrent(r, generation) { clientTimedOut(r) }
        case .deliver(let edge): deliver(edge: Int(edge))
        case .scenario(let index): toggleScenario(Int(index))
        case .tick:
            recordTick()
            if !stopped || requests.live > 0 { events.schedule(after: options.interval, .tick) }
        case .stop: stopWorkload()
        }
    }

    @inline(__always)
    mutating func token() -> UInt32 {
        let t = nextToken
        nextToken = nextToken == UInt32.max ? 1 : nextToken + 1
        return t
    }

    // MARK: scenarios

    mutating func toggleScenario(_ index: Int) {
        registryClock.set(now)
        if index >= 0 {
            let entry = schedule.entries[index]
            // Validated at init; a failure here would be a bug in the schedule check.
            do { try registry(for: entry).enable(entry.name, parameters: entry.parameters, ttl: 0) } catch {
                stats.warnings.append("could not enable '\(ErrorText.quoted(entry.name))' at \(DurationText.format(now)): \(error)")
            }
        } else {
            let entry = schedule.entries[-index - 1]
            try? registry(for: entry).disable(entry.name)
            // Capacity effects last while a scenario emits them; scenarios still
            // enabled set them again on their next call.
            for node in model.nodes.indices where capacityFactors[node] != 1 {
                setCapacity(node: node, factor: 1)
            }
        }
        scenariosActive = registry.activeScenarios(now: now).count
        linkScenariosActive = linkRegistry.activeScenarios(now: now).count
        dataScenariosActive = dataRegistry.activeScenarios(now: now).count
        if stats.isPhaseBoundary(now) { stats.closePhase(snapshot()) }
    }

    /// Scenarios whose failure lies in the network, before the callee: a
    /// partitioned call never reaches it, so the callee's load drops.
    static let linkScenarios: Set<String> = ["network-partition"]

    /// The private registry a scheduled scenario runs on.
    func registry(for entry: ScheduledScenario) -> ScenarioRegistry {
        if Self.linkScenarios.contains(entry.name) { return linkRegistry }
        if registry.scenario(named: entry.name)?.category == "database", entry.parameters?["target"] == nil { return dataRegistry }
        return registry
    }

    /// The effects link scenarios choose for a call sent to `node` (through `edge`).
    mutating func linkEffects(node: Int, edge: Int) -> EffectSummary {
        guard linkScenariosActive > 0 else { return EffectSummary() }
        return decide(linkRegistry, node: node, edge: edge)
    }

    /// The effects enabled scenarios choose for a call at `node` (through `edge`).
    mutating func effects(node: Int, edge: Int) -> EffectSummary {
        var summary = EffectSummary()
        if scenariosActive > 0 { decide(registry, node: node, edge: edge, into: &summary) }
        if dataScenariosActive > 0, model.nodes[node].storesData { decide(dataRegistry, node: node, edge: edge, into: &summary) }
        return summary
    }

    mutating func decide(_ registry: ScenarioRegistry, node: Int, edge: Int) -> EffectSummary {
        var summary = EffectSummary()
        decide(registry, node: node, edge: edge, into: &summary)
        return summary
    }

    mutating func decide(_ registry: ScenarioRegistry, node: Int, edge: Int, into summary: inout EffectSummary) {
        let context = edge >= 0 ? edgeContexts[edge] : contexts[node]
        var counts = effectCounts
        effectCounts = [:]
        do {
            try registry.decide(context, now: now) { entry, effect in
                summary.add(effect)
                counts[entry.scenario.name, default: [:]][effect.kind.name, default: 0] += 1
            }
        } catch {
            if stats.warnings.count < 20 { stats.warnings.append("scenario decision failed at \(model.nodes[node].id): \(error)") }
        }
        effectCounts = counts
    }
}
