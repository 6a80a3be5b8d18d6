#include "syslab_lua_shim.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct limited_alloc {
    size_t used;
    size_t limit;  /* 0 = unlimited */
    int in_swift;  /* > 0 while Swift code runs: allocations may use the reserve */
} limited_alloc;

/* Swift frames must never be unwound by a memory error, so while Swift runs
   the allocator may exceed the ceiling by this reserve instead of failing. */
#define SWIFT_RESERVE ((size_t)64 * 1024 * 1024)

static void *limited_realloc(void *ud, void *ptr, size_t osize, size_t nsize);

static int call_swift(lua_State *L) {
    syslab_lua_swift_fn fn = *(syslab_lua_swift_fn *)lua_touserdata(L, lua_upvalueindex(1));
    void *ud = NULL;
    limited_alloc *a = lua_getallocf(L, &ud) == limited_realloc ? ud : NULL;
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

void syslab_lua_pushswift(lua_State *L, syslab_lua_swift_fn fn) {
    /* A full userdata holds the pointer: function pointers do not portably fit a void *. */
    syslab_lua_swift_fn *slot = lua_newuserdatauv(L, sizeof fn, 0);
    *slot = fn;
    lua_pushcclosure(L, call_swift, 1);
}

int syslab_lua_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
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
int syslab_lua_loadfile(lua_State *L, const char *path) { return luaL_loadfile(L, path); }

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
    limited_alloc *a = ud;
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

static int panic_handler(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "syslab: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
    return 0; /* Lua aborts after this */
}

lua_State *syslab_lua_newstate(size_t memory_limit_bytes) {
    limited_alloc *a = calloc(1, sizeof *a);
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
    return L;
}

/* ---- instruction budget ---- */

/* Hooks are per thread, so the budget is kept per thread, keyed by its
   lua_State pointer in the registry. */
static void count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_rawgetp(L, LUA_REGISTRYINDEX, L);
    lua_Integer left = lua_tointeger(L, -1) - 1000;
    lua_pop(L, 1);
    if (left <= 0) {
        lua_sethook(L, NULL, 0, 0);
        luaL_error(L, "instruction limit exceeded (script ran too long)");
        return;
    }
    lua_pushinteger(L, left);
    lua_rawsetp(L, LUA_REGISTRYINDEX, L);
}

void syslab_lua_set_instruction_limit(lua_State *L, long long max_instructions) {
    if (max_instructions <= 0) {
        lua_sethook(L, NULL, 0, 0);
        lua_pushnil(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, L);
        return;
    }
    lua_pushinteger(L, (lua_Integer)max_instructions);
    lua_rawsetp(L, LUA_REGISTRYINDEX, L);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1000);
}

static int open_libs(lua_State *L) {
    luaL_openlibs(L);
    return 0;
}

int syslab_lua_openlibs(lua_State *L) {
    lua_pushcfunction(L, open_libs);
    return lua_pcall(L, 0, 0, 0);
}

void syslab_lua_close(lua_State *L) {
    void *ud = NULL;
    lua_Alloc f = lua_getallocf(L, &ud);
    lua_close(L);
    if (f == limited_realloc) {
        free(ud);
    }
}
