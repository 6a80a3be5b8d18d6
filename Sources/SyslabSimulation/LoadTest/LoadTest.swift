import SyslabCore

/// A declarative load test: the system, the scenarios switched on and off,
/// the workload, the thresholds and the run options, in one table.
///   { system = {...}, workload = {...}, scenarios = {...}, thresholds = {...}, options = {...} }
public struct LoadTest: Sendable {
    public var system: SystemModel
    public var workload: Workload
    public var schedule: ScenarioSchedule
    public var thresholds: Thresholds
    public var options: SimulationOptions

    public static let fields = ["system", "workload", "scenarios", "thresholds", "options"]

    public init(system: SystemModel, workload: Workload, schedule: ScenarioSchedule = ScenarioSchedule(),
                thresholds: Thresholds = Thresholds(), options: SimulationOptions = SimulationOptions()) {
        self.system = system; self.workload = workload; self.schedule = schedule
        self.thresholds = thresholds; self.options = options
    }

    public init(config json: JSONValue, path: String = "loadtest") throws {
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(Self.fields)
        guard let system = o.members["system"], !system.isNull else {
            throw SyslabError.invalidArgument("\(path) needs 'system' (a topology plus capacities)")
        }
        guard let workload = o.members["workload"], !workload.isNull else {
            throw SyslabError.invalidArgument("\(path) needs 'workload' (a k6 executor such as {executor=\"constant-arrival-rate\", rate=100, duration=\"30s\"})")
        }
        self.init(
            system: try SystemModel(config: system, path: "system"),
            workload: try Workload(config: workload, path: "workload"),
            schedule: try o.members["scenarios"].map { try ScenarioSchedule(config: $0, path: "scenarios") } ?? ScenarioSchedule(),
            thresholds: try o.members["thresholds"].map { $0.isNull ? Thresholds() : try Thresholds(config: $0, path: "thresholds") } ?? Thresholds(),
            options: try o.members["options"].map { $0.isNull ? SimulationOptions() : try SimulationOptions(config: $0, path: "options") } ?? SimulationOptions())
    }

    /// Runs the test. `registry` supplies the scenario catalogue (nil = built-ins);
    /// `progress` is called now and then with the fraction of virtual time done;
    /// the hooks see each request start and finish (see `SystemSimulation`);
    /// `shouldStop` returning true ends the run early with `CancellationError`.
    public func run(registry: ScenarioRegistry? = nil, progress: ((Double) -> Void)? = nil,
                    requestHook: (() -> Bool?)? = nil, responseHook: ((Int, Double, String) -> Bool)? = nil,
                    shouldStop: (() -> Bool)? = nil) throws -> LoadTestReport {
        var simulation = try SystemSimulation(model: system, workload: workload, schedule: schedule, options: options, registry: registry)
        simulation.progress = progress
        simulation.requestHook = requestHook
        simulation.responseHook = responseHook
        simulation.shouldStop = shouldStop
        let started = MonotonicClock.seconds()
        var result = simulation.run()
        if simulation.cancelled { throw CancellationError() }
        if let failure = simulation.failure { throw failure }
        result.wallSeconds = MonotonicClock.seconds() - started
        let judged = try thresholds.evaluate(result)
        return LoadTestReport(result: result, thresholds: judged, diagnosis: Diagnosis.findings(for: result))
    }
}

/// A finished load test: what it measured, the thresholds judged, the diagnosis.
public struct LoadTestReport: Sendable {
    public var result: SimulationResult
    public var thresholds: [ThresholdResult]
    public var diagnosis: [Finding]

    public var passed: Bool { thresholds.allSatisfy(\.passed) }
    public var failedThresholds: [ThresholdResult] { thresholds.filter { !$0.passed } }

    public var json: JSONValue { result.json(thresholds: thresholds, diagnosis: diagnosis) }
    public var summary: String { SummaryText.render(result, thresholds: thresholds, diagnosis: diagnosis) }
}
