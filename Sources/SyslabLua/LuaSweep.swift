#if canImport(Glibc)
import Glibc
#endif
import CLuaShim
import SyslabCore
import SyslabSimulation

/// Parameter sweeps in the `syslab` module (docs/sweep.md):
///
///   syslab.sweep(test, grid [, {replicas=, threads=, seed=, progress=function(done, total), quiet=}])
///       → rows (a list), with rows.cancelled, rows.jobs, rows.threads, rows.wall_seconds;
///         nil, message for a bad test or grid (nothing runs then)
///   syslab.sweep_smallest(test, path, values, condition [, {replicas=, threads=, seed=}])
///       → {value=, index=, steps={...}}, value nil when no value meets the condition
///   syslab.sweep_knee(rows, x, y) → {x=, y=, index=} or nil
///
/// Runs happen on the sweep's threads; everything that touches Lua (the
/// progress function, the bar, Ctrl-C) happens here, on the calling thread.
/// Ctrl-C (syslab-lua, or lua5.4's own handler through the progress call)
/// cancels: the runs stop and the rows that finished are returned.
enum LuaSweep {
    static func register(_ L: LuaState) {
        LuaSupport.setFunction(L, "sweep", sweep)
        LuaSupport.setFunction(L, "sweep_smallest", smallest)
        LuaSupport.setFunction(L, "sweep_knee", knee)
    }

    /// Reads the options table at `index`: the sweep's own fields plus the
    /// Lua-only `progress` (a function) and `quiet`.
    static func options(_ L: LuaState, _ index: Int32, _ function: String, allowed: [String]) throws -> (JSONValue, progress: Int32?, quiet: Bool) {
        guard syslab_lua_isnoneornil(L, index) == 0 else { return (.null, nil, false) }
        try LuaSupport.checkTable(L, index, function)
        var progress: Int32? = nil
        var quiet = false
        var fields: [String: JSONValue] = [:]
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            guard lua_type(L, -2) == LUA_TSTRING, let key = LuaSupport.string(L, at: -2) else {
                syslab_lua_pop(L, 2)
                throw LuaArgumentError("bad argument #\(index) to '\(function)' (options must have string keys)")
            }
            if key == "progress", allowed.contains(key) {
                guard lua_type(L, -1) == LUA_TFUNCTION else {
                    syslab_lua_pop(L, 2)
                    throw LuaArgumentError("bad argument #\(index) to '\(function)' (progress must be a function(done, total))")
                }
            } else if key == "quiet", allowed.contains(key) {
                quiet = lua_toboolean(L, -1) != 0
            } else {
                guard allowed.contains(key) else {
                    syslab_lua_pop(L, 2)
                    throw SyslabError.invalidArgument("unknown field '\(ErrorText.quoted(key))' in sweep options (expected one of: \(allowed.joined(separator: ", ")))")
                }
                fields[key] = try LuaSupport.json(L, at: -1, path: "options.\(key)")
            }
            syslab_lua_pop(L, 1)
        }
        lua_getfield(L, index, "progress")
        if lua_type(L, -1) == LUA_TFUNCTION { progress = lua_gettop(L) } else { syslab_lua_pop(L, 1) }
        return (.object(fields), progress, quiet)
    }

    /// `syslab.sweep(test, grid [, options])`
    static let sweep: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.checkTable(L, 2, "sweep")
            let (opts, progressIndex, quiet) = try options(L, 3, "sweep", allowed: SweepOptions.fields + ["progress", "quiet"])
            let (testJSON, _) = try LuaSimulation.testJSON(L, function: "sweep")
            let gridJSON = try LuaSupport.json(L, at: 2, path: "grid")
            let sweep = try Sweep(test: testJSON, grid: try SweepGrid(config: gridJSON), options: try SweepOptions(config: opts))

            let bar = isatty(2) != 0 && !quiet ? SweepProgressBar(threads: sweep.threads) : nil
            // A no-op Lua call each tick: under stock lua5.4 that is where its Ctrl-C hook fires.
            _ = luaL_loadstring(L, "return")
            let noop = lua_gettop(L)
            var hookError: String? = nil
            var interrupted = false
            let outcome = try sweep.run { done, total in
                bar?.draw(done, total)
                if syslab_lua_take_interrupt(L) != 0 { interrupted = true; return false }
                lua_pushvalue(L, progressIndex ?? noop)
                lua_pushinteger(L, lua_Integer(done))
                lua_pushinteger(L, lua_Integer(total))
                if syslab_lua_pcall(L, 2, 1, 0) != LUA_OK {
                    let message = LuaSupport.string(L, at: -1) ?? "?"
                    syslab_lua_pop(L, 1)
                    if message.hasSuffix("interrupted!") { interrupted = true } else { hookError = "progress function failed: \(message)" }
                    return false
                }
                let stop = lua_type(L, -1) == LUA_TBOOLEAN && lua_toboolean(L, -1) == 0
                syslab_lua_pop(L, 1)
                return !stop
            }
            bar?.finish(outcome, interrupted: interrupted)
            if let hookError { throw LuaArgumentError(hookError) }

            lua_createtable(L, Int32(outcome.rows.count), 6)
            for (i, row) in outcome.rows.enumerated() {
                try LuaSupport.push(L, json: row.json, path: "rows[\(i + 1)]")
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            lua_pushboolean(L, outcome.cancelled ? 1 : 0); lua_setfield(L, -2, "cancelled")
            lua_pushinteger(L, lua_Integer(outcome.jobs)); lua_setfield(L, -2, "jobs")
            lua_pushinteger(L, lua_Integer(outcome.threads)); lua_setfield(L, -2, "threads")
            lua_pushnumber(L, outcome.wallSeconds); lua_setfield(L, -2, "wall_seconds")
            return 1
        }
    }

    /// `syslab.sweep_smallest(test, path, values, condition [, options])`
    static let smallest: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let (testJSON, _) = try LuaSimulation.testJSON(L, function: "sweep_smallest")
            let path = try LuaSupport.checkString(L, 2, "sweep_smallest")
            try LuaSupport.checkTable(L, 3, "sweep_smallest")
            let values = try LuaSupport.json(L, at: 3, path: "values")
            let condition = try LuaSupport.checkString(L, 4, "sweep_smallest")
            let (opts, _, _) = try options(L, 5, "sweep_smallest", allowed: ["replicas", "threads", "seed"])
            // An empty Lua table reads as an empty object.
            guard let valueList = values.arrayValue ?? (values == .object([:]) ? [] : nil) else {
                throw SyslabError.typeMismatch("values must be a list, smallest first")
            }
            guard !valueList.isEmpty else { throw SyslabError.invalidArgument("values is empty: give the candidates, smallest first") }
            let search = try SweepSearch(test: testJSON, path: try SweepPath(path), values: valueList,
                                         condition: try SweepCondition(condition), options: try SweepOptions(config: opts))
            try LuaSupport.push(L, json: search.json(try search.run()))
            return 1
        }
    }

    /// `syslab.sweep_knee(rows, x, y)`
    static let knee: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.checkTable(L, 1, "sweep_knee")
            let x = try LuaSupport.checkString(L, 2, "sweep_knee"), y = try LuaSupport.checkString(L, 3, "sweep_knee")
            // Only the list part: rows.cancelled and friends are not rows.
            lua_createtable(L, Int32(clamping: lua_rawlen(L, 1)), 0)
            var i: lua_Integer = 1
            while lua_rawgeti(L, 1, i) != LUA_TNIL {
                lua_rawseti(L, -2, i)
                i += 1
            }
            syslab_lua_pop(L, 1)
            LuaSupport.markArray(L)
            let rows = try LuaSupport.json(L, at: -1, path: "rows")
            syslab_lua_pop(L, 1)
            let found = try SweepKnee.find(config: ["rows": rows.isNull ? .array([]) : rows, "x": .string(x), "y": .string(y)])
            if found.isNull { lua_pushnil(L) } else { try LuaSupport.push(L, json: found) }
            return 1
        }
    }
}

/// A one-line progress bar on stderr for a sweep: runs done, rate, time left.
final class SweepProgressBar {
    let threads: Int
    let started = MonotonicClock.seconds()
    var lastDone = -1
    var lastDrawn = 0.0

    init(threads: Int) { self.threads = threads }

    func draw(_ done: Int, _ total: Int) {
        let now = MonotonicClock.seconds()
        guard done != lastDone || now - lastDrawn > 0.5 else { return }
        lastDone = done; lastDrawn = now
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let elapsed = now - started
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? DurationText.format((Double(total - done) / rate).rounded()) : "?"
        fputs("\r  sweep [\(bar)] \(done)/\(total) runs, \(threads) threads, \(DurationText.format((elapsed * 10).rounded() / 10)), \(left) left  ", stderr)
        fflush(stderr)
    }

    func finish(_ outcome: SweepOutcome, interrupted: Bool) {
        fputs("\r" + String(repeating: " ", count: 100) + "\r", stderr)
        if outcome.cancelled {
            fputs("  sweep \(interrupted ? "interrupted" : "cancelled"): \(outcome.rows.count) of \(outcome.jobs) runs finished\n", stderr)
        }
        fflush(stderr)
    }
}
