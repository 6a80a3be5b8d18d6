/* Lua code a host runs through the C ABI cannot take the host down: the
 * sandbox has no os.exit/io/debug/package, the instruction budget survives
 * pcall and coroutines (and releases the state's lock), the memory ceiling is
 * a status, and deep tables from apply are a clear error (issue 9). */
#include <syslab.h>

#include "check.h"

static syslab_registry *registry_with(const char *code) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true, \"seed\": 3}"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_load_lua_string(r, code, "sandbox.lua"), SYSLAB_OK);
    return r;
}

static void test_sandbox_libraries(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    /* os.exit(7) used to end the host with status 7. */
    CHECK_STATUS(syslab_registry_load_lua_string(r, "os.exit(7)", "exit.lua"), SYSLAB_ESCRIPT);
    CHECK_CONTAINS(syslab_last_error(), "attempt to call a nil value (field 'exit')");
    CHECK_STATUS(syslab_registry_load_lua_string(r,
                     "assert(io == nil and debug == nil and package == nil and dofile == nil and loadfile == nil)\n"
                     "assert(os.execute == nil and os.remove == nil and os.rename == nil and os.getenv == nil)\n"
                     "assert(type(os.time()) == 'number' and type(os.clock()) == 'number' and os.date('%Y'))\n"
                     "assert(string and table and math and utf8 and coroutine)\n"
                     "local ok, err = load(string.dump(function() end))\n"
                     "assert(ok == nil and err:find('binary chunk'), err)\n"
                     "assert(load('return 1 + 1')() == 2 and load('return string')() == string)\n"
                     "assert(load('return x', 'chunk', 'bt', {x = 5})() == 5)\n"
                     "assert(require('syslab').version)\n"
                     "local ok2, err2 = pcall(require, 'io')\n"
                     "assert(not ok2 and err2:find('not available in the sandbox'), err2)\n",
                     "libs.lua"),
                 SYSLAB_OK);
    syslab_registry_free(r);
}

static void test_budget_at_load(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    /* The budget hook no longer removes itself, so pcall cannot swallow it. */
    CHECK_STATUS(syslab_registry_load_lua_string(r, "pcall(function() while true do end end); while true do end", "loop.lua"),
                 SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "instruction limit exceeded");
    syslab_registry_free(r);
}

static void test_budget_in_apply(void) {
    syslab_registry *r = registry_with(
        "registry:define{name = 'lua-spin', apply = function()\n"
        "  pcall(function() while true do end end); while true do end end}\n"
        "registry:define{name = 'lua-coroutines', apply = function()\n"
        "  local co = coroutine.wrap(function() local s = 0 for i = 1, 100000 do s = s + i end return s end)\n"
        "  assert(co() == 5000050000)\n"
        "  return {kind = 'delay', seconds = 0.5} end}\n");
    char *json = NULL;
    CHECK_STATUS(syslab_registry_enable(r, "lua-spin", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "instruction limit exceeded");
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_ELIMIT);
    /* The state's lock was released: the same state serves the next scenario,
       whose coroutine runs far past the hook period of 1,000 instructions. */
    CHECK_STATUS(syslab_registry_disable(r, "lua-spin"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "lua-coroutines", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"kind\":\"delay\"");
    syslab_string_free(json);
    syslab_registry_free(r);
}

static void test_memory_ceiling(void) {
    /* Each call keeps about 400 KiB; the hosted ceiling (256 MiB) is reached
       within about 700 calls, and must come back as SYSLAB_ELIMIT. */
    syslab_registry *r = registry_with(
        "kept = {}\n"
        "registry:define{name = 'lua-hoard', apply = function()\n"
        "  for i = 1, 200 do kept[#kept + 1] = {string.rep('x', 2000) .. i} end end}\n");
    CHECK_STATUS(syslab_registry_enable(r, "lua-hoard", NULL, 0), SYSLAB_OK);
    int status = SYSLAB_OK;
    int calls = 0;
    char *json = NULL;
    while (status == SYSLAB_OK && calls < 5000) {
        status = syslab_registry_decide_json(r, NULL, &json);
        if (status == SYSLAB_OK) syslab_string_free(json);
        calls++;
    }
    CHECK_STATUS(status, SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "not enough memory");
    /* The live data fills the state, so later calls fail at once (no full
       collection of a full heap each time) with the same status. */
    for (int i = 0; i < 50; i++) {
        CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_ELIMIT);
    }
    CHECK_CONTAINS(syslab_last_error(), "load the script again");
    syslab_registry_free(r);
}

static void test_memory_ceiling_small_tables(void) {
    /* The case from issue 9: 200 small tables kept per call used to abort the
       host (ctx was built outside a protected call) before 200,000 calls. */
    syslab_registry *r = registry_with(
        "kept = {}\n"
        "registry:define{name = 'lua-hoard-small', apply = function()\n"
        "  for i = 1, 200 do kept[#kept + 1] = {} end end}\n");
    CHECK_STATUS(syslab_registry_enable(r, "lua-hoard-small", NULL, 0), SYSLAB_OK);
    int ok = 0, limited = 0, other = 0;
    char *json = NULL;
    for (int i = 0; i < 200000; i++) {
        int status = syslab_registry_decide_json(r, NULL, &json);
        if (status == SYSLAB_OK) {
            ok++;
            syslab_string_free(json);
        } else if (status == SYSLAB_ELIMIT && strstr(syslab_last_error(), "not enough memory")) {
            limited++;
        } else {
            other++;
        }
    }
    CHECK(ok > 1000);
    CHECK(limited > 0);
    CHECK(other == 0);
    syslab_registry_free(r);
}

static void test_deep_results(void) {
    syslab_registry *r = registry_with(
        "local function deep(n) local t = {} for i = 1, n do t = {t} end return t end\n"
        "registry:define{name = 'lua-deep-60', apply = function() return deep(60) end}\n"
        "registry:define{name = 'lua-deep-600', apply = function() return deep(600) end}\n"
        "registry:define{name = 'lua-cycle', apply = function() local t = {} t[1] = t return t end}\n");
    char *json = NULL;
    CHECK_STATUS(syslab_registry_enable(r, "lua-deep-60", NULL, 0), SYSLAB_OK);
    int status = syslab_registry_decide_json(r, NULL, &json);
    CHECK(status != SYSLAB_OK);
    CHECK_CONTAINS(syslab_last_error(), "lua-deep-60");
    CHECK_STATUS(syslab_registry_disable(r, "lua-deep-60"), SYSLAB_OK);

    CHECK_STATUS(syslab_registry_enable(r, "lua-deep-600", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "nested more than 512 levels");
    CHECK_STATUS(syslab_registry_disable(r, "lua-deep-600"), SYSLAB_OK);

    CHECK_STATUS(syslab_registry_enable(r, "lua-cycle", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "or contains a cycle");
    syslab_registry_free(r);
}

int main(void) {
    test_sandbox_libraries();
    test_budget_at_load();
    test_budget_in_apply();
    test_memory_ceiling();
    test_memory_ceiling_small_tables();
    test_deep_results();
    return check_report("test_lua_sandbox");
}
