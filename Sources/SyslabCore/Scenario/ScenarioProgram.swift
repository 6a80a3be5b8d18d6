/// What one decision hands to a scenario's program besides the request
/// itself (passed borrowed, so it is not copied): the time and the
/// decision's random stream, which the scenarios it runs draw from in turn.
public struct ScenarioRequest {
    /// Seconds since the Unix epoch (or virtual time in the simulator).
    public var now: Double
    /// Seconds since this activation was enabled.
    public var elapsed: Double
    /// The deciding thread's `ThreadShard.current`, for metric updates.
    public let shard: Int
    private let seed: UInt64
    private var generator: SeededGenerator?

    /// The decision's random stream, seeded on first use, so a decision
    /// whose scenarios draw nothing (a fixed delay) skips the seeding.
    public var random: SeededGenerator {
        get { generator ?? SeededGenerator(seed: seed) }
        _modify {
            if generator == nil { generator = SeededGenerator(seed: seed) }
            yield &generator!
        }
        set { generator = newValue }
    }

    public init(now: Double, elapsed: Double, random: SeededGenerator, shard: Int = ThreadShard.current) {
        self.now = now; self.elapsed = elapsed; self.shard = shard
        seed = 0
        generator = random
    }

    /// A request whose stream is `SeededGenerator(seed: seed)`, made when first drawn from.
    init(now: Double, elapsed: Double, seed: UInt64, shard: Int) {
        self.now = now; self.elapsed = elapsed; self.shard = shard; self.seed = seed
    }
}

/// Everything a scenario's compiler may resolve once, when the scenario is
/// enabled: the validated parameters, the activation's state and its metric
/// series.
public struct ScenarioActivation {
    public let scenario: String
    public let parameters: ParameterValues
    public let state: ActivationState
    /// nil outside a registry (metrics are then discarded).
    let instruments: ScenarioInstruments?
    /// Gauge values the compiler computed (a measurement taken at enable);
    /// the registry sets them once the activation is installed.
    let gauges: ActivationGauges

    init(scenario: String, parameters: ParameterValues, state: ActivationState, instruments: ScenarioInstruments?,
         gauges: ActivationGauges = ActivationGauges()) {
        self.scenario = scenario; self.parameters = parameters; self.state = state
        self.instruments = instruments; self.gauges = gauges
    }

    /// The series of a declared metric for `labels` (its labels other than
    /// `scenario`), resolved once so a decision records without a lookup;
    /// nil when metrics are discarded.
    func series(_ spec: MetricSpec, _ labels: LabelValues = .none) throws -> MetricSeries? {
        try instruments?.resolve(spec.name, labels)
    }

    /// Sets gauge `spec` for `labels` to `value` when the activation is
    /// installed: a value computed once at enable (a measured cost), not per
    /// request. Setting it here directly would be undone by the install,
    /// which resets this scenario's gauges and removes those of the
    /// activation it replaces.
    func publishOnInstall(_ spec: MetricSpec, _ labels: LabelValues = .none, _ value: Double) {
        guard instruments != nil, spec.kind == .gauge, value.isFinite else { return }
        gauges.append(name: spec.name, labels: labels, value: value)
    }
}

/// Gauge values an activation publishes once, when it is installed.
final class ActivationGauges: @unchecked Sendable {
    private let lock = Lock()
    private var values: [(name: String, labels: LabelValues, value: Double)] = []

    func append(name: String, labels: LabelValues, value: Double) {
        lock.withLock { values.append((name, labels, value)) }
    }

    /// Sets every recorded gauge in `instruments` (the series are resolved
    /// afresh, after the install removed the previous activation's).
    func publish(to instruments: ScenarioInstruments) {
        for entry in lock.withLock({ values }) {
            try? instruments.resolve(entry.name, entry.labels).set(entry.value)
        }
    }
}

extension ScenarioActivation {
    init(_ invocation: ScenarioInvocation) {
        self.init(scenario: invocation.scenario, parameters: invocation.parameters, state: invocation.state,
                  instruments: invocation.metrics.instruments)
    }
}

extension Scenario {
    /// A built-in whose per-request work is a program compiled once per
    /// activation. Its `apply` (for callers outside a registry) compiles on
    /// every call, so the program is the one definition of its behaviour;
    /// state that must outlive a call lives in `ActivationState`.
    init(
        name: String, category: String, summary: String, notes: LearningNotes,
        parameters: [ParameterSpec], metrics: [MetricSpec], applicability: Targeting = .everything,
        effectKinds: [EffectKind], compile: @escaping ScenarioCompiler
    ) {
        self.init(
            name: name, category: category, summary: summary, notes: notes, parameters: parameters, metrics: metrics,
            applicability: applicability, effectKinds: effectKinds
        ) { invocation, emit in
            let program = try compile(ScenarioActivation(invocation))
            var request = ScenarioRequest(now: invocation.now, elapsed: invocation.elapsed, random: invocation.random)
            let context = invocation.context
            try withUnsafePointer(to: context) { try program.run(&request, $0, emit) }
            invocation.random = request.random
        }
        self.compile = compile
    }
}

/// What one activation runs on every matching request, built once at enable.
/// Built-in scenarios subclass it with typed fields read from their validated
/// parameters and metric series resolved up front; `ClosureProgram` runs a
/// plain `ScenarioApply` (Lua-defined scenarios, and built-ins without a
/// compiler). A program is shared by every thread: its state is atomic or
/// sits in `ActivationState`.
open class ScenarioProgram: @unchecked Sendable {
    public init() {}

    /// Computes the effects for the request `context` points to (borrowed for
    /// the call: passing a pointer copies no string) and hands each to `emit`.
    open func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {}

    /// Whether `run` reads `request.now` or `request.elapsed`. When no
    /// active program does and nothing expires, a decision skips reading the
    /// clock (it then passes NaN, which such a program never reads).
    open var readsTime: Bool { true }

    /// A copy for one thread, or self when the program has nothing a thread
    /// should own (see `ClosureProgram`).
    open func forThread() -> ScenarioProgram { self }
}

/// Compiles a validated activation into its program.
public typealias ScenarioCompiler = @Sendable (ScenarioActivation) throws -> ScenarioProgram

/// Runs a `ScenarioApply` closure. Each thread gets its own copy whose
/// invocation is built once and then only has its per-request fields
/// replaced, so a decision does not retain the activation's shared objects.
final class ClosureProgram: ScenarioProgram, @unchecked Sendable {
    private let apply: ScenarioApply
    private var invocation: ScenarioInvocation
    /// True while `run` uses `invocation`; a nested decision on the same
    /// thread (a script deciding from inside its apply) builds its own.
    private var busy = false

    init(apply: @escaping ScenarioApply, invocation: ScenarioInvocation) {
        self.apply = apply
        self.invocation = invocation
    }

    override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
        if busy {
            var fresh = invocation
            fresh.reset(for: request, context.pointee)
            defer { request.random = fresh.random }
            try apply(&fresh, emit)
            return
        }
        busy = true
        invocation.reset(for: request, context.pointee)
        defer {
            // The next scenario of the decision continues the stream where this one left it.
            request.random = invocation.random
            busy = false
        }
        try apply(&invocation, emit)
    }

    override func forThread() -> ScenarioProgram {
        ClosureProgram(apply: apply, invocation: invocation.threadPrivateCopy())
    }
}
