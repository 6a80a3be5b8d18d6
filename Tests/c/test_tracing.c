/* Topologies and traces through the C ABI: JSON in, JSON out, every status
 * path, ownership, and the template store on disk. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <syslab.h>
#include "check.h"

static char *generate(syslab_templates *t, syslab_registry *r, const char *request, const char *format) {
    char *out = NULL;
    int status = syslab_trace_generate(t, r, request, format, NULL, &out);
    if (status != SYSLAB_OK) {
        fprintf(stderr, "syslab_trace_generate(%s, %s) failed: %d %s\n", request, format ? format : "NULL", status,
                syslab_last_error());
        return NULL;
    }
    return out;
}

enum shape { CHAIN, SIBLINGS };

/* Trace JSON with n spans: a chain (span i calls span i+1) or one root with
 * n-1 children. The caller frees it. */
static char *trace_json(int n, enum shape shape) {
    size_t size = 200 + (size_t)n * 160;
    char *s = malloc(size);
    if (!s) return NULL;
    size_t at = (size_t)snprintf(s, size, "{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spans\":[");
    for (int i = 0; i < n; i++) {
        char parent[24] = "null";
        int p = shape == CHAIN ? i - 1 : (i == 0 ? -1 : 0);
        if (p >= 0) snprintf(parent, sizeof parent, "\"%016x\"", p + 1);
        long start = shape == CHAIN ? (long)i * 1000 : (i == 0 ? 0 : 1000);
        long end = shape == CHAIN ? 2L * n * 1000 - (long)i * 1000 : (i == 0 ? 10000 : 2000);
        at += (size_t)snprintf(s + at, size - at,
                               "%s{\"span_id\":\"%016x\",\"parent_span_id\":%s,\"name\":\"op%d\",\"service\":\"s%d\","
                               "\"start_ns\":%ld,\"end_ns\":%ld}",
                               i ? "," : "", i + 1, parent, shape == CHAIN ? 0 : i, i, start, end);
    }
    snprintf(s + at, size - at, "]}");
    return s;
}

/* Issue 9, defect 5: cycles and orphans hung or crashed the analysis; deep
 * chains overflowed the stack; rendering and analysis were quadratic. */
static void test_hostile_traces(void) {
    char *out = NULL;
    const char *self_parent =
        "{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spans\":["
        "{\"span_id\":\"0000000000000001\",\"name\":\"a\",\"start_ns\":0,\"end_ns\":10},"
        "{\"span_id\":\"0000000000000002\",\"parent_span_id\":\"0000000000000002\",\"name\":\"b\",\"start_ns\":0,\"end_ns\":10,"
        "\"status\":{\"code\":\"error\",\"message\":\"boom\"}}]}";
    CHECK_STATUS(syslab_trace_render(self_parent, "analysis-json", NULL, &out), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "span 0000000000000002 is its own parent");
    CHECK(out == NULL);
    const char *cycle =
        "{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spans\":["
        "{\"span_id\":\"0000000000000001\",\"name\":\"a\",\"start_ns\":0,\"end_ns\":10},"
        "{\"span_id\":\"0000000000000002\",\"parent_span_id\":\"0000000000000003\",\"name\":\"b\",\"start_ns\":0,\"end_ns\":10},"
        "{\"span_id\":\"0000000000000003\",\"parent_span_id\":\"0000000000000002\",\"name\":\"c\",\"start_ns\":0,\"end_ns\":10},"
        "{\"span_id\":\"0000000000000004\",\"parent_span_id\":\"0000000000000002\",\"name\":\"d\",\"start_ns\":0,\"end_ns\":10,"
        "\"attributes\":{\"http.request.resend_count\":1}}]}";
    CHECK_STATUS(syslab_trace_render(cycle, "analysis-text", NULL, &out), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "spans form a parent cycle: 0000000000000002 → 0000000000000003 → 0000000000000002");
    const char *orphan =
        "{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spans\":["
        "{\"span_id\":\"0000000000000001\",\"parent_span_id\":\"00000000000000ff\",\"name\":\"a\",\"start_ns\":0,\"end_ns\":10}]}";
    CHECK_STATUS(syslab_trace_render(orphan, "waterfall", NULL, &out), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "parent span 00000000000000ff is not in the trace");

    /* A 100,000-span chain: analysed (the critical path runs through every span). */
    char *chain = trace_json(100000, CHAIN);
    CHECK_STATUS(syslab_trace_render(chain, "analysis-json", NULL, &out), SYSLAB_OK);
    CHECK_CONTAINS(out, "\"span_count\":100000");
    CHECK_CONTAINS(out, "dominates the critical path");
    syslab_string_free(out);
    free(chain);
    /* One span more than the limit. */
    chain = trace_json(100001, CHAIN);
    CHECK_STATUS(syslab_trace_render(chain, "waterfall", NULL, &out), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "trace has 100001 spans; the limit is 100000");
    free(chain);
    /* A 30,000-span chain as a waterfall. */
    chain = trace_json(30000, CHAIN);
    CHECK_STATUS(syslab_trace_render(chain, "waterfall", NULL, &out), SYSLAB_OK);
    CHECK_CONTAINS(out, "30000 spans");
    syslab_string_free(out);
    free(chain);
    /* 50,000 siblings analysed. */
    char *siblings = trace_json(50001, SIBLINGS);
    CHECK_STATUS(syslab_trace_render(siblings, "analysis-text", NULL, &out), SYSLAB_OK);
    CHECK_CONTAINS(out, "s0 fans out to 50000 concurrent calls");
    syslab_string_free(out);
    free(siblings);
}

static void test_catalogue_and_validation(void) {
    char *json = NULL;
    CHECK_STATUS(syslab_components_json(&json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"id\":\"postgres\"");
    CHECK_CONTAINS(json, "\"db.system\":\"postgresql\"");
    syslab_string_free(json);
    CHECK_STATUS(syslab_components_json(NULL), SYSLAB_EINVAL);

    char *normalized = NULL;
    CHECK_STATUS(syslab_topology_validate("{\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"},{\"id\":\"b\",\"kind\":\"redis\"}],"
                                          "\"edges\":[{\"from\":\"a\",\"to\":\"b\"}]}", &normalized), SYSLAB_OK);
    CHECK_CONTAINS(normalized, "\"entry\":\"a\"");
    syslab_string_free(normalized);
    CHECK_STATUS(syslab_topology_validate("{\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"}]}", NULL), SYSLAB_OK);

    CHECK_STATUS(syslab_topology_validate("{\"nodes\":[{\"id\":\"a\",\"kind\":\"mainframe\"}]}", NULL), SYSLAB_ENOTFOUND);
    CHECK_CONTAINS(syslab_last_error(), "unknown component kind 'mainframe'");
    CHECK_STATUS(syslab_topology_validate("{\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"}],\"edges\":[{\"from\":\"a\",\"to\":\"b\"}]}", NULL),
                 SYSLAB_ENOTFOUND);
    CHECK_CONTAINS(syslab_last_error(), "dangling edge 'a->b'");
    CHECK_STATUS(syslab_topology_validate("{\"entry\":\"a\",\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"},{\"id\":\"b\",\"kind\":\"grpc\"}],"
                                          "\"edges\":[{\"from\":\"a\",\"to\":\"b\"},{\"from\":\"b\",\"to\":\"a\"}]}", NULL), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "cycle of sync calls: a -> b -> a");
    CHECK_STATUS(syslab_topology_validate("{\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"},{\"id\":\"a\",\"kind\":\"grpc\"}]}", NULL),
                 SYSLAB_EEXISTS);
    CHECK_STATUS(syslab_topology_validate("{\"nodes\":", NULL), SYSLAB_EJSON);
    CHECK_STATUS(syslab_topology_validate(NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_topology_validate("{\"nodes\":[{\"id\":\"\xff\",\"kind\":\"backend\"}]}", NULL), SYSLAB_EUTF8);
}

static void test_generate_and_render(void) {
    /* Every built-in template and variant, in the three export formats. */
    syslab_templates *store = NULL;
    char dir[] = "/tmp/syslab-c-tracing-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_STATUS(syslab_templates_open(&store, dir), SYSLAB_OK);
    char *list = NULL;
    CHECK_STATUS(syslab_templates_list_json(store, &list), SYSLAB_OK);
    CHECK_CONTAINS(list, "\"id\":\"bulkhead-isolation\"");
    CHECK_CONTAINS(list, "\"problems\":[]");
    syslab_string_free(list);

    static const char *ids[] = {"simple", "kafka-fanout", "rag-pipeline", "upload-s3", "kubernetes-pod-service"};
    static const char *variants[] = {"success", "slow", "error"};
    static const char *formats[] = {"otlp-json", "jaeger-json", "zipkin-json", "waterfall", "svg", "spans-table", "analysis-json"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        for (size_t v = 0; v < 3; v++) {
            char request[256];
            snprintf(request, sizeof request, "{\"template\":\"%s\",\"variant\":\"%s\",\"seed\":4}", ids[i], variants[v]);
            for (size_t f = 0; f < sizeof formats / sizeof *formats; f++) {
                char *out = generate(store, NULL, request, formats[f]);
                CHECK(out != NULL && strlen(out) > 20);
                syslab_string_free(out);
            }
        }
    }

    /* Same seed, same bytes; OTLP details. */
    char *a = generate(NULL, NULL, "{\"template\":\"simple\",\"variant\":\"error\",\"seed\":9}", "otlp-json");
    char *b = generate(NULL, NULL, "{\"template\":\"simple\",\"variant\":\"error\",\"seed\":9}", "otlp-json");
    CHECK(a && b && strcmp(a, b) == 0);
    CHECK_CONTAINS(a, "\"resourceSpans\":[");
    CHECK_CONTAINS(a, "\"status\":{\"message\":\"canceling statement due to statement timeout\",\"code\":2}");
    syslab_string_free(a);
    syslab_string_free(b);

    /* trace-json goes back in through syslab_trace_render. */
    char *trace = generate(NULL, NULL, "{\"template\":\"sqs-async\",\"variant\":\"error\"}", NULL);
    char *analysis = NULL;
    CHECK_STATUS(syslab_trace_render(trace, "analysis-json", "{\"pretty\":true}", &analysis), SYSLAB_OK);
    CHECK_CONTAINS(analysis, "\"rule\": \"async-failure-after-ack\"");
    syslab_string_free(analysis);
    char *waterfall = NULL;
    CHECK_STATUS(syslab_trace_render(trace, "waterfall", "{\"width\":20,\"ascii\":true}", &waterfall), SYSLAB_OK);
    CHECK_CONTAINS(waterfall, "report-worker");
    syslab_string_free(waterfall);
    char *out = (char *)"untouched";
    CHECK_STATUS(syslab_trace_render(trace, "pdf", NULL, &out), SYSLAB_EINVAL);
    CHECK(out == NULL);
    CHECK_CONTAINS(syslab_last_error(), "unknown trace format 'pdf'");
    CHECK_STATUS(syslab_trace_render(trace, "waterfall", "{\"width\":2}", &out), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_trace_render("{\"trace_id\":\"00\",\"spans\":[]}", "svg", NULL, &out), SYSLAB_EINVAL);
    syslab_string_free(trace);

    /* Errors from generation. */
    CHECK_STATUS(syslab_trace_generate(NULL, NULL, "{\"template\":\"simpel\"}", NULL, NULL, &out), SYSLAB_ENOTFOUND);
    CHECK_CONTAINS(syslab_last_error(), "did you mean 'simple'?");
    CHECK_STATUS(syslab_trace_generate(NULL, NULL, "{\"template\":\"simple\",\"variant\":\"meh\"}", NULL, NULL, &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_trace_generate(NULL, NULL, "{\"template\":\"simple\",\"seed\":-3}", NULL, NULL, &out), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_trace_generate(NULL, NULL, NULL, NULL, NULL, &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_trace_generate(NULL, NULL, "{\"template\":\"simple\"}", NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_trace_generate(NULL, NULL,
                                       "{\"topology\":{\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"},{\"id\":\"b\",\"kind\":\"redis\"}],"
                                       "\"edges\":[{\"from\":\"a\",\"to\":\"b\",\"calls\":1000}]},\"max_spans\":100}",
                                       NULL, NULL, &out), SYSLAB_ELIMIT);

    syslab_templates_free(store);
    rmdir(dir);
}

static void test_registry_shapes_spans(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"seed\":1}"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "error-burst", "{\"probability\":1,\"status_code\":503,\"target\":{\"tags\":[\"db\"]}}", 0),
                 SYSLAB_OK);
    char *out = generate(NULL, r, "{\"template\":\"simple\",\"variant\":\"success\"}", "analysis-json");
    CHECK_CONTAINS(out, "injected error 503");
    CHECK_CONTAINS(out, "\"root_failed\":true");
    syslab_string_free(out);
    syslab_registry_free(r);
}

static void test_template_store(void) {
    char dir[] = "/tmp/syslab-c-store-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    syslab_templates *t = NULL;
    CHECK_STATUS(syslab_templates_open(&t, dir), SYSLAB_OK);
    const char *custom = "{\"id\":\"c-flow\",\"name\":\"C flow\",\"topology\":{\"nodes\":[{\"id\":\"web\",\"kind\":\"frontend\"},"
                         "{\"id\":\"db\",\"kind\":\"mongodb\"}],\"edges\":[{\"from\":\"web\",\"to\":\"db\"}]}}";
    CHECK_STATUS(syslab_templates_create(t, custom), SYSLAB_OK);
    CHECK_STATUS(syslab_templates_create(t, custom), SYSLAB_EEXISTS);
    char *json = NULL;
    CHECK_STATUS(syslab_templates_get_json(t, "c-flow", &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"name\":\"C flow\"");
    syslab_string_free(json);

    char *trace = generate(t, NULL, "{\"template\":\"c-flow\",\"variant\":\"error\"}", "zipkin-json");
    CHECK_CONTAINS(trace, "\"error\":");
    syslab_string_free(trace);

    char *exported = NULL;
    CHECK_STATUS(syslab_templates_export(t, "c-flow", &exported), SYSLAB_OK);
    CHECK_STATUS(syslab_templates_import(t, exported, 0), SYSLAB_EEXISTS);
    CHECK_STATUS(syslab_templates_import(t, exported, 1), SYSLAB_OK);
    syslab_string_free(exported);
    CHECK_STATUS(syslab_templates_update(t, "{\"id\":\"simple\",\"topology\":{\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"}]}}"),
                 SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "read-only");
    CHECK_STATUS(syslab_templates_update(t, "{\"id\":\"nope\",\"topology\":{\"nodes\":[{\"id\":\"a\",\"kind\":\"backend\"}]}}"),
                 SYSLAB_ENOTFOUND);

    /* A corrupt file: reported, the rest still loads. */
    char path[256];
    snprintf(path, sizeof path, "%s/templates-bad.json", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("{\"id\":", f);
        fclose(f);
    }
    char *list = NULL;
    CHECK_STATUS(syslab_templates_list_json(t, &list), SYSLAB_OK);
    CHECK_CONTAINS(list, "\"id\":\"c-flow\"");
    CHECK_CONTAINS(list, "templates-bad.json is corrupt");
    syslab_string_free(list);
    CHECK_STATUS(syslab_templates_get_json(t, "templates-bad", &json), SYSLAB_ECORRUPT);
    CHECK(json == NULL);

    /* Issue 9, defect 8: a FIFO named like a template (or a symlink to one)
     * hung the store; a symlink loop looked like a missing template. */
    char fifo[300], link_to_fifo[300], loop[300];
    snprintf(fifo, sizeof fifo, "%s/pipe.json", dir);
    snprintf(link_to_fifo, sizeof link_to_fifo, "%s/to-pipe.json", dir);
    snprintf(loop, sizeof loop, "%s/loop.json", dir);
    CHECK(mkfifo(fifo, 0644) == 0);
    CHECK(symlink(fifo, link_to_fifo) == 0);
    CHECK(symlink(loop, loop) == 0);
    CHECK_STATUS(syslab_templates_list_json(t, &list), SYSLAB_OK);
    CHECK_CONTAINS(list, "pipe.json is not a regular file (it is a FIFO)");
    CHECK_CONTAINS(list, "to-pipe.json is not a regular file (it is a FIFO)");
    CHECK_CONTAINS(list, "loop.json: Too many levels of symbolic links (a symbolic link loop)");
    syslab_string_free(list);
    CHECK_STATUS(syslab_templates_get_json(t, "pipe", &json), SYSLAB_EIO);
    CHECK_STATUS(syslab_templates_get_json(t, "loop", &json), SYSLAB_EIO);
    CHECK_CONTAINS(syslab_last_error(), "a symbolic link loop");
    CHECK_STATUS(syslab_templates_delete(t, "loop"), SYSLAB_OK);
    CHECK_STATUS(syslab_templates_delete(t, "to-pipe"), SYSLAB_OK);
    CHECK_STATUS(syslab_templates_delete(t, "pipe"), SYSLAB_OK);

    CHECK_STATUS(syslab_templates_delete(t, "templates-bad"), SYSLAB_OK);
    CHECK_STATUS(syslab_templates_delete(t, "c-flow"), SYSLAB_OK);
    CHECK_STATUS(syslab_templates_delete(t, "c-flow"), SYSLAB_ENOTFOUND);
    CHECK_STATUS(syslab_templates_delete(t, "../../etc"), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_templates_delete(NULL, "x"), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_templates_open(NULL, dir), SYSLAB_EINVAL);
    syslab_templates_free(t);
    syslab_templates_free(NULL);
    rmdir(dir);
}

int main(void) {
    test_catalogue_and_validation();
    test_generate_and_render();
    test_registry_shapes_spans();
    test_template_store();
    test_hostile_traces();
    return check_report("test_tracing");
}
