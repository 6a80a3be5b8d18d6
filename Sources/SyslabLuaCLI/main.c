/*
 * syslab-lua: a Lua 5.4 interpreter with the `syslab` module preloaded.
 *
 * It behaves like lua5.4 (lua.c): the same options, LUA_INIT, the `arg`
 * table, warnings, the REPL, `progname: message` plus a traceback on stderr,
 * Ctrl-C raising "interrupted!", and a generational collector. The official
 * Lua test suite's main.lua checks this (make test-lua-official).
 *
 * It is written in C and loads libsyslab.so (Swift) only when a script
 * requires "syslab", so a script that does not use the module starts as fast
 * as lua5.4: the Swift runtime's start-up alone costs more than all of lua5.4's.
 * States come from the shared C shim, so limits and the sandbox are the same
 * as for scripts the library runs on a host's behalf (docs/lua.md).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syslab.h"
#include "syslab_lua_shim.h"

static const char *progname = "syslab-lua"; /* argv[0]; NULL inside the REPL */

static void message(const char *text) {
    if (progname != NULL) fprintf(stderr, "%s: ", progname);
    fprintf(stderr, "%s\n", text);
    fflush(stderr);
}

/* Reports the error on top of the stack when status is not LUA_OK. */
static int report(lua_State *L, int status) {
    if (status != LUA_OK) {
        int top = lua_gettop(L);
        const char *text = lua_tostring(L, -1);
        if (text == NULL) text = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, -1));
        message(text);
        lua_settop(L, top - 1);
    }
    return status;
}

static void print_usage(const char *bad_option) {
    if (bad_option[1] == 'e' || bad_option[1] == 'l') {
        fprintf(stderr, "%s: '%s' needs argument\n", progname, bad_option);
    } else {
        fprintf(stderr, "%s: unrecognized option '%s'\n", progname, bad_option);
    }
    fprintf(stderr,
            "usage: %s [options] [script [args]]\n"
            "Available options are:\n"
            "  -e stat   execute string 'stat'\n"
            "  -i        enter interactive mode after executing 'script'\n"
            "  -l mod    require library 'mod' into global 'mod'\n"
            "  -l g=mod  require library 'mod' into global 'g'\n"
            "  -v        show version information\n"
            "  -E        ignore environment variables\n"
            "  -W        turn warnings on\n"
            "  --sandbox run with the sandboxed libraries of hosted scripts (docs/lua.md)\n"
            "  --        stop handling options\n"
            "  -         stop handling options and execute stdin\n"
            "Environment: LUA_INIT_5_4, LUA_INIT, LUA_PATH, LUA_CPATH as lua5.4;\n"
            "SYSLAB_LUA_MAX_MEMORY_MB and SYSLAB_LUA_MAX_INSTRUCTIONS set safety limits;\n"
            "SYSLAB_LIBRARY names the libsyslab.so to load for require \"syslab\".\n",
            progname);
    fflush(stderr);
}

static void print_version(void) {
    printf("syslab-lua %s with %s\n", SYSLAB_VERSION, syslab_lua_copyright());
    fflush(stdout);
}

/* ---- options ---- */

typedef struct options {
    int interactive, version, execute, ignore_environment, sandbox;
    int script;             /* index of the script in argv; 0 = none */
    const char *bad_option; /* set when the command line is wrong */
} options;

static options collect_options(int argc, char **argv) {
    options o = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        o.script = i;
        if (a[0] != '-') return o;
        switch (a[1]) {
        case '-':
            if (strcmp(a, "--sandbox") == 0) {
                o.sandbox = 1;
                break;
            }
            if (a[2] != '\0') {
                o.bad_option = a;
                return o;
            }
            o.script = i + 1 < argc ? i + 1 : 0;
            return o;
        case '\0':
            return o; /* "-": the script is stdin */
        case 'E': case 'W': case 'i': case 'v':
            if (a[2] != '\0') {
                o.bad_option = a;
                return o;
            }
            if (a[1] == 'E') o.ignore_environment = 1;
            if (a[1] == 'i') o.interactive = o.version = 1;
            if (a[1] == 'v') o.version = 1;
            break;
        case 'e': case 'l':
            if (a[1] == 'e') o.execute = 1;
            if (a[2] == '\0') {
                i++;
                if (i >= argc || argv[i][0] == '-') {
                    o.bad_option = a;
                    return o;
                }
            }
            break;
        default:
            o.bad_option = a;
            return o;
        }
    }
    o.script = 0;
    return o;
}

static long long environment_limit(const char *name) {
    const char *raw = getenv(name);
    if (raw == NULL) return 0;
    char *end = NULL;
    long long n = strtoll(raw, &end, 10);
    return end != raw && *end == '\0' && n > 0 ? n : 0;
}

/* ---- running code ---- */

/* Calls the function below its nargs arguments with a traceback handler,
   and with Ctrl-C raising "interrupted!" meanwhile (as lua.c does). */
static int docall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, syslab_lua_traceback_handler);
    lua_insert(L, base);
    syslab_lua_catch_sigint(L, 1);
    int status = syslab_lua_pcall(L, nargs, nresults, base);
    syslab_lua_catch_sigint(L, 0);
    lua_remove(L, base);
    return status;
}

static int dochunk(lua_State *L, int status) {
    if (status == LUA_OK) status = docall(L, 0, 0);
    return report(L, status);
}

static int dostring(lua_State *L, const char *code, const char *name) {
    return dochunk(L, luaL_loadbuffer(L, code, strlen(code), name));
}

/* -l mod or -l g=mod: global g (or mod) = require(mod). */
static int dolibrary(lua_State *L, const char *spec) {
    const char *equals = strchr(spec, '=');
    const char *module = equals != NULL ? equals + 1 : spec;
    lua_getglobal(L, "require");
    lua_pushstring(L, module);
    int status = docall(L, 1, 1);
    if (status == LUA_OK) {
        lua_pushlstring(L, spec, equals != NULL ? (size_t)(equals - spec) : strlen(spec));
        lua_insert(L, -2);
        lua_setglobal(L, lua_tostring(L, -2));
        lua_pop(L, 1);
    }
    return report(L, status);
}

/* arg[0] = script, negative indices = interpreter and options, positives = script args. */
static void create_arg_table(lua_State *L, int argc, char **argv, int script) {
    lua_createtable(L, argc - script - 1, script + 1);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

/* LUA_INIT_5_4 or LUA_INIT: code, or @file. */
static int run_init(lua_State *L) {
    const char *name = "=LUA_INIT_" LUA_VERSION_MAJOR "_" LUA_VERSION_MINOR;
    const char *init = getenv(name + 1);
    if (init == NULL) {
        name = "=LUA_INIT";
        init = getenv(name + 1);
    }
    if (init == NULL) return LUA_OK;
    if (init[0] == '@') return dochunk(L, luaL_loadfile(L, init + 1));
    return dostring(L, init, name);
}

/* -e, -l and -W in command-line order, up to the script. */
static int run_options(lua_State *L, char **argv, int end) {
    for (int i = 1; i < end; i++) {
        const char *a = argv[i];
        if (a[1] == 'e' || a[1] == 'l') {
            const char *value = a[2] != '\0' ? a + 2 : argv[++i];
            int status = a[1] == 'e' ? dostring(L, value, "=(command line)") : dolibrary(L, value);
            if (status != LUA_OK) return 0;
        } else if (a[1] == 'W') {
            lua_warning(L, "@on", 0);
        }
    }
    return 1;
}

/* Loads the script and calls it with the positive entries of `arg` (which
   -e or LUA_INIT may have changed) as its arguments. */
static int run_script(lua_State *L, char **argv, int script) {
    const char *path = argv[script];
    if (strcmp(path, "-") == 0 && strcmp(argv[script - 1], "--") != 0) path = NULL; /* stdin */
    int status = luaL_loadfile(L, path);
    if (status == LUA_OK) {
        if (lua_getglobal(L, "arg") != LUA_TTABLE) {
            lua_settop(L, 0);
            message("'arg' is not a table");
            return LUA_ERRRUN;
        }
        int n = (int)lua_rawlen(L, -1);
        if (n < 0 || !lua_checkstack(L, n + 3)) {
            lua_settop(L, 0);
            message("too many arguments to script");
            return LUA_ERRRUN;
        }
        for (int i = 1; i <= n; i++) lua_rawgeti(L, -i, i);
        lua_remove(L, -n - 1);
        status = docall(L, n, LUA_MULTRET);
    }
    return report(L, status);
}

/* ---- the REPL ---- */

static int stdin_is_terminal;

/* Prints _PROMPT / _PROMPT2 (through tostring) or the default, then reads a
   line (without its newline) onto the stack. Returns 0 at end of input. */
static int read_line(lua_State *L, int first_line) {
    const char *prompt = first_line ? "> " : ">> ";
    if (lua_getglobal(L, first_line ? "_PROMPT" : "_PROMPT2") != LUA_TNIL) {
        if (syslab_lua_tolstring_protected(L) == LUA_OK) {
            prompt = lua_tostring(L, -1);
        } else {
            message(lua_tostring(L, -1));
        }
    }
    fputs(prompt, stdout);
    fflush(stdout);
    lua_pop(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int c, read_any = 0;
    while ((c = getchar()) != EOF && c != '\n') {
        luaL_addchar(&b, (char)c);
        read_any = 1;
    }
    if (c == EOF && !read_any) {
        luaL_pushresult(&b);
        lua_pop(L, 1);
        return 0;
    }
    luaL_pushresult(&b);
    /* lua5.4 reads with readline, which echoes input that does not come from a terminal. */
    if (!stdin_is_terminal) {
        printf("%s\n", lua_tostring(L, -1));
        fflush(stdout);
    }
    return 1;
}

static int load_line(lua_State *L, const char *code, size_t length) {
    return luaL_loadbuffer(L, code, length, "=stdin");
}

/* A syntax error at <eof>: the statement continues on the next line. */
static int incomplete(lua_State *L, int status) {
    if (status != LUA_ERRSYNTAX) return 0;
    size_t length;
    const char *text = lua_tolstring(L, -1, &length);
    return length >= 5 && strcmp(text + length - 5, "<eof>") == 0;
}

/* Reads one statement, first as `return <line>;`, then with continuation
   lines. Leaves the chunk (or the error) alone on the stack; -1 at end of input. */
static int load_statement(lua_State *L) {
    lua_settop(L, 0);
    if (!read_line(L, 1)) return -1;
    if (lua_tostring(L, 1)[0] == '=') { /* "=expr", as in Lua 5.2 */
        lua_pushfstring(L, "return %s", lua_tostring(L, 1) + 1);
        lua_replace(L, 1);
    }
    const char *expression = lua_pushfstring(L, "return %s;", lua_tostring(L, 1));
    if (load_line(L, expression, strlen(expression)) == LUA_OK) {
        lua_remove(L, 1);
        lua_remove(L, 1);
        return LUA_OK;
    }
    lua_settop(L, 1);
    for (;;) {
        size_t length;
        const char *code = lua_tolstring(L, 1, &length);
        int status = load_line(L, code, length);
        if (!incomplete(L, status) || !read_line(L, 0)) {
            lua_remove(L, 1);
            return status;
        }
        lua_remove(L, -2); /* the error */
        lua_pushliteral(L, "\n");
        lua_insert(L, -2);
        lua_concat(L, 3);
    }
}

static void print_results(lua_State *L) {
    int n = lua_gettop(L);
    if (n == 0) return;
    if (!lua_checkstack(L, LUA_MINSTACK)) {
        message("too many results to print");
        return;
    }
    lua_getglobal(L, "print");
    lua_insert(L, 1);
    if (syslab_lua_pcall(L, n, 0, 0) != LUA_OK) {
        message(lua_pushfstring(L, "error calling 'print' (%s)", lua_tostring(L, -1)));
    }
}

static void repl(lua_State *L) {
    const char *saved = progname;
    progname = NULL; /* no progname on errors in interactive mode */
    int status;
    while ((status = load_statement(L)) != -1) {
        if (status == LUA_OK) status = docall(L, 0, LUA_MULTRET);
        if (status == LUA_OK) print_results(L);
        else report(L, status);
    }
    lua_settop(L, 0);
    printf("\n");
    fflush(stdout);
    progname = saved;
}

/* ---- the syslab module, loaded on first require ---- */

/* Tries SYSLAB_LIBRARY, then libsyslab.so beside the executable (the build
   tree), in ../lib (an installed prefix), and on the library path. */
static void *open_library(lua_State *L) {
    const char *configured = getenv("SYSLAB_LIBRARY");
    if (configured != NULL) return dlopen(configured, RTLD_NOW);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            const char *const relative[] = {"/libsyslab.so", "/../lib/libsyslab.so"};
            for (size_t i = 0; i < sizeof relative / sizeof *relative; i++) {
                const char *path = lua_pushfstring(L, "%s%s", exe, relative[i]);
                void *handle = dlopen(path, RTLD_NOW);
                lua_pop(L, 1);
                if (handle != NULL) return handle;
            }
        }
    }
    return dlopen("libsyslab.so", RTLD_NOW);
}

static int open_syslab(lua_State *L) {
    void *library = open_library(L);
    lua_CFunction open = library != NULL ? (lua_CFunction)dlsym(library, "luaopen_syslab") : NULL;
    if (open == NULL) {
        return luaL_error(L, "module 'syslab': cannot load libsyslab.so (%s); set SYSLAB_LIBRARY to its path",
                          library != NULL ? "no luaopen_syslab" : dlerror());
    }
    lua_pushcfunction(L, open);
    lua_call(L, 0, 1);
    return 1;
}

static int preload_syslab(lua_State *L) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, open_syslab);
    lua_setfield(L, -2, "syslab");
    return 0;
}

/* ---- main ---- */

static int run(lua_State *L, int argc, char **argv, options o) {
    create_arg_table(L, argc, argv, o.script);
    syslab_lua_gc_generational(L);
    if (!o.ignore_environment && run_init(L) != LUA_OK) return 0;
    if (!run_options(L, argv, o.script > 0 ? o.script : argc)) return 0;
    if (o.script > 0 && run_script(L, argv, o.script) != LUA_OK) return 0;
    if (o.interactive) {
        repl(L);
    } else if (o.script == 0 && !o.execute && !o.version) {
        if (stdin_is_terminal) {
            print_version();
            repl(L);
        } else if (dochunk(L, luaL_loadfile(L, NULL)) != LUA_OK) {
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc > 0 && argv[0] != NULL && argv[0][0] != '\0') progname = argv[0];
    stdin_is_terminal = isatty(0);
    options o = collect_options(argc, argv);
    if (o.bad_option != NULL) {
        print_usage(o.bad_option);
        return EXIT_FAILURE;
    }
    if (o.version) print_version();
    long long memory_mb = environment_limit("SYSLAB_LUA_MAX_MEMORY_MB");
    size_t memory_limit = memory_mb > 0 && memory_mb < (long long)(SIZE_MAX >> 20) ? (size_t)memory_mb << 20 : 0;
    lua_State *L = syslab_lua_newstate(memory_limit);
    if (L == NULL || syslab_lua_openlibs(L, o.sandbox, o.ignore_environment) != LUA_OK) {
        message("cannot create state: not enough memory");
        return EXIT_FAILURE;
    }
    lua_pushcfunction(L, preload_syslab);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        report(L, LUA_ERRMEM);
        return EXIT_FAILURE;
    }
    syslab_lua_budget_begin(L, environment_limit("SYSLAB_LUA_MAX_INSTRUCTIONS"));
    int ok = run(L, argc, argv, o);
    fflush(stdout);
    /* Closing runs pending finalizers (and their warnings), as lua.c does. */
    syslab_lua_close(L);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
