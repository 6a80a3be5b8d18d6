/* The registry through the C ABI: lifecycle, validation, expiry, bad input,
 * Lua-defined scenarios, and use from several threads. */
#include <pthread.h>
#include <syslab.h>

#include "check.h"

static void test_version(void) {
    CHECK(strcmp(syslab_version(), SYSLAB_VERSION) == 0);
    CHECK(syslab_version_number() == SYSLAB_VERSION_NUMBER);
    CHECK(strcmp(syslab_strerror(SYSLAB_ERANGE), "value out of range") == 0);
    CHECK(strcmp(syslab_strerror(12345), "unknown status code") == 0);
    CHECK(syslab_last_error() != NULL);
}

static void test_catalogue_and_status(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    CHECK(r != NULL);
    char *json = NULL;
    CHECK_STATUS(syslab_registry_catalogue_json(r, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"name\":\"fixed-latency\"");
    CHECK_CONTAINS(json, "\"name\":\"error-burst\"");
    CHECK_CONTAINS(json, "\"name\":\"variable-latency\"");
    syslab_string_free(json);

    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", "{\"delay_ms\": 250}", 60), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_status_json(r, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"params\":{\"delay_ms\":250}");
    CHECK_CONTAINS(json, "\"remaining_seconds\":");
    syslab_string_free(json);

    CHECK_STATUS(syslab_registry_disable(r, "fixed-latency"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_status_json(r, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"enabled\":[]");
    syslab_string_free(json);
    CHECK_STATUS(syslab_registry_enable(r, "error-burst", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_reset(r), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_status_json(r, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"enabled\":[]");
    syslab_string_free(json);
    syslab_registry_free(r);
}

static void test_expiry_with_manual_clock(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true, \"seed\": 3}"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", NULL, 5), SYSLAB_OK);
    char *json = NULL;
    CHECK_STATUS(syslab_registry_decide_json(r, "{\"route\": \"/a\"}", &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"kind\":\"delay\"");
    CHECK_CONTAINS(json, "\"seconds\":0.2");
    syslab_string_free(json);
    CHECK_STATUS(syslab_registry_advance_clock(r, 5), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_OK);
    CHECK(json != NULL && strcmp(json, "[]") == 0);
    syslab_string_free(json);
    CHECK_STATUS(syslab_registry_status_json(r, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"enabled\":[]");
    syslab_string_free(json);
    CHECK_STATUS(syslab_registry_advance_clock(r, -1), SYSLAB_ERANGE);
    syslab_registry_free(r);

    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_advance_clock(r, 1), SYSLAB_EINVAL); /* system clock */
    syslab_registry_free(r);
}

static void test_bad_input(void) {
    syslab_registry *r = NULL;
    char *json = NULL;
    /* NULL handles and out-pointers */
    CHECK_STATUS(syslab_registry_new(NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_catalogue_json(NULL, &json), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "registry is NULL");
    CHECK_STATUS(syslab_registry_enable(NULL, "fixed-latency", NULL, 0), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_disable(NULL, "x"), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_reset(NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_status_json(NULL, &json), SYSLAB_EINVAL);
    syslab_registry_free(NULL);
    syslab_string_free(NULL);

    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_catalogue_json(r, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_enable(r, NULL, NULL, 0), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "name is NULL");
    CHECK_STATUS(syslab_registry_enable(r, "nope", NULL, 0), SYSLAB_ENOTFOUND);
    CHECK_CONTAINS(syslab_last_error(), "unknown scenario 'nope'");
    CHECK_STATUS(syslab_registry_disable(r, "nope"), SYSLAB_ENOTFOUND);
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", "{\"delay_ms\": ", 0), SYSLAB_EJSON);
    CHECK_CONTAINS(syslab_last_error(), "malformed JSON");
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", "{\"delay_ms\": -1}", 0), SYSLAB_ERANGE);
    CHECK_CONTAINS(syslab_last_error(), "parameter 'delay_ms' of scenario 'fixed-latency' must be in [0, 60000] ms, got -1");
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", "{\"delay_ms\": true}", 0), SYSLAB_ETYPE);
    CHECK_STATUS(syslab_registry_enable(r, "error-burst", "{\"probability\": \"high\"}", 0), SYSLAB_ETYPE);
    CHECK_CONTAINS(syslab_last_error(), "probability");
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency\xff", NULL, 0), SYSLAB_EUTF8);
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", "{\"delay_ms\": \"\xc3\x28\"}", 0), SYSLAB_EUTF8);
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"colour\": 1}"), SYSLAB_EINVAL);
    CHECK(r == NULL);
}

static void test_lua_defined_scenario(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_load_lua_string(r,
                     "registry:define{\n"
                     "  name = 'lua-throttle', category = 'custom', summary = 'throttles everything',\n"
                     "  params = {{name = 'retry_after', type = 'number', default = 2, min = 0, max = 60, unit = 's'}},\n"
                     "  metrics = {{name = 'lua_throttled_total', type = 'counter', help = 'throttled'}},\n"
                     "  effects = {'throttle'},\n"
                     "  apply = function(ctx, p) return {kind = 'throttle', status = 429, seconds = p.retry_after} end,\n"
                     "}\n",
                     "define.lua"),
                 SYSLAB_OK);
    char *json = NULL;
    CHECK_STATUS(syslab_registry_catalogue_json(r, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"name\":\"lua-throttle\"");
    CHECK_CONTAINS(json, "\"origin\":\"lua\"");
    syslab_string_free(json);
    CHECK_STATUS(syslab_registry_enable(r, "lua-throttle", "{\"retry_after\": 5}", 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "lua-throttle", "{\"retry_after\": 61}", 0), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"kind\":\"throttle\"");
    CHECK_CONTAINS(json, "\"status\":429");
    CHECK_CONTAINS(json, "\"seconds\":5");
    syslab_string_free(json);

    /* A Lua error inside apply is a status, not a crash. */
    CHECK_STATUS(syslab_registry_load_lua_string(r,
                     "registry:define{name = 'lua-broken', apply = function() return {kind = 'teleport'} end}", NULL),
                 SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "lua-broken", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide_json(r, NULL, &json), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "unknown effect kind 'teleport'");
    CHECK_STATUS(syslab_registry_load_lua_string(r, "error('at load')", "load.lua"), SYSLAB_ESCRIPT);
    CHECK_CONTAINS(syslab_last_error(), "load.lua:1: at load");
    /* Redefining a built-in is refused with nil, message (Lua's convention). */
    CHECK_STATUS(syslab_registry_load_lua_string(r,
                     "local ok, err = registry:define{name = 'fixed-latency', apply = print}\n"
                     "assert(ok == nil and err:find('built in'), err)", NULL),
                 SYSLAB_OK);
    CHECK_STATUS(syslab_registry_load_lua(r, "/nonexistent.lua"), SYSLAB_EIO);
    syslab_registry_free(r);
}

static void *decide_many(void *arg) {
    syslab_registry *r = arg;
    for (int i = 0; i < 2000; i++) {
        char *json = NULL;
        if (syslab_registry_decide_json(r, "{\"route\": \"/t\"}", &json) != SYSLAB_OK) {
            return (void *)1;
        }
        syslab_string_free(json);
    }
    return NULL;
}

static void test_threads(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "error-burst", "{\"probability\": 0.5}", 0), SYSLAB_OK);
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, decide_many, r);
    for (int i = 0; i < 200; i++) {
        CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", NULL, 0), SYSLAB_OK);
        CHECK_STATUS(syslab_registry_disable(r, "fixed-latency"), SYSLAB_OK);
    }
    for (int i = 0; i < 4; i++) {
        void *result = NULL;
        pthread_join(threads[i], &result);
        CHECK(result == NULL);
    }
    syslab_registry_free(r);
}

int main(void) {
    test_version();
    test_catalogue_and_status();
    test_expiry_with_manual_clock();
    test_bad_input();
    test_lua_defined_scenario();
    test_threads();
    return check_report("test_registry");
}
