/* The documented limits on hostile input (docs/limits.md), at the C ABI:
 * JSON depth and size, numbers and UTF-8, error messages that quote caller
 * text, and the manual clock. Each ends in an error status naming the limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <syslab.h>
#include "check.h"

/* n copies of `open` then n of `close`, NUL-terminated; the caller frees it. */
static char *nested(size_t n, char open, char close) {
    char *s = malloc(2 * n + 1);
    if (!s) return NULL;
    memset(s, open, n);
    memset(s + n, close, n);
    s[2 * n] = '\0';
    return s;
}

static char *filled(size_t n, char c) {
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void test_json_depth(void) {
    char *out = NULL;
    /* 100,000 deep: refused naming the depth, no stack overflow. */
    char *deep = nested(100000, '[', ']');
    CHECK_STATUS(syslab_topology_validate(deep, NULL), SYSLAB_EJSON);
    CHECK_CONTAINS(syslab_last_error(), "topology_json: JSON nesting deeper than 512");
    CHECK_STATUS(syslab_trace_render(deep, "waterfall", NULL, &out), SYSLAB_EJSON);
    CHECK_CONTAINS(syslab_last_error(), "JSON nesting deeper than 512");
    CHECK(out == NULL);
    free(deep);
    /* 500 deep is within the limit: it parses, then fails as a topology. */
    deep = nested(500, '[', ']');
    CHECK_STATUS(syslab_topology_validate(deep, NULL), SYSLAB_ETYPE);
    free(deep);
}

static void test_json_size(void) {
    char *out = NULL;
    /* 17 MiB of whitespace: refused by its size before it is read. */
    char *big = filled((size_t)17 << 20, ' ');
    CHECK_STATUS(syslab_trace_render(big, "waterfall", NULL, &out), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "trace_json: JSON input of 17825792 bytes exceeds the 16 MiB limit of syslab_trace_render");
    free(big);
    /* Options are small: 64 KiB. */
    char *options = filled(70000, ' ');
    const char *trace = "{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spans\":[{\"span_id\":\"0000000000000001\","
                        "\"name\":\"a\",\"start_ns\":0,\"end_ns\":10}]}";
    CHECK_STATUS(syslab_trace_render(trace, "waterfall", options, &out), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "exceeds the 64 KiB limit of syslab_trace_render");
    free(options);
}

static void test_json_values(void) {
    CHECK_STATUS(syslab_topology_validate("{\"nodes\": [1e400]}", NULL), SYSLAB_EJSON);
    CHECK_CONTAINS(syslab_last_error(), "number 1e400 at line 1, column 12 is out of the range of a double");
    CHECK_STATUS(syslab_topology_validate("{\"nodes\": \"\xc3\x28\"}", NULL), SYSLAB_EUTF8);
    CHECK_STATUS(syslab_topology_validate("{\"nodes\": \"\\ud800\"}", NULL), SYSLAB_EJSON);
    CHECK_CONTAINS(syslab_last_error(), "unpaired UTF-16 surrogate");
}

/* A 100 MB name: the message quotes at most 200 bytes of it. */
static void test_long_names_are_cut(void) {
    char *name = filled((size_t)100 << 20, 'n');
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    CHECK(syslab_registry_enable(r, name, NULL, 0) != SYSLAB_OK);
    const char *message = syslab_last_error();
    CHECK(strlen(message) < 400);
    CHECK(strncmp(message, "unknown scenario 'nnnn", 22) == 0);
    CHECK_CONTAINS(message, "… (104857600 bytes)'");
    syslab_templates *t = NULL;
    char *json = NULL;
    CHECK_STATUS(syslab_templates_open(&t, "/nonexistent-syslab-dir"), SYSLAB_OK);
    CHECK(syslab_templates_get_json(t, name, &json) != SYSLAB_OK);
    CHECK(strlen(syslab_last_error()) < 400);
    syslab_templates_free(t);
    syslab_registry_free(r);
    free(name);
}

/* Two advances by 1e308 made the clock infinite and status showed "now": null. */
static void test_manual_clock_stays_finite(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true}"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_advance_clock(r, 1e308), SYSLAB_ERANGE);
    CHECK_CONTAINS(syslab_last_error(), "past 9999-12-31T23:59:59Z");
    CHECK_STATUS(syslab_registry_advance_clock(r, 1e308), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_registry_advance_clock(r, 60), SYSLAB_OK);
    char *status = NULL;
    CHECK_STATUS(syslab_registry_status_json(r, &status), SYSLAB_OK);
    CHECK(status != NULL && strstr(status, "\"now\":null") == NULL);
    CHECK_CONTAINS(status, "\"now\":1700000060");
    syslab_string_free(status);
    syslab_registry_free(r);
}

int main(void) {
    test_json_depth();
    test_json_size();
    test_json_values();
    test_long_names_are_cut();
    test_manual_clock_stays_finite();
    return check_report("test_limits");
}
