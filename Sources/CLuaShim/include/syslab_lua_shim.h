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

/* Macro wrappers. */
int syslab_lua_pcall(lua_State *L, int nargs, int nresults, int msgh);
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

/* A protected loadbuffer/loadfile (they do not raise, but keep one entry point). */
int syslab_lua_loadfile(lua_State *L, const char *path);

/* Message handler that appends a traceback (like lua.c's msghandler). */
int syslab_lua_traceback_handler(lua_State *L);

/*
 * A state with a memory ceiling and an instruction budget, so runaway scripts
 * fail with a clear error instead of exhausting the machine. Limits of 0 mean
 * unlimited. Returns NULL when memory cannot be allocated.
 */
lua_State *syslab_lua_newstate(size_t memory_limit_bytes);
void syslab_lua_set_instruction_limit(lua_State *L, long long max_instructions);
/* Closes a state made by syslab_lua_newstate and frees its allocator. */
void syslab_lua_close(lua_State *L);

/* Opens the standard libraries (protected). Returns LUA_OK or an error code. */
int syslab_lua_openlibs(lua_State *L);

#pragma GCC visibility pop

#endif
