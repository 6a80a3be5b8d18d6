#if canImport(Glibc)
import Glibc
#endif
import CLuaShim
import SyslabCore
import SyslabSimulation

/// The simulation part of the `syslab` module: queueing stations, simulated
/// load tests and their reports. Configuration crosses as Lua tables read
/// through JSON, so Lua, C and Python share one schema and one set of errors.
///
///   syslab.queue{lambda=, mu=, servers=, capacity=, customers=, seed=, service=}  → result table
///   syslab.simulate(test [, registry])   → report (no printing, thresholds not enforced)
///   syslab.loadtest(test [, registry])   → report; prints a progress bar (on a terminal) and the
///       summary, calls wrk-style hooks, writes outputs, and raises when a threshold fails
public enum LuaSimulation {
    public static let reportMetatable = "syslab.LoadTestReport"

    /// What a report userdata holds.
    public final class ReportBox {
        public let report: LoadTestReport
        public init(_ report: LoadTestReport) { self.report = report }
    }

    /// Adds the simulation functions to the module table on top of the stack.
    public static func register(_ L: LuaState) {
        let created = LuaSupport.defineMetatable(L, reportMetatable, methods: [
            ("summary", summary), ("json", json), ("html", html), ("table", table), ("csv", csv), ("traces", traces), ("logs", logs),
            ("passed", passed), ("thresholds", thresholds), ("diagnosis", diagnosis), ("percentile", percentile),
        ])
        if created {
            syslab_lua_getmetatable_named(L, reportMetatable)
            LuaSupport.setFunction(L, "__gc", release)
            LuaSupport.setFunction(L, "__close", release)
            LuaSupport.setFunction(L, "__tostring") { L in
                guard let L else { return 0 }
                if let box = LuaSupport.object(L, 1, metatable: LuaSimulation.reportMetatable, as: ReportBox.self) {
                    let r = box.report.result
                    LuaSupport.push(L, "syslab.LoadTestReport (\(r.system): \(r.completed) requests, p99 \(DurationText.format(r.latency.p99)), thresholds \(box.report.passed ? "passed" : "failed"))")
                } else {
                    LuaSupport.push(L, "syslab.LoadTestReport (closed)")
                }
                return 1
            }
            syslab_lua_pop(L, 1)
        }
        LuaSupport.setFunction(L, "queue", queue)
        LuaSupport.setFunction(L, "simulate", simulate)
        LuaSupport.setFunction(L, "loadtest", loadtest)
    }

    /// `syslab.queue{lambda=, mu=, servers=, capacity=, customers=, seed=, service="exp"|"det"}`
    /// → a result table (mean_wq, mean_w, mean_l, p50_w, p99_w, blocking, n, ...), or nil and a message.
    static let queue: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.checkTable(L, 1, "queue")
            let model = try QueueingModel(config: try LuaSupport.json(L, at: 1, path: "queue"))
            let result = try QueueingSimulation(model).run()
            try LuaSupport.push(L, json: result.json)
            return 1
        }
    }

    // MARK: running tests

    static let hookNames = ["setup", "init", "request", "response", "done"]

    /// The test table at index 1 as JSON, leaving out hooks and `output`.
    static func testJSON(_ L: LuaState, function: String) throws -> (JSONValue, JSONValue?) {
        try LuaSupport.checkTable(L, 1, function)
        lua_createtable(L, 0, 8)
        let copy = lua_gettop(L)
        lua_pushnil(L)
        while lua_next(L, 1) != 0 {
            let key = lua_type(L, -2) == LUA_TSTRING ? LuaSupport.string(L, at: -2) : nil
            if lua_type(L, -1) == LUA_TFUNCTION, let key, hookNames.contains(key) {
                syslab_lua_pop(L, 1)
                continue
            }
            lua_pushvalue(L, -2)
            syslab_lua_insert(L, -2)
            lua_settable(L, copy)
        }
        lua_getfield(L, copy, "output")
        let output = try LuaSupport.json(L, at: -1, path: "output")
        syslab_lua_pop(L, 1)
        lua_pushnil(L)
        lua_setfield(L, copy, "output")
        defer { lua_settop(L, copy - 1) }
        let outputOrNone: JSONValue? = output.isNull ? Optional.none : Optional.some(output)
        return (try LuaSupport.json(L, at: copy, path: "test"), outputOrNone)
    }

    static func registryArgument(_ L: LuaState, _ index: Int32, _ function: String) throws -> ScenarioRegistry? {
        if syslab_lua_isnoneornil(L, index) != 0 { return nil }
        guard let handle = LuaSupport.object(L, index, metatable: LuaRegistry.metatable, as: LuaRegistry.Handle.self) else {
            throw LuaArgumentError("bad argument #\(index) to '\(function)' (syslab.Registry expected, got \(LuaSupport.typeName(L, index)))")
        }
        return handle.registry
    }

    /// `syslab.simulate(test [, registry])` → report, or nil and a message.
    static let simulate: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let registry = try registryArgument(L, 2, "simulate")
            let (json, _) = try testJSON(L, function: "simulate")
            let test = try LoadTest(config: json)
            let report = try test.run(registry: registry)
            LuaSupport.pushObject(L, ReportBox(report), metatable: reportMetatable)
            return 1
        }
    }

    /// Output options of `loadtest`: where to write the JSON summary, the CSV
    /// time series, the traces, the request logs and the HTML report, and whether to print the summary.
    struct Output {
        var json: String?
        var csv: String?
        var traces: String?
        var html: String?
        var logs: String?
        var quiet = false

        init(_ json: JSONValue?) throws {
            guard let json else { return }
            let o = try ConfigObject(json, path: "output")
            try o.allowOnly(["json", "csv", "traces", "html", "logs", "quiet"])
            self.json = try o.optionalString("json")
            self.csv = try o.optionalString("csv")
            self.traces = try o.optionalString("traces")
            self.html = try o.optionalString("html")
            self.logs = try o.optionalString("logs")
            self.quiet = try o.bool("quiet", default: false)
        }
    }

    /// `syslab.loadtest(test [, registry])`: the k6-like runner. Unlike
    /// `simulate`, every problem raises: a runner should stop loudly.
    static let loadtest: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
          do {
            let registry = try registryArgument(L, 2, "loadtest")
            try LuaSupport.checkTable(L, 1, "loadtest")
            lua_settop(L, 1)
            lua_pushcclosure(L, syslab_lua_traceback_handler, 0)
            let handler = lua_gettop(L)
            // Hooks come from the table or, wrk-style, from globals.
            var hooks: [String: Int32] = [:]
            for name in hookNames {
                lua_getfield(L, 1, name)
                if lua_type(L, -1) != LUA_TFUNCTION {
                    syslab_lua_pop(L, 1)
                    lua_getglobal(L, name)
                }
                if lua_type(L, -1) == LUA_TFUNCTION { hooks[name] = lua_gettop(L) } else { syslab_lua_pop(L, 1) }
            }
            func call(_ name: String, _ nargs: Int32, _ nresults: Int32) throws {
                if syslab_lua_pcall(L, nargs, nresults, handler) != LUA_OK {
                    let message = LuaSupport.string(L, at: -1) ?? "(error object is not a string)"
                    syslab_lua_pop(L, 1)
                    throw LuaArgumentError("\(name) hook failed: \(message)")
                }
            }
            if let setup = hooks["setup"] {
                lua_pushvalue(L, setup)
                lua_pushvalue(L, 1)
                try call("setup", 1, 0)
            }
            if let initHook = hooks["init"] {
                lua_pushvalue(L, initHook)
                pushScriptArguments(L)
                try call("init", 1, 0)
            }
            let (json, outputJSON) = try testJSON(L, function: "loadtest")
            let output = try Output(outputJSON)
            let test = try LoadTest(config: json)

            var hookError: String? = nil
            var requestHook: (() -> Bool?)? = nil
            if let request = hooks["request"] {
                requestHook = {
                    lua_pushvalue(L, request)
                    if syslab_lua_pcall(L, 0, 1, handler) != LUA_OK {
                        hookError = "request hook failed: " + (LuaSupport.string(L, at: -1) ?? "?")
                        syslab_lua_pop(L, 1)
                        return nil
                    }
                    let skip = lua_type(L, -1) == LUA_TBOOLEAN && lua_toboolean(L, -1) == 0
                    syslab_lua_pop(L, 1)
                    return !skip
                }
            }
            var responseHook: ((Int, Double, String) -> Bool)? = nil
            if let response = hooks["response"] {
                responseHook = { status, latency, cause in
                    lua_pushvalue(L, response)
                    lua_pushinteger(L, lua_Integer(status))
                    lua_pushnumber(L, latency * 1000)
                    LuaSupport.push(L, cause)
                    if syslab_lua_pcall(L, 3, 0, handler) != LUA_OK {
                        hookError = "response hook failed: " + (LuaSupport.string(L, at: -1) ?? "?")
                        syslab_lua_pop(L, 1)
                        return false
                    }
                    return true
                }
            }
            let bar = isatty(2) != 0 && !output.quiet ? ProgressBar(total: test.workload.executor.duration) : nil
            let report = try test.run(registry: registry, progress: bar.map { b in { b.draw($0) } },
                                      requestHook: requestHook, responseHook: responseHook)
            bar?.finish()
            if let hookError { throw LuaArgumentError(hookError) }

            if !output.quiet {
                fputs(report.summary, stdout)
                fflush(stdout)
            }
            if let path = output.json { try write(report.json.serialized(pretty: true) + "\n", to: path) }
            if let path = output.csv { try write(report.result.seriesCSV, to: path) }
            if let path = output.traces { try write(report.result.tracesJSON.serialized() + "\n", to: path) }
            if let path = output.html { try write(report.html, to: path) }
            if let path = output.logs { try write(report.result.logsJSONL, to: path) }

            LuaSupport.pushObject(L, ReportBox(report), metatable: reportMetatable)
            let reportIndex = lua_gettop(L)
            if let done = hooks["done"] {
                lua_pushvalue(L, done)
                try pushWrkSummary(L, report.result)
                try pushLatency(L, report.result, report: reportIndex)
                try LuaSupport.push(L, json: report.json)
                try call("done", 3, 0)
            }
            let failed = report.failedThresholds
            if !failed.isEmpty {
                let list = failed.map { "\($0.threshold.metric): \($0.threshold.expression) (actual \(JSONValue.format(number: ($0.value * 1000).rounded() / 1000)))" }
                throw LuaArgumentError("thresholds crossed: " + list.joined(separator: "; "))
            }
            lua_settop(L, reportIndex)
            return 1
          } catch let error as SyslabError {
            throw LuaArgumentError(error.message)
          }
        }
    }

    /// The script's arguments (`arg[1..n]`) as a list, for `init(args)`.
    static func pushScriptArguments(_ L: LuaState) {
        lua_createtable(L, 0, 0)
        lua_getglobal(L, "arg")
        if lua_type(L, -1) == LUA_TTABLE {
            var i: lua_Integer = 1
            while lua_rawgeti(L, -1, i) != LUA_TNIL {
                lua_rawseti(L, -3, i)
                i += 1
            }
            syslab_lua_pop(L, 1)
        }
        syslab_lua_pop(L, 1)
    }

    /// wrk's `summary` table: duration in microseconds, requests, errors by kind.
    static func pushWrkSummary(_ L: LuaState, _ r: SimulationResult) throws {
        let statusErrors = r.statuses.filter { $0.key >= 400 }.reduce(0) { $0 + $1.value }
        let timeouts = (r.causes["timeout"] ?? 0) + (r.causes["client_timeout"] ?? 0) + (r.causes["hang"] ?? 0)
        try LuaSupport.push(L, json: [
            "duration": .number((r.duration * 1e6).rounded()), "requests": .number(Double(r.completed)), "bytes": 0,
            "errors": ["connect": .number(Double(r.causes["dropped"] ?? 0)), "read": 0, "write": 0,
                       "status": .number(Double(statusErrors)), "timeout": .number(Double(timeouts))],
        ])
    }

    /// wrk's `latency` object (microseconds): min, max, mean, stdev and `latency:percentile(p)`.
    static func pushLatency(_ L: LuaState, _ r: SimulationResult, report: Int32) throws {
        let h = r.latencyHistogram
        try LuaSupport.push(L, json: [
            "min": .number((h.percentile(0) * 1e6).rounded()), "max": .number((h.maximum * 1e6).rounded()),
            "mean": .number(h.mean * 1e6), "stdev": .number(h.standardDeviation * 1e6),
        ])
        lua_pushvalue(L, report)
        lua_setfield(L, -2, "report")
        LuaSupport.setFunction(L, "percentile") { L in
            LuaSupport.guarded(L) { L in
                try LuaSupport.checkTable(L, 1, "percentile")
                let p = try LuaSupport.checkNumber(L, 2, "percentile")
                lua_getfield(L, 1, "report")
                guard let box = LuaSupport.object(L, -1, metatable: LuaSimulation.reportMetatable, as: ReportBox.self) else {
                    throw LuaArgumentError("latency:percentile: the report is gone")
                }
                lua_pushnumber(L, (box.report.result.latencyPercentile(min(100, max(0, p))) * 1e6).rounded())
                return 1
            }
        }
    }

    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else {
            throw SyslabError.io("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw SyslabError.io("cannot write '\(path)'") }
    }

    // MARK: report methods

    static func box(_ L: LuaState, _ method: String) throws -> ReportBox {
        try LuaSupport.checkSelf(L, metatable: reportMetatable, as: ReportBox.self, method: method, variable: "report")
    }

    /// `report:summary()` → the end-of-test summary text.
    static let summary: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            LuaSupport.push(L, try box(L, "summary").report.summary)
            return 1
        }
    }

    /// `report:json([pretty])` → the versioned JSON summary.
    static let json: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let report = try box(L, "json").report
            LuaSupport.push(L, report.json.serialized(pretty: lua_toboolean(L, 2) != 0))
            return 1
        }
    }

    /// `report:html()` → the report as one self-contained HTML page.
    static let html: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            LuaSupport.push(L, try box(L, "html").report.html)
            return 1
        }
    }

    /// `report:table()` → the JSON summary as a Lua table.
    static let table: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try box(L, "table").report.json)
            return 1
        }
    }

    /// `report:csv()` → the time series as CSV text.
    static let csv: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            LuaSupport.push(L, try box(L, "csv").report.result.seriesCSV)
            return 1
        }
    }

    /// `report:traces()` → the sampled traces as a list of tables.
    static let traces: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try box(L, "traces").report.result.tracesJSON)
            return 1
        }
    }

    /// `report:logs()` → the request logs as a list of tables (`output.logs` writes them as JSON Lines).
    static let logs: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try box(L, "logs").report.result.logsJSON)
            return 1
        }
    }

    /// `report:passed()` → true when every threshold held.
    static let passed: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            lua_pushboolean(L, try box(L, "passed").report.passed ? 1 : 0)
            return 1
        }
    }

    static let thresholds: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: .array(try box(L, "thresholds").report.thresholds.map(\.json)))
            return 1
        }
    }

    static let diagnosis: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: .array(try box(L, "diagnosis").report.diagnosis.map(\.json)))
            return 1
        }
    }

    /// `report:percentile(p [, "uncorrected"])` → request latency in seconds.
    static let percentile: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let report = try box(L, "percentile").report
            let p = try LuaSupport.checkNumber(L, 2, "percentile")
            guard p >= 0, p <= 100 else { throw LuaArgumentError("bad argument #2 to 'percentile' (must be in [0, 100])") }
            let which = try LuaSupport.optString(L, 3, "percentile") ?? "corrected"
            guard which == "corrected" || which == "uncorrected" else {
                throw LuaArgumentError("bad argument #3 to 'percentile' (\"corrected\" or \"uncorrected\")")
            }
            lua_pushnumber(L, report.result.latencyPercentile(p, corrected: which == "corrected"))
            return 1
        }
    }

    static let release: LuaFunction = { L in
        guard let L else { return 0 }
        LuaSupport.releaseObject(L, 1, metatable: LuaSimulation.reportMetatable, as: ReportBox.self)
        return 0
    }
}

/// A one-line progress bar on stderr, redrawn in place; only used on a terminal.
final class ProgressBar {
    let total: Double
    var lastDrawn = -1
    let started = MonotonicClock.seconds()

    init(total: Double) { self.total = total }

    func draw(_ fraction: Double) {
        let percent = Int(fraction * 100)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let virtual = DurationText.format(fraction * total)
        let wall = DurationText.format(MonotonicClock.seconds() - started)
        fputs("\r  running [\(bar)] \(percent)%  \(virtual)/\(DurationText.format(total)) virtual, \(wall) wall  ", stderr)
        fflush(stderr)
    }

    func finish() {
        fputs("\r" + String(repeating: " ", count: 100) + "\r", stderr)
        fflush(stderr)
    }
}
