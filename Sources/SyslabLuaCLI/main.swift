// syslab-lua: a Lua 5.4 interpreter with the `syslab` module preloaded.
// Usage and behaviour follow lua5.4 (lua.c): options, the `arg` table,
// `...` for script arguments, `progname: message` plus a traceback on
// stderr and exit status 1 on error.
#if canImport(Glibc)
import Glibc
#endif
import CLuaShim
import SyslabCore
import SyslabLua

let progname = "syslab-lua"

func usage(_ badOption: String?) -> Never {
    if let badOption {
        fputs("\(progname): unrecognized option '\(badOption)'\n", stderr)
    }
    fputs("""
        usage: \(progname) [options] [script [args]]
        Available options are:
          -e stat   execute string 'stat'
          -i        enter interactive mode after executing 'script'
          -l mod    require library 'mod' into global 'mod'
          -l g=mod  require library 'mod' into global 'g'
          -v        show version information
          -E        ignore environment variables
          -W        turn warnings on
          --        stop handling options
          -         stop handling options and execute stdin
        Environment: SYSLAB_LUA_MAX_MEMORY_MB, SYSLAB_LUA_MAX_INSTRUCTIONS set safety limits.

        """, stderr)
    exit(1)
}

enum Action { case execute(String), require(String) }

struct Options {
    var actions: [Action] = []
    var interactive = false
    var version = false
    var ignoreEnvironment = false
    var warnings = false
    var scriptIndex: Int? = nil  // index in CommandLine.arguments
    var stdinScript = false
}

func parseOptions(_ args: [String]) -> Options {
    var o = Options()
    var i = 1
    while i < args.count {
        let a = args[i]
        if a == "--" { i += 1; break }
        if a == "-" { o.stdinScript = true; o.scriptIndex = i; return o }
        guard a.hasPrefix("-"), a.count > 1 else { break }
        switch a.prefix(2) {
        case "-i": guard a.count == 2 else { usage(a) }; o.interactive = true; o.version = true
        case "-v": guard a.count == 2 else { usage(a) }; o.version = true
        case "-E": guard a.count == 2 else { usage(a) }; o.ignoreEnvironment = true
        case "-W": guard a.count == 2 else { usage(a) }; o.warnings = true
        case "-e", "-l":
            var value = String(a.dropFirst(2))
            if value.isEmpty {
                i += 1
                guard i < args.count, !args[i].hasPrefix("-") || a == "-e" else {
                    fputs("\(progname): '\(a)' needs argument\n", stderr); usage(nil)
                }
                value = args[i]
            }
            o.actions.append(a.hasPrefix("-e") ? .execute(value) : .require(value))
        default: usage(a)
        }
        i += 1
    }
    if i < args.count { o.scriptIndex = i }
    return o
}

func environmentLimit(_ name: String, _ ignore: Bool) -> Int64 {
    guard !ignore, let raw = getenv(name), let n = Int64(String(cString: raw)), n > 0 else { return 0 }
    return n
}

/// Prints `progname: message` (the message already carries a traceback).
func report(_ message: String) {
    fputs("\(progname): \(message)\n", stderr)
    fflush(stderr)
}

/// Calls the function on top of the stack with `nargs` arguments under the
/// traceback handler. Returns false (after reporting) on error.
func docall(_ L: LuaState, _ nargs: Int32, _ nresults: Int32) -> Bool {
    let base = lua_gettop(L) - nargs
    lua_pushcclosure(L, syslab_lua_traceback_handler, 0)
    syslab_lua_insert(L, base)
    let status = syslab_lua_pcall(L, nargs, nresults, base)
    syslab_lua_remove(L, base)
    if status != LUA_OK {
        report(LuaSupport.string(L, at: -1) ?? "(error object is not a string)")
        syslab_lua_pop(L, 1)
        return false
    }
    return true
}

func dochunk(_ L: LuaState, _ loaded: Int32) -> Bool {
    if loaded != LUA_OK {
        report(LuaSupport.string(L, at: -1) ?? "cannot load chunk")
        syslab_lua_pop(L, 1)
        return false
    }
    return docall(L, 0, 0)
}

func dostring(_ L: LuaState, _ code: String, _ name: String) -> Bool {
    dochunk(L, luaL_loadbufferx(L, code, code.utf8.count, name, nil))
}

func dolibrary(_ L: LuaState, _ spec: String) -> Bool {
    let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
    let global = parts.count == 2 ? parts[0] : spec
    let module = parts.count == 2 ? parts[1] : spec
    lua_getglobal(L, "require")
    lua_pushstring(L, module)
    guard docall(L, 1, 1) else { return false }
    lua_setglobal(L, global)
    return true
}

/// arg[0] = script, negative indices = interpreter and options, positives = script args.
func createArgTable(_ L: LuaState, _ args: [String], scriptIndex: Int) {
    lua_createtable(L, Int32(args.count - scriptIndex - 1), Int32(scriptIndex + 1))
    for (i, a) in args.enumerated() {
        lua_pushstring(L, a)
        lua_rawseti(L, -2, lua_Integer(i - scriptIndex))
    }
    lua_setglobal(L, "arg")
}

func runScript(_ L: LuaState, _ args: [String], _ index: Int, stdin: Bool) -> Bool {
    let path = args[index]
    let loaded = syslab_lua_loadfile(L, stdin ? nil : path)
    if loaded != LUA_OK { return dochunk(L, loaded) }
    let scriptArgs = args[(index + 1)...]
    for a in scriptArgs { lua_pushstring(L, a) }
    return docall(L, Int32(scriptArgs.count), 0)
}

func printVersion() {
    print("syslab-lua \(LuaModule.version) (Lua \(LUA_VERSION_MAJOR).\(LUA_VERSION_MINOR), Copyright (C) 1994-2024 Lua.org, PUC-Rio)")
}

/// A small REPL: tries `return <line>` first so expressions print their value.
func repl(_ L: LuaState) {
    var buffer = ""
    while true {
        fputs(buffer.isEmpty ? "> " : ">> ", stdout)
        fflush(stdout)
        guard let line = readLine(strippingNewline: true) else { print(""); return }
        buffer += buffer.isEmpty ? line : "\n" + line
        let asExpression = "return " + buffer
        var loaded = luaL_loadbufferx(L, asExpression, asExpression.utf8.count, "=stdin", "t")
        if loaded != LUA_OK {
            syslab_lua_pop(L, 1)
            loaded = luaL_loadbufferx(L, buffer, buffer.utf8.count, "=stdin", "t")
        }
        if loaded == LUA_ERRSYNTAX, let message = LuaSupport.string(L, at: -1), message.hasSuffix("<eof>") {
            syslab_lua_pop(L, 1)
            continue  // incomplete statement: keep reading
        }
        buffer = ""
        if loaded != LUA_OK { _ = dochunk(L, loaded); continue }
        let base = lua_gettop(L) - 1
        if docall(L, 0, LUA_MULTRET) {
            let results = lua_gettop(L) - base
            if results > 0 {
                lua_getglobal(L, "print")
                syslab_lua_insert(L, base + 1)
                if syslab_lua_pcall(L, results, 0, 0) != LUA_OK {
                    report("error calling 'print' (\(LuaSupport.string(L, at: -1) ?? "?"))")
                }
            }
        }
        lua_settop(L, base)
    }
}

func main() -> Int32 {
    let args = CommandLine.arguments
    let options = parseOptions(args)
    let memoryMB = environmentLimit("SYSLAB_LUA_MAX_MEMORY_MB", options.ignoreEnvironment)
    let host: LuaScriptHost
    do {
        host = try LuaScriptHost(memoryLimit: Int(memoryMB) << 20)
    } catch {
        report("cannot create state: \(error)")
        return 1
    }
    let L = host.state
    // The whole run holds the state lock, so Lua scenarios called from other
    // threads wait for the main chunk instead of running concurrently.
    return host.owner.lock.withLock { () -> Int32 in
        syslab_lua_set_instruction_limit(L, environmentLimit("SYSLAB_LUA_MAX_INSTRUCTIONS", options.ignoreEnvironment))
        if options.warnings { lua_warning(L, "@on", 0) }
        createArgTable(L, args, scriptIndex: options.scriptIndex ?? 0)
        if options.version { printVersion() }
        for action in options.actions {
            switch action {
            case .execute(let code): if !dostring(L, code, "=(command line)") { return 1 }
            case .require(let module): if !dolibrary(L, module) { return 1 }
            }
        }
        if let index = options.scriptIndex {
            if !runScript(L, args, index, stdin: options.stdinScript) { return 1 }
        }
        if options.interactive {
            repl(L)
        } else if options.scriptIndex == nil, options.actions.isEmpty, !options.version {
            if isatty(0) != 0 {
                printVersion()
                repl(L)
            } else if !dochunk(L, syslab_lua_loadfile(L, nil)) {
                return 1
            }
        }
        return 0
    }
}

let status = main()
fflush(stdout)
exit(status)
