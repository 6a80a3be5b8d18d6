#include "syslab_lua_shim.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/*
 * Per-state bookkeeping, kept in the allocator's user data so that every
 * thread (coroutine) of a state reaches the same counters through
 * lua_getallocf. Nothing here is reachable from Lua code.
 */
typedef struct state_limits {
    size_t used;
    size_t limit;  /* memory ceiling in bytes; 0 = unlimited */
    int in_swift;  /* > 0 while Swift code runs: allocations may use the reserve */
    /* Instruction budget, shared by every thread of the state. */
    int budget_on;
    long long budget_left;
    /* Number of threads with a hook set through the (wrapped) debug library. */
    int user_hooks;
    volatile sig_atomic_t interrupted;  /* set by the SIGINT handler */
    /* warn(): 0 = off, 1 = on, 2 = on and inside a message being continued */
    int warnings;
} state_limits;

/* Swift frames must never be unwound by a memory error, so while Swift runs
   the allocator may exceed the ceiling by this reserve instead of failing. */
#define SWIFT_RESERVE ((size_t)64 * 1024 * 1024)

/* How often (in VM instructions) the budget hook runs when no debug hook asks for less. */
#define BUDGET_HOOK_PERIOD 1000

static void *limited_realloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* Registry key of the limits, for a copy of this shim other than the one that
   made the state: syslab-lua's front end makes states, and libsyslab.so,
   which it loads on require "syslab", has its own copy. */
#define LIMITS_KEY "syslab.limits"

static state_limits *limits_of(lua_State *L) {
    void *ud = NULL;
    if (lua_getallocf(L, &ud) == limited_realloc) {
        return ud;
    }
    if (!lua_checkstack(L, 1)) {
        return NULL;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, LIMITS_KEY);
    state_limits *a = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return a;
}

/* ---- calling Swift from Lua ---- */

static int run_swift(lua_State *L, syslab_lua_swift_fn fn) {
    state_limits *a = limits_of(L);
    if (a != NULL && a->limit != 0 && a->used > a->limit) {
        return luaL_error(L, "not enough memory (memory limit of %d MiB reached)", (int)(a->limit >> 20));
    }
    if (a != NULL) a->in_swift++;
    int n = fn(L);
    if (a != NULL) a->in_swift--;
    if (n == SYSLAB_LUA_RAISE) {
        return lua_error(L); /* the message is on top of the stack */
    }
    return n;
}

static int call_swift(lua_State *L) {
    return run_swift(L, *(syslab_lua_swift_fn *)lua_touserdata(L, lua_upvalueindex(1)));
}

void syslab_lua_pushswift(lua_State *L, syslab_lua_swift_fn fn) {
    /* A full userdata holds the pointer: function pointers do not portably fit a void *. */
    syslab_lua_swift_fn *slot = lua_newuserdatauv(L, sizeof fn, 0);
    *slot = fn;
    lua_pushcclosure(L, call_swift, 1);
}

/* Argument 1: a light userdata pointing at the Swift function; it is removed
   so the function sees its own arguments from index 1. */
static int call_swift_once(lua_State *L) {
    syslab_lua_swift_fn fn = *(syslab_lua_swift_fn *)lua_touserdata(L, 1);
    lua_remove(L, 1);
    return run_swift(L, fn);
}

int syslab_lua_pcall_swift(lua_State *L, syslab_lua_swift_fn fn, void *context, int nresults) {
    /* Light C functions and light userdata allocate nothing, so a state at its
       memory ceiling fails inside the protected call, not here. */
    if (!lua_checkstack(L, 3)) {
        return LUA_ERRMEM;
    }
    lua_pushcfunction(L, call_swift_once);
    lua_pushlightuserdata(L, (void *)&fn);
    lua_pushlightuserdata(L, context);
    return syslab_lua_pcall(L, 2, nresults, 0);
}

int syslab_lua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    /* Lua code called back from Swift runs under the plain ceiling again. */
    state_limits *a = limits_of(L);
    int saved = a != NULL ? a->in_swift : 0;
    if (a != NULL) a->in_swift = 0;
    int status = lua_pcall(L, nargs, nresults, msgh);
    if (a != NULL) a->in_swift = saved;
    return status;
}

void syslab_lua_pop(lua_State *L, int n) { lua_pop(L, n); }
const char *syslab_lua_tostring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
void syslab_lua_newtable(lua_State *L) { lua_newtable(L); }
int syslab_lua_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
void syslab_lua_getmetatable_named(lua_State *L, const char *name) { luaL_getmetatable(L, name); }
lua_Number syslab_lua_tonumber(lua_State *L, int idx, int *isnum) { return lua_tonumberx(L, idx, isnum); }
lua_Integer syslab_lua_tointeger(lua_State *L, int idx, int *isnum) { return lua_tointegerx(L, idx, isnum); }
int syslab_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
void syslab_lua_remove(lua_State *L, int idx) { lua_remove(L, idx); }
void syslab_lua_insert(lua_State *L, int idx) { lua_insert(L, idx); }
void *syslab_lua_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
int syslab_lua_loadfile(lua_State *L, const char *path) { return luaL_loadfilex(L, path, "t"); }

int syslab_lua_traceback_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            return 1;
        }
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* ---- memory ceiling ---- */

static void *limited_realloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    state_limits *a = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        a->used -= old;
        return NULL;
    }
    size_t ceiling = a->limit + (a->in_swift > 0 ? SWIFT_RESERVE : 0);
    if (a->limit != 0 && nsize > old && a->used - old + nsize > ceiling) {
        return NULL; /* Lua turns this into a "not enough memory" error */
    }
    void *p = realloc(ptr, nsize);
    if (p != NULL) {
        a->used = a->used - old + nsize;
    }
    return p;
}

int syslab_lua_memory_exhausted(lua_State *L) {
    state_limits *a = limits_of(L);
    if (a == NULL || a->limit == 0) return 0;
    size_t high_water = a->limit / 10 * 9;
    if (a->used < high_water) return 0;
    lua_gc(L, LUA_GCCOLLECT); /* errors in finalizers become warnings: nothing is raised */
    return a->used >= high_water;
}

size_t syslab_lua_memory_limit(lua_State *L) {
    state_limits *a = limits_of(L);
    return a != NULL ? a->limit : 0;
}

static int panic_handler(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "syslab: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
    return 0; /* Lua aborts after this */
}

/* ---- instruction budget, interrupts and debug hooks ----
 *
 * One C hook (budget_hook) is installed on the main thread when the state is
 * made; Lua copies a thread's hook to every coroutine it creates, so all
 * threads count against the one budget in state_limits. The hook never
 * removes itself: once the budget is spent it raises at every later hook, so
 * pcall cannot swallow it. debug.sethook/gethook are replaced (full states
 * only; sandboxed states have no debug library) by versions that keep this
 * hook installed, dispatch to the Lua hook from it, and report only the Lua
 * hook, so scripts neither remove nor see the budget.
 */

/* thread -> {fn, mask, count}; the name the debug library itself uses */
static const char *const USER_HOOKS_KEY = "_HOOKKEY";

static void call_user_hook(lua_State *L, lua_Debug *ar) {
    static const char *const names[] = {"call", "return", "line", "count", "tail call"};
    if (lua_getfield(L, LUA_REGISTRYINDEX, USER_HOOKS_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_pushthread(L);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_pop(L, 2);
        return;
    }
    lua_rawgeti(L, -1, 2);
    int mask = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    int wanted = ar->event == LUA_HOOKTAILCALL ? LUA_MASKCALL : 1 << ar->event;
    if (!(mask & wanted)) {
        lua_pop(L, 2); /* a budget count event the Lua hook did not ask for */
        return;
    }
    lua_rawgeti(L, -1, 1);
    lua_pushstring(L, names[ar->event]);
    if (ar->currentline >= 0) lua_pushinteger(L, ar->currentline);
    else lua_pushnil(L);
    lua_getinfo(L, "lS", ar);
    lua_call(L, 2, 0);
    lua_pop(L, 2);
}

static void budget_hook(lua_State *L, lua_Debug *ar) {
    state_limits *a = limits_of(L);
    if (a != NULL && ar->event == LUA_HOOKCOUNT) {
        if (a->interrupted) {
            a->interrupted = 0;
            luaL_error(L, "interrupted!");
            return;
        }
        if (a->budget_on) {
            a->budget_left -= lua_gethookcount(L);
            if (a->budget_left <= 0) {
                a->budget_left = 0;
                luaL_error(L, "instruction limit exceeded (script ran too long)");
                return;
            }
        }
    }
    if (a == NULL || a->user_hooks > 0) {
        call_user_hook(L, ar);
    }
}

static void install_budget_hook(lua_State *L, int user_mask, int user_count) {
    lua_sethook(L, budget_hook, user_mask | LUA_MASKCOUNT, user_count > 0 ? user_count : BUDGET_HOOK_PERIOD);
}

static lua_State *thread_argument(lua_State *L, int *arg) {
    if (lua_isthread(L, 1)) {
        *arg = 1;
        return lua_tothread(L, 1);
    }
    *arg = 0;
    return L;
}

static void push_user_hooks(lua_State *L) {
    if (luaL_getsubtable(L, LUA_REGISTRYINDEX, USER_HOOKS_KEY) == 0) {
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_pushvalue(L, -1);
        lua_setmetatable(L, -2); /* weak keys: dead threads drop out */
    }
}

static void push_thread(lua_State *L, lua_State *L1) {
    if (L != L1 && !lua_checkstack(L1, 1)) luaL_error(L, "stack overflow");
    lua_pushthread(L1);
    lua_xmove(L1, L, 1);
}

/* debug.sethook([thread,] [hook, mask [, count]]) with the budget hook kept. */
static int budget_keeping_sethook(lua_State *L) {
    int arg;
    lua_State *L1 = thread_argument(L, &arg);
    int mask = 0, count = 0;
    int set = !lua_isnoneornil(L, arg + 1);
    if (set) {
        const char *smask = luaL_checkstring(L, arg + 2);
        luaL_checktype(L, arg + 1, LUA_TFUNCTION);
        count = (int)luaL_optinteger(L, arg + 3, 0);
        if (strchr(smask, 'c')) mask |= LUA_MASKCALL;
        if (strchr(smask, 'r')) mask |= LUA_MASKRET;
        if (strchr(smask, 'l')) mask |= LUA_MASKLINE;
        if (count > 0) mask |= LUA_MASKCOUNT;
    }
    push_user_hooks(L);
    push_thread(L, L1);
    if (set) {
        lua_createtable(L, 3, 0);
        lua_pushvalue(L, arg + 1);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, mask);
        lua_rawseti(L, -2, 2);
        lua_pushinteger(L, count);
        lua_rawseti(L, -2, 3);
    } else {
        lua_pushnil(L);
    }
    lua_rawset(L, -3);
    state_limits *a = limits_of(L);
    if (a != NULL && set) a->user_hooks = 1; /* from now on the hook looks for Lua hooks */
    install_budget_hook(L1, mask, count);
    return 0;
}

/* debug.gethook([thread]): the Lua hook only, never the budget hook. */
static int budget_hiding_gethook(lua_State *L) {
    int arg;
    lua_State *L1 = thread_argument(L, &arg);
    lua_getfield(L, LUA_REGISTRYINDEX, USER_HOOKS_KEY);
    int found = 0;
    if (lua_istable(L, -1)) {
        push_thread(L, L1);
        found = lua_rawget(L, -2) == LUA_TTABLE;
    }
    if (!found || lua_gethook(L1) != budget_hook) {
        luaL_pushfail(L);
        return 1;
    }
    int entry = lua_gettop(L);
    lua_rawgeti(L, entry, 1);
    lua_rawgeti(L, entry, 2);
    int mask = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    char smask[4];
    int i = 0;
    if (mask & LUA_MASKCALL) smask[i++] = 'c';
    if (mask & LUA_MASKRET) smask[i++] = 'r';
    if (mask & LUA_MASKLINE) smask[i++] = 'l';
    smask[i] = '\0';
    lua_pushstring(L, smask);
    lua_rawgeti(L, entry, 3);
    return 3;
}

/* Replaces debug.sethook/gethook in the debug library, if it is open. */
static void wrap_debug_hooks(lua_State *L) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_getfield(L, -1, LUA_DBLIBNAME) == LUA_TTABLE) {
        lua_pushcfunction(L, budget_keeping_sethook);
        lua_setfield(L, -2, "sethook");
        lua_pushcfunction(L, budget_hiding_gethook);
        lua_setfield(L, -2, "gethook");
    }
    lua_pop(L, 2);
}

syslab_lua_budget syslab_lua_budget_begin(lua_State *L, long long max_instructions) {
    syslab_lua_budget saved = {0, 0, 0};
    state_limits *a = limits_of(L);
    if (a == NULL) return saved;
    saved.on = a->budget_on;
    saved.left = a->budget_left;
    if (max_instructions > 0) {
        long long start = a->budget_on && a->budget_left < max_instructions ? a->budget_left : max_instructions;
        a->budget_on = 1;
        a->budget_left = start;
        saved.start = start;
    } else {
        saved.start = a->budget_on ? a->budget_left : 0;
    }
    return saved;
}

void syslab_lua_budget_end(lua_State *L, syslab_lua_budget saved) {
    state_limits *a = limits_of(L);
    if (a == NULL) return;
    long long used = a->budget_on ? saved.start - a->budget_left : 0;
    a->budget_on = saved.on;
    a->budget_left = saved.on ? (saved.left - used > 0 ? saved.left - used : 0) : 0;
}

int syslab_lua_budget_exceeded(lua_State *L) {
    state_limits *a = limits_of(L);
    return a != NULL && a->budget_on && a->budget_left <= 0;
}

/* ---- SIGINT: "interrupted!" in the running script, as lua.c does ---- */

static state_limits *volatile interrupt_target = NULL;

static void on_sigint(int sig) {
    signal(sig, SIG_DFL); /* a second Ctrl-C ends the process */
    state_limits *a = interrupt_target;
    if (a != NULL) a->interrupted = 1;
}

void syslab_lua_catch_sigint(lua_State *L, int on) {
    if (on) {
        interrupt_target = limits_of(L);
        signal(SIGINT, on_sigint);
    } else {
        signal(SIGINT, SIG_DFL);
        state_limits *a = limits_of(L);
        if (a != NULL) a->interrupted = 0;
    }
}

int syslab_lua_take_interrupt(lua_State *L) {
    state_limits *a = limits_of(L);
    if (a == NULL || !a->interrupted) return 0;
    a->interrupted = 0;
    return 1;
}

/* ---- warnings: what lauxlib's luaL_newstate installs, kept per state ---- */

static void warning_function(void *ud, const char *message, int tocont) {
    state_limits *a = ud;
    if (!tocont && a->warnings != 2 && message[0] == '@') {
        /* A control message: "@on" and "@off" switch, others are ignored. */
        if (strcmp(message, "@on") == 0) a->warnings = 1;
        else if (strcmp(message, "@off") == 0) a->warnings = 0;
        return;
    }
    if (a->warnings == 0) return;
    if (a->warnings == 1) fputs("Lua warning: ", stderr);
    fputs(message, stderr);
    if (tocont) {
        a->warnings = 2;
    } else {
        fputs("\n", stderr);
        a->warnings = 1;
    }
    fflush(stderr);
}

void syslab_lua_gc_generational(lua_State *L) { lua_gc(L, LUA_GCGEN, 0, 0); }

const char *syslab_lua_copyright(void) { return LUA_COPYRIGHT; }

static int to_display_string(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

int syslab_lua_tolstring_protected(lua_State *L) {
    if (!lua_checkstack(L, 2)) return LUA_ERRMEM;
    lua_pushcfunction(L, to_display_string);
    lua_insert(L, -2);
    return lua_pcall(L, 1, 1, 0);
}

/* ---- states ---- */

lua_State *syslab_lua_newstate(size_t memory_limit_bytes) {
    state_limits *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return NULL;
    }
    a->limit = memory_limit_bytes;
    lua_State *L = lua_newstate(limited_realloc, a);
    if (L == NULL) {
        free(a);
        return NULL;
    }
    lua_atpanic(L, panic_handler);
    lua_setwarnf(L, warning_function, a);
    install_budget_hook(L, 0, 0);
    return L;
}

void syslab_lua_close(lua_State *L) {
    void *ud = NULL;
    lua_Alloc f = lua_getallocf(L, &ud);
    lua_close(L);
    if (f == limited_realloc) {
        free(ud);
    }
}

/* ---- standard libraries ---- */

/* Publishes the limits for other copies of the shim (see LIMITS_KEY). */
static void register_limits(lua_State *L) {
    void *ud = NULL;
    if (lua_getallocf(L, &ud) == limited_realloc) {
        lua_pushlightuserdata(L, ud);
        lua_setfield(L, LUA_REGISTRYINDEX, LIMITS_KEY);
    }
}

static int open_full(lua_State *L) {
    register_limits(L);
    if (lua_toboolean(L, 1)) {
        /* Like lua.c's -E: the package library then ignores LUA_PATH/LUA_CPATH. */
        lua_pushboolean(L, 1);
        lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
    }
    luaL_openlibs(L);
    wrap_debug_hooks(L);
    return 0;
}

/* load() that accepts source text only: binary chunks can crash the VM. */
static int text_only_load(lua_State *L) {
    /* Keep whether an environment was given: load(s, name, mode, nil) differs from load(s). */
    if (lua_gettop(L) < 3) lua_settop(L, 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    int nargs = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

/* require() for the sandbox: only modules already loaded or preloaded by the host. */
static int sandboxed_require(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    lua_settop(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_getfield(L, 2, name) != LUA_TNIL) {
        return 1;
    }
    lua_pop(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    if (lua_getfield(L, 3, name) != LUA_TFUNCTION) {
        return luaL_error(L, "module '%s' is not available in the sandbox "
                             "(string, table, math, utf8, coroutine, os and preloaded modules only)", name);
    }
    lua_pushvalue(L, 1);
    lua_pushliteral(L, ":preload:");
    lua_call(L, 2, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, name);
    return 1;
}

static int open_sandbox(lua_State *L) {
    register_limits(L);
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},         {LUA_COLIBNAME, luaopen_coroutine}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string},  {LUA_MATHLIBNAME, luaopen_math},    {LUA_UTF8LIBNAME, luaopen_utf8},
        {LUA_OSLIBNAME, luaopen_os},       {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->func != NULL; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    /* Base library: no file access, text chunks only, require for preloaded modules. */
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    lua_getglobal(L, "load");
    lua_pushcclosure(L, text_only_load, 1);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, sandboxed_require);
    lua_setglobal(L, "require");
    /* os: the clock and calendar only. */
    static const char *const os_allowed[] = {"time", "clock", "date", "difftime", NULL};
    lua_getglobal(L, LUA_OSLIBNAME);
    lua_createtable(L, 0, 4);
    for (const char *const *f = os_allowed; *f != NULL; f++) {
        lua_getfield(L, -2, *f);
        lua_setfield(L, -2, *f);
    }
    lua_pushvalue(L, -1);
    lua_setglobal(L, LUA_OSLIBNAME);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, LUA_OSLIBNAME);
    lua_pop(L, 3);
    return 0;
}

int syslab_lua_openlibs(lua_State *L, int sandboxed, int ignore_environment) {
    lua_pushcfunction(L, sandboxed ? open_sandbox : open_full);
    lua_pushboolean(L, ignore_environment);
    return lua_pcall(L, 1, 0, 0);
}

static int preload(lua_State *L) {
    const char *name = lua_touserdata(L, 1);
    syslab_lua_swift_fn open = *(syslab_lua_swift_fn *)lua_touserdata(L, 2);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    syslab_lua_pushswift(L, open);
    lua_setfield(L, -2, name);
    return 0;
}

int syslab_lua_preload(lua_State *L, const char *name, syslab_lua_swift_fn open) {
    if (!lua_checkstack(L, 3)) return LUA_ERRMEM;
    lua_pushcfunction(L, preload);
    lua_pushlightuserdata(L, (void *)name);
    lua_pushlightuserdata(L, (void *)&open);
    return lua_pcall(L, 2, 0, 0);
}
