// syslab-lua: a Lua 5.4 interpreter with the `syslab` module preloaded.
// It behaves like lua5.4 (lua.c): the same options, LUA_INIT, the `arg`
// table, warnings, the REPL, `progname: message` plus a traceback on stderr,
// Ctrl-C raising "interrupted!", and a generational collector. The official
// Lua test suite's main.lua checks this (make test-lua-official).
#if canImport(Glibc)
import Glibc
#endif
import CLuaShim
import SyslabLua

/// argv[0], as lua.c uses it to prefix error messages; nil inside the REPL.
var progname: String? = CommandLine.arguments.first.flatMap { $0.isEmpty ? nil : $0 } ?? "syslab-lua"

/// Writes `progname: message` (or just the message) to stderr.
func message(_ text: String) {
    if let progname { fputs("\(progname): ", stderr) }
    fputs("\(text)\n", stderr)
    fflush(stderr)
}

func printUsage(_ badOption: String) {
    let name = progname ?? "syslab-lua"
    if badOption.hasPrefix("-e") || badOption.hasPrefix("-l") {
        fputs("\(name): '\(badOption)' needs argument\n", stderr)
    } else {
        fputs("\(name): unrecognized option '\(badOption)'\n", stderr)
    }
    fputs("""
        usage: \(name) [options] [script [args]]
        Available options are:
          -e stat   execute string 'stat'
          -i        enter interactive mode after executing 'script'
          -l mod    require library 'mod' into global 'mod'
          -l g=mod  require library 'mod' into global 'g'
          -v        show version information
          -E        ignore environment variables
          -W        turn warnings on
          --sandbox run with the sandboxed libraries of hosted scripts (docs/lua.md)
          --        stop handling options
          -         stop handling options and execute stdin
        Environment: LUA_INIT_5_4, LUA_INIT, LUA_PATH, LUA_CPATH as lua5.4;
        SYSLAB_LUA_MAX_MEMORY_MB and SYSLAB_LUA_MAX_INSTRUCTIONS set safety limits.

        """, stderr)
    fflush(stderr)
}

/// What the command line asks for; `script` is the index of the script name
/// in argv (0 when there is none), as in lua.c.
struct Options {
    var interactive = false
    var version = false
    var execute = false
    var ignoreEnvironment = false
    var sandbox = false
    var script = 0
    var badOption: String?
}

func collectOptions(_ argv: [String]) -> Options {
    var o = Options()
    var i = 1
    while i < argv.count {
        let a = argv[i]
        o.script = i
        guard a.hasPrefix("-") else { return o }
        let option = a.dropFirst()
        switch option.first {
        case "-":
            if a == "--sandbox" { o.sandbox = true; break }
            guard a == "--" else { o.badOption = a; return o }
            o.script = i + 1 < argv.count ? i + 1 : 0
            return o
        case nil:
            return o  // "-": the script is stdin
        case "E", "W", "i", "v":
            guard option.count == 1 else { o.badOption = a; return o }
            if option == "E" { o.ignoreEnvironment = true }
            if option == "i" { o.interactive = true; o.version = true }
            if option == "v" { o.version = true }
        case "e", "l":
            if option == "e" { o.execute = true }
            if option.count == 1 {
                i += 1
                guard i < argv.count, !argv[i].hasPrefix("-") else { o.badOption = a; return o }
            }
        default:
            o.badOption = a
            return o
        }
        i += 1
    }
    o.script = 0
    return o
}

func environmentLimit(_ name: String) -> Int64 {
    guard let raw = getenv(name), let n = Int64(String(cString: raw)), n > 0 else { return 0 }
    return n
}

/// Reports the error message on top of the stack (if `status` is an error).
@discardableResult
func report(_ L: LuaState, _ status: Int32) -> Int32 {
    if status != LUA_OK {
        message(LuaSupport.string(L, at: -1) ?? "(error object is a \(LuaSupport.typeName(L, -1)) value)")
        syslab_lua_pop(L, 1)
    }
    return status
}

/// Calls the function below its `nargs` arguments under the traceback
/// handler, with Ctrl-C raising "interrupted!" meanwhile (as lua.c does).
func docall(_ L: LuaState, _ nargs: Int32, _ nresults: Int32) -> Int32 {
    let base = lua_gettop(L) - nargs
    lua_pushcclosure(L, syslab_lua_traceback_handler, 0)
    syslab_lua_insert(L, base)
    syslab_lua_catch_sigint(L, 1)
    let status = syslab_lua_pcall(L, nargs, nresults, base)
    syslab_lua_catch_sigint(L, 0)
    syslab_lua_remove(L, base)
    return status
}

func dochunk(_ L: LuaState, _ loaded: Int32) -> Int32 {
    report(L, loaded == LUA_OK ? docall(L, 0, 0) : loaded)
}

func dostring(_ L: LuaState, _ code: String, _ name: String) -> Int32 {
    dochunk(L, luaL_loadbufferx(L, code, code.utf8.count, name, nil))
}

/// `-l mod` or `-l g=mod`: global g (or mod) = require(mod).
func dolibrary(_ L: LuaState, _ spec: String) -> Int32 {
    let parts = spec.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let global = parts[0]
    let module = parts.count == 2 ? parts[1] : spec
    lua_getglobal(L, "require")
    lua_pushstring(L, module)
    let status = docall(L, 1, 1)
    if status == LUA_OK { lua_setglobal(L, global) }
    return report(L, status)
}

/// arg[0] = script, negative indices = interpreter and options, positives = script args.
func createArgTable(_ L: LuaState, _ argv: [String], script: Int) {
    lua_createtable(L, Int32(argv.count - script - 1), Int32(script + 1))
    for (i, a) in argv.enumerated() {
        lua_pushstring(L, a)
        lua_rawseti(L, -2, lua_Integer(i - script))
    }
    lua_setglobal(L, "arg")
}

/// LUA_INIT_5_4 or LUA_INIT: code, or `@file`.
func runInit(_ L: LuaState) -> Int32 {
    var name = "LUA_INIT_\(LUA_VERSION_MAJOR)_\(LUA_VERSION_MINOR)"
    var value = getenv(name)
    if value == nil {
        name = "LUA_INIT"
        value = getenv(name)
    }
    guard let value else { return LUA_OK }
    let text = String(cString: value)
    if text.hasPrefix("@") {
        return dochunk(L, syslab_lua_loadfile(L, String(text.dropFirst())))
    }
    return dostring(L, text, "=" + name)
}

/// Runs -e, -l and -W in command-line order.
func runOptions(_ L: LuaState, _ argv: [String], upTo end: Int) -> Bool {
    var i = 1
    while i < end {
        let a = argv[i]
        switch a.dropFirst().first {
        case "e", "l":
            var value = String(a.dropFirst(2))
            if value.isEmpty { i += 1; value = argv[i] }
            let status = a.hasPrefix("-e") ? dostring(L, value, "=(command line)") : dolibrary(L, value)
            if status != LUA_OK { return false }
        case "W":
            lua_warning(L, "@on", 0)
        default:
            break
        }
        i += 1
    }
    return true
}

/// Loads the script and calls it with the positive entries of `arg` (which
/// the script's -e/LUA_INIT may have changed) as its arguments.
func runScript(_ L: LuaState, _ argv: [String], script: Int) -> Int32 {
    let stdin = argv[script] == "-" && argv[script - 1] != "--"
    var status = syslab_lua_loadfile(L, stdin ? nil : argv[script])
    if status == LUA_OK {
        guard lua_getglobal(L, "arg") == LUA_TTABLE else {
            syslab_lua_pop(L, 2)
            message("'arg' is not a table")
            return LUA_ERRRUN
        }
        let n = Int32(clamping: lua_rawlen(L, -1))
        guard lua_checkstack(L, n + 3) != 0 else {
            syslab_lua_pop(L, 2)
            message("too many arguments to script")
            return LUA_ERRRUN
        }
        for i in 1...max(n, 1) where i <= n { lua_rawgeti(L, -Int32(i), lua_Integer(i)) }
        syslab_lua_remove(L, -n - 1)
        status = docall(L, n, LUA_MULTRET)
    }
    return report(L, status)
}

func printVersion() {
    fputs("syslab-lua \(LuaModule.version) with \(String(cString: syslab_lua_copyright()))\n", stdout)
    fflush(stdout)
}

// MARK: the REPL (lua.c's doREPL)

/// Prints `_PROMPT` / `_PROMPT2` (through tostring) or the default, then reads a line.
func readLine(_ L: LuaState, firstLine: Bool) -> String? {
    var prompt = firstLine ? "> " : ">> "
    if lua_getglobal(L, firstLine ? "_PROMPT" : "_PROMPT2") != LUA_TNIL {
        if syslab_lua_tolstring_protected(L) == LUA_OK {
            prompt = LuaSupport.string(L, at: -1) ?? prompt
        } else {
            report(L, LUA_ERRRUN)
            lua_pushnil(L)
        }
    }
    syslab_lua_pop(L, 1)
    fputs(prompt, stdout)
    fflush(stdout)
    let line = Swift.readLine(strippingNewline: true)
    // lua5.4 reads with readline, which echoes input that does not come from a terminal.
    if let line, !stdinIsTerminal {
        fputs(line + "\n", stdout)
        fflush(stdout)
    }
    return line
}

let stdinIsTerminal = isatty(0) != 0

func load(_ L: LuaState, _ code: String) -> Int32 {
    luaL_loadbufferx(L, code, code.utf8.count, "=stdin", nil)
}

/// A syntax error at <eof>: the statement continues on the next line.
func isIncomplete(_ L: LuaState, _ status: Int32) -> Bool {
    status == LUA_ERRSYNTAX && (LuaSupport.string(L, at: -1)?.hasSuffix("<eof>") ?? false)
}

/// Reads one statement (first as `return <line>;`, then with continuation
/// lines) and leaves the loaded chunk or the error on the stack. nil at end of input.
func loadStatement(_ L: LuaState) -> Int32? {
    guard var line = readLine(L, firstLine: true) else { return nil }
    if line.hasPrefix("=") { line = "return " + line.dropFirst() }
    if load(L, "return \(line);") == LUA_OK { return LUA_OK }
    syslab_lua_pop(L, 1)
    while true {
        let status = load(L, line)
        guard isIncomplete(L, status), let more = readLine(L, firstLine: false) else { return status }
        syslab_lua_pop(L, 1)
        line += "\n" + more
    }
}

func repl(_ L: LuaState) {
    let savedName = progname
    progname = nil  // no progname on errors in interactive mode
    while let loaded = loadStatement(L) {
        var status = loaded
        if status == LUA_OK { status = docall(L, 0, LUA_MULTRET) }
        if status == LUA_OK {
            printResults(L)
        } else {
            report(L, status)
        }
        lua_settop(L, 0)
    }
    lua_settop(L, 0)
    fputs("\n", stdout)
    fflush(stdout)
    progname = savedName
}

func printResults(_ L: LuaState) {
    let n = lua_gettop(L)
    guard n > 0 else { return }
    guard lua_checkstack(L, 20) != 0 else { message("too many results to print"); return }
    lua_getglobal(L, "print")
    syslab_lua_insert(L, 1)
    if syslab_lua_pcall(L, n, 0, 0) != LUA_OK {
        message("error calling 'print' (\(LuaSupport.string(L, at: -1) ?? "?"))")
    }
}

// MARK: main

func run(_ L: LuaState, _ argv: [String], _ options: Options) -> Bool {
    createArgTable(L, argv, script: options.script)
    syslab_lua_gc_generational(L)
    if !options.ignoreEnvironment, runInit(L) != LUA_OK { return false }
    if !runOptions(L, argv, upTo: options.script > 0 ? options.script : argv.count) { return false }
    if options.script > 0, runScript(L, argv, script: options.script) != LUA_OK { return false }
    if options.interactive {
        repl(L)
    } else if options.script == 0, !options.execute, !options.version {
        if stdinIsTerminal {
            printVersion()
            repl(L)
        } else if dochunk(L, syslab_lua_loadfile(L, nil)) != LUA_OK {
            return false
        }
    }
    return true
}

func main() -> Int32 {
    let argv = CommandLine.arguments
    let options = collectOptions(argv)
    if let bad = options.badOption {
        printUsage(bad)
        return 1
    }
    if options.version { printVersion() }
    let host: LuaScriptHost
    do {
        host = try LuaScriptHost(
            memoryLimit: Int(environmentLimit("SYSLAB_LUA_MAX_MEMORY_MB")) << 20,
            sandboxed: options.sandbox, ignoreEnvironment: options.ignoreEnvironment)
    } catch {
        message("cannot create state: not enough memory")
        return 1
    }
    // The whole run holds the state lock, so Lua scenarios called from other
    // threads wait for the main chunk instead of running concurrently.
    let ok = host.owner.lock.withLock { () -> Bool in
        let L = host.state
        _ = syslab_lua_budget_begin(L, environmentLimit("SYSLAB_LUA_MAX_INSTRUCTIONS"))
        return run(L, argv, options)
    }
    fflush(stdout)
    // Closing runs pending finalizers (and their warnings), as lua.c's lua_close does.
    host.close()
    return ok ? 0 : 1
}

exit(main())
