/*
 * The C side of the Lua glue. Lua reports errors with longjmp, which must
 * never cross Swift frames. So:
 *   - Swift functions exposed to Lua are wrapped by syslab_lua_pushswift():
 *     they return a result count >= 0, or SYSLAB_LUA_RAISE with the error
 *     message on top of the stack, and only the C trampoline calls lua_error.
 *   - Swift never calls lua_call/luaL_check*; it uses syslab_lua_pcall.
 *   - Lua's function-like macros are re-exported as functions here.
 */
#ifndef SYSLAB_LUA_SHIM_H
#define SYSLAB_LUA_SHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

/* Internal to libsyslab: nothing here is exported from the shared library. */
#pragma GCC visibility push(hidden)

#define SYSLAB_LUA_RAISE (-1)

/* A Swift function callable from Lua: returns results pushed, or SYSLAB_LUA_RAISE. */
typedef int (*syslab_lua_swift_fn)(lua_State *L);

/* Pushes a Lua C closure that calls `fn` and raises its error when it asks to. */
void syslab_lua_pushswift(lua_State *L, syslab_lua_swift_fn fn);

/*
 * Calls `fn` under lua_pcall with `context` as a light userdata at index 1,
 * leaving `nresults` results. Nothing is allocated before the protected call,
 * so a state at its memory ceiling reports LUA_ERRMEM instead of aborting.
 */
int syslab_lua_pcall_swift(lua_State *L, syslab_lua_swift_fn fn, void *context, int nresults);

/* lua_pcall; Lua code it runs is held to the plain memory ceiling even when
   called from Swift code that may use the reserve. */
int syslab_lua_pcall(lua_State *L, int nargs, int nresults, int msgh);

/* Macro wrappers. */
void syslab_lua_pop(lua_State *L, int n);
const char *syslab_lua_tostring(lua_State *L, int idx, size_t *len);
void syslab_lua_newtable(lua_State *L);
int syslab_lua_isnoneornil(lua_State *L, int idx);
void syslab_lua_getmetatable_named(lua_State *L, const char *name);
lua_Number syslab_lua_tonumber(lua_State *L, int idx, int *isnum);
lua_Integer syslab_lua_tointeger(lua_State *L, int idx, int *isnum);
int syslab_lua_registryindex(void);
void syslab_lua_remove(lua_State *L, int idx);
void syslab_lua_insert(lua_State *L, int idx);
void *syslab_lua_newuserdata(lua_State *L, size_t size);

/* luaL_loadfilex for source text only (binary chunks can crash the VM). */
int syslab_lua_loadfile(lua_State *L, const char *path);

/* Message handler that appends a traceback (like lua.c's msghandler). */
int syslab_lua_traceback_handler(lua_State *L);

/*
 * A state with a memory ceiling (0 = unlimited), an instruction-budget hook
 * that every coroutine inherits, and lauxlib's warning function (off until
 * warn("@on")). Returns NULL when memory cannot be allocated.
 */
lua_State *syslab_lua_newstate(size_t memory_limit_bytes);
/* After a call failed: whether the state's live data still fills 90% of its
   memory ceiling after a full collection (run only when it is that full). */
int syslab_lua_memory_exhausted(lua_State *L);
/* The state's memory ceiling in bytes (0 = none or not a syslab state). */
size_t syslab_lua_memory_limit(lua_State *L);
/* Closes a state made by syslab_lua_newstate and frees its allocator. */
void syslab_lua_close(lua_State *L);

/*
 * The instruction budget is one counter per state, shared by all its threads.
 * begin() starts a budget (never more than an enclosing one has left; <= 0
 * keeps the enclosing one) and returns what end() needs to restore the
 * enclosing budget, charged with what was used. Once spent, every later
 * hook raises "instruction limit exceeded", so pcall cannot swallow it.
 */
typedef struct syslab_lua_budget {
    long long left;
    long long start;
    int on;
} syslab_lua_budget;
syslab_lua_budget syslab_lua_budget_begin(lua_State *L, long long max_instructions);
void syslab_lua_budget_end(lua_State *L, syslab_lua_budget saved);
int syslab_lua_budget_exceeded(lua_State *L);

/* Installs (on = 1) or removes a SIGINT handler that raises "interrupted!" in
   the running Lua code, as lua.c does around each call. */
void syslab_lua_catch_sigint(lua_State *L, int on);

/* 1 when Ctrl-C was pressed since the handler above was installed (clearing
   it), else 0: lets long calls out of Lua (a sweep) stop cleanly instead. */
int syslab_lua_take_interrupt(lua_State *L);

/*
 * Opens the standard libraries (protected). Returns LUA_OK or an error code.
 * sandboxed: base (without dofile/loadfile, load for text only, require for
 * preloaded modules), string, table, math, utf8, coroutine, and os.time/
 * clock/date/difftime. Otherwise every library, with debug.sethook/gethook
 * that leave the budget hook in place and out of sight.
 * ignore_environment: the package library ignores LUA_PATH/LUA_CPATH (-E).
 */
int syslab_lua_openlibs(lua_State *L, int sandboxed, int ignore_environment);

/* lua_gc(L, LUA_GCGEN, 0, 0): the collector mode lua.c starts with. */
void syslab_lua_gc_generational(lua_State *L);
/* LUA_COPYRIGHT ("Lua 5.4.x  Copyright (C) ... PUC-Rio"). */
const char *syslab_lua_copyright(void);
/* Replaces the value on top with luaL_tolstring of it (__tostring may run,
   so it is protected); on error the message replaces it. */
int syslab_lua_tolstring_protected(lua_State *L);

/* Registers `open` as the loader of module `name` (registry._PRELOAD). */
int syslab_lua_preload(lua_State *L, const char *name, syslab_lua_swift_fn open);

#pragma GCC visibility pop

#endif
