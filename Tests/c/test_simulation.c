/* Simulation through the C ABI: a queueing station against Erlang C, a load
 * test with a scheduled scenario and thresholds, its report in every form,
 * Lua-defined scenarios from a registry, bad input, and runs on two threads. */
#include <math.h>
#include <pthread.h>
#include <syslab.h>

#include "check.h"

static const char *TEST_JSON =
    "{\"system\": {\"topology\": {\"name\": \"shop\", \"nodes\": [{\"id\": \"api\", \"kind\": \"backend\"},"
    "                                                     {\"id\": \"db\", \"kind\": \"postgres\"}],"
    "                             \"edges\": [{\"from\": \"api\", \"to\": \"db\"}]},"
    "             \"nodes\": {\"db\": {\"servers\": 8, \"service\": {\"kind\": \"exponential\", \"mean\": \"5ms\"}}},"
    "             \"edges\": {\"api->db\": {\"pool\": {\"size\": 5, \"wait_timeout\": \"500ms\"}}}},"
    " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 200, \"duration\": \"30s\"},"
    " \"scenarios\": [{\"name\": \"fixed-latency\", \"at\": \"10s\", \"duration\": \"10s\","
    "                \"params\": {\"delay_ms\": 20, \"target\": {\"tags\": [\"db\"]}}}],"
    " \"thresholds\": {\"http_req_duration\": [\"p(99)<10000\"], \"http_req_failed\": [\"rate<0.5\"]},"
    " \"options\": {\"seed\": 7, \"traces\": {\"head\": 0.01}}}";

/* Number after "key": in a JSON text (enough for these flat checks). */
static double json_number(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    return at ? atof(at + strlen(pattern)) : NAN;
}

static void test_queue_matches_erlang_c(void) {
    char *json = NULL;
    CHECK_STATUS(syslab_queue_run("{\"lambda\": 350, \"mu\": 100, \"servers\": 4, \"customers\": 400000, \"seed\": 1}", &json), SYSLAB_OK);
    /* Erlang C for a = 3.5, c = 4: C = 0.7379, Wq = C / (c mu - lambda) = 0.014757 s. */
    double wq = json_number(json, "mean_wq");
    CHECK(fabs(wq - 0.014757) / 0.014757 < 0.05);
    CHECK(json_number(json, "n") == 400000);
    CHECK(json_number(json, "littles_law_error") < 1e-9);
    syslab_string_free(json);

    json = (char *)"untouched";
    CHECK_STATUS(syslab_queue_run("{\"lambda\": 500, \"mu\": 100, \"servers\": 4, \"customers\": 10}", &json), SYSLAB_ERANGE);
    CHECK(json == NULL);
    CHECK_CONTAINS(syslab_last_error(), "must be < 1");
    CHECK_STATUS(syslab_queue_run("{\"lambda\": 5, \"mu\": 10, \"customers\": 10, \"color\": 3}", &json), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "unknown field 'color'");
    CHECK_STATUS(syslab_queue_run("{\"lambda\": 5", &json), SYSLAB_EJSON);
    CHECK_STATUS(syslab_queue_run(NULL, &json), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_queue_run("{}", NULL), SYSLAB_EINVAL);
}

static void test_loadtest_report(void) {
    syslab_report *report = NULL;
    CHECK_STATUS(syslab_loadtest_run(&report, NULL, TEST_JSON), SYSLAB_OK);
    CHECK(report != NULL);

    char *json = NULL;
    CHECK_STATUS(syslab_report_json(report, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"format\":\"syslab.loadtest\"");
    CHECK_CONTAINS(json, "\"name\":\"during fixed-latency\"");
    CHECK_CONTAINS(json, "\"thresholds_ok\":true");
    CHECK(json_number(json, "completed") > 5500);
    syslab_string_free(json);

    char *text = NULL;
    CHECK_STATUS(syslab_report_summary(report, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "http_req_duration");
    CHECK_CONTAINS(text, "before [0s");
    syslab_string_free(text);

    char *csv = NULL;
    CHECK_STATUS(syslab_report_series_csv(report, &csv), SYSLAB_OK);
    CHECK(strncmp(csv, "time_s,started,completed", 24) == 0);
    CHECK_CONTAINS(csv, "api->db_pool_wait_ms");
    syslab_string_free(csv);

    char *traces = NULL;
    CHECK_STATUS(syslab_report_traces_json(report, &traces), SYSLAB_OK);
    CHECK(traces[0] == '[');
    CHECK_CONTAINS(traces, "\"spans\"");
    /* A simulated trace renders through the tracing section like any other. */
    const char *start = strchr(traces + 1, '{');
    int depth = 0;
    const char *end = start;
    for (; *end; end++) {
        if (*end == '{') depth++;
        if (*end == '}' && --depth == 0) break;
    }
    size_t length = (size_t)(end - start + 1);
    char *first = malloc(length + 1);
    memcpy(first, start, length);
    first[length] = '\0';
    char *otlp = NULL;
    CHECK_STATUS(syslab_trace_render(first, "otlp-json", NULL, &otlp), SYSLAB_OK);
    CHECK_CONTAINS(otlp, "resourceSpans");
    syslab_string_free(otlp);
    free(first);
    syslab_string_free(traces);

    int passed = -1;
    CHECK_STATUS(syslab_report_passed(report, &passed), SYSLAB_OK);
    CHECK(passed == 1);
    double p50 = 0, p99 = 0, raw99 = 0;
    CHECK_STATUS(syslab_report_percentile(report, 50, 1, &p50), SYSLAB_OK);
    CHECK_STATUS(syslab_report_percentile(report, 99, 1, &p99), SYSLAB_OK);
    CHECK_STATUS(syslab_report_percentile(report, 99, 0, &raw99), SYSLAB_OK);
    CHECK(p50 > 0.005 && p50 < p99);
    CHECK(raw99 <= p99);
    CHECK_STATUS(syslab_report_percentile(report, 101, 1, &p99), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_report_percentile(report, 50, 1, NULL), SYSLAB_EINVAL);
    syslab_report_free(report);
    syslab_report_free(NULL);
}

/* Copies the value of "key":"..." found at or after `from` into out (size n); returns past it or NULL. */
static const char *json_string_after(const char *from, const char *key, char *out, size_t n) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *at = strstr(from, pattern);
    if (!at) return NULL;
    at += strlen(pattern);
    const char *end = strchr(at, '"');
    if (!end || (size_t)(end - at) >= n) return NULL;
    memcpy(out, at, (size_t)(end - at));
    out[end - at] = '\0';
    return end;
}

/* Structured logs: one JSON line per kept trace; each line's trace_id and span_id are in the traces. */
static void test_logs_lead_to_traces(void) {
    syslab_report *report = NULL;
    CHECK_STATUS(syslab_loadtest_run(&report, NULL,
        "{\"system\": {\"topology\": {\"name\": \"shop\", \"nodes\": [{\"id\": \"api\", \"kind\": \"backend\"},"
        "                                                     {\"id\": \"db\", \"kind\": \"postgres\"}],"
        "                             \"edges\": [{\"from\": \"api\", \"to\": \"db\"}]}},"
        " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 100, \"duration\": \"20s\"},"
        " \"scenarios\": [{\"name\": \"error-burst\", \"at\": \"10s\", \"duration\": \"5s\","
        "                \"params\": {\"target\": {\"tags\": [\"db\"]}}}],"
        " \"options\": {\"seed\": 5, \"traces\": {\"head\": 0.02, \"errors\": true, \"max\": 30}}}"), SYSLAB_OK);
    char *logs = NULL, *traces = NULL;
    CHECK_STATUS(syslab_report_logs_jsonl(report, &logs), SYSLAB_OK);
    CHECK_STATUS(syslab_report_traces_json(report, &traces), SYSLAB_OK);
    int lines = 0, errors = 0, matched = 0;
    for (const char *line = logs; line && *line; lines++) {
        const char *end = strchr(line, '\n');
        CHECK(end != NULL);
        if (!end) break;
        CHECK(strncmp(line, "{\"ts\":\"", 7) == 0 && end[-1] == '}');
        char trace_id[40], span_id[24], needle[64];
        CHECK(json_string_after(line, "trace_id", trace_id, sizeof trace_id) != NULL);
        CHECK(json_string_after(line, "span_id", span_id, sizeof span_id) != NULL);
        CHECK(strlen(trace_id) == 32 && strlen(span_id) == 16);
        /* The span is in the trace with that id: keys are sorted, so a trace's
         * "spans" come before its "trace_id", and the first trace_id after the span is its trace's. */
        snprintf(needle, sizeof needle, "\"trace_id\":\"%s\"", trace_id);
        const char *trace = strstr(traces, needle);
        snprintf(needle, sizeof needle, "\"span_id\":\"%s\"", span_id);
        const char *span = strstr(traces, needle);
        if (trace && span && strstr(span, "\"trace_id\":") == trace) matched++;
        if (strstr(line, "\"level\":\"error\"") && strstr(line, "\"scenarios\":[\"error-burst\"]") && strstr(line, "\"status\":5")) errors++;
        line = end + 1;
    }
    CHECK(lines > 0 && matched == lines);
    CHECK(errors > 0);
    /* As many lines as traces. */
    int trace_count = 0;
    for (const char *at = traces; (at = strstr(at, "\"variant\":")) != NULL; at++) trace_count++;
    CHECK(trace_count == lines);
    syslab_string_free(logs);
    syslab_string_free(traces);

    logs = (char *)"untouched";
    CHECK_STATUS(syslab_report_logs_jsonl(NULL, &logs), SYSLAB_EINVAL);
    CHECK(logs == NULL);
    CHECK_CONTAINS(syslab_last_error(), "syslab_report_logs_jsonl");
    CHECK_STATUS(syslab_report_logs_jsonl(report, NULL), SYSLAB_EINVAL);
    syslab_report_free(report);

    /* Without sampling there is no log line: an empty text, not NULL. */
    CHECK_STATUS(syslab_loadtest_run(&report, NULL,
        "{\"system\": {\"template\": \"simple\"},"
        " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 10, \"duration\": \"2s\"},"
        " \"options\": {\"traces\": {\"head\": 0, \"errors\": false}}}"), SYSLAB_OK);
    CHECK_STATUS(syslab_report_logs_jsonl(report, &logs), SYSLAB_OK);
    CHECK(logs != NULL && logs[0] == '\0');
    syslab_string_free(logs);
    syslab_report_free(report);
}

static void test_failed_threshold_is_not_an_error(void) {
    syslab_report *report = NULL;
    CHECK_STATUS(syslab_loadtest_run(&report, NULL,
        "{\"system\": {\"template\": \"simple\"},"
        " \"workload\": {\"executor\": \"constant-vus\", \"vus\": 5, \"duration\": \"5s\"},"
        " \"thresholds\": {\"http_req_duration\": [\"p(99)<1\"]}}"), SYSLAB_OK);
    int passed = -1;
    CHECK_STATUS(syslab_report_passed(report, &passed), SYSLAB_OK);
    CHECK(passed == 0);
    char *json = NULL;
    CHECK_STATUS(syslab_report_json(report, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"thresholds_ok\":false");
    syslab_string_free(json);
    syslab_report_free(report);
}

static void test_lua_scenarios_from_a_registry(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new(&r), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_load_lua_string(r,
        "registry:define{ name = 'always-503', category = 'http', summary = 'every call fails',"
        "  effects = {'error'}, apply = function(ctx) return { kind = 'error', status = 503 } end }", "always"), SYSLAB_OK);
    syslab_report *report = NULL;
    CHECK_STATUS(syslab_loadtest_run(&report, r,
        "{\"system\": {\"template\": \"simple\"},"
        " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 50, \"duration\": \"10s\"},"
        " \"scenarios\": [{\"name\": \"always-503\", \"at\": \"5s\", \"params\": {\"target\": {\"tags\": [\"db\"]}}}]}"), SYSLAB_OK);
    char *json = NULL;
    CHECK_STATUS(syslab_report_json(report, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"always-503\":{\"error\":");
    CHECK_CONTAINS(json, "\"503\":");
    /* What the simulator applied is in "injected"; the diagnosis finds the
       failures' origin at db from observations alone. */
    CHECK_CONTAINS(json, "\"injected\":{");
    CHECK_CONTAINS(json, "\"kind\":\"error-origin\"");
    CHECK_CONTAINS(json, "\"role\":\"root-cause\"");
    syslab_string_free(json);
    syslab_report_free(report);
    /* The caller's registry was not changed by the run. */
    CHECK_STATUS(syslab_registry_status_json(r, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"enabled\":[]");
    syslab_string_free(json);
    syslab_registry_free(r);
}

static void test_bad_input(void) {
    syslab_report *report = (syslab_report *)&report;
    CHECK_STATUS(syslab_loadtest_run(&report, NULL, "{\"workload\": {}}"), SYSLAB_EINVAL);
    CHECK(report == NULL);
    CHECK_CONTAINS(syslab_last_error(), "needs 'system'");
    CHECK_STATUS(syslab_loadtest_run(&report, NULL,
        "{\"system\": {\"template\": \"simple\", \"nodes\": {\"nope\": {}}}, \"workload\": {\"executor\": \"constant-vus\", \"duration\": \"1s\"}}"),
        SYSLAB_ENOTFOUND);
    CHECK_CONTAINS(syslab_last_error(), "'nope', which is not a node");
    CHECK_STATUS(syslab_loadtest_run(&report, NULL,
        "{\"system\": {\"template\": \"simple\"}, \"workload\": {\"executor\": \"constant-vus\", \"duration\": \"1s\"},"
        " \"scenarios\": [{\"name\": \"nope\"}]}"), SYSLAB_ENOTFOUND);
    CHECK_STATUS(syslab_loadtest_run(&report, NULL, "\xff\xfe"), SYSLAB_EUTF8);
    CHECK_STATUS(syslab_loadtest_run(NULL, NULL, TEST_JSON), SYSLAB_EINVAL);
    char *json = NULL;
    CHECK_STATUS(syslab_report_json(NULL, &json), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_report_summary(NULL, &json), SYSLAB_EINVAL);
    int passed = 0;
    CHECK_STATUS(syslab_report_passed(NULL, &passed), SYSLAB_EINVAL);
}

/* Issue 9, defect 6: one request through two async hops with
 * async-callback-storm {fanout: 1000} tried to allocate 2.48 GB. Now each hop
 * runs the storm once; past max_calls_per_request the run stops with an error. */
static const char *STORM_JSON =
    "{\"system\": {\"topology\": {\"nodes\": [{\"id\": \"api\", \"kind\": \"backend\"}, {\"id\": \"relay\", \"kind\": \"worker\"},"
    " {\"id\": \"sink\", \"kind\": \"worker\"}], \"edges\": [{\"from\": \"api\", \"to\": \"relay\", \"mode\": \"async\"},"
    " {\"from\": \"relay\", \"to\": \"sink\", \"mode\": \"async\"}]}},"
    " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 1, \"duration\": \"1s\", \"arrivals\": \"uniform\"},"
    " \"scenarios\": [{\"name\": \"async-callback-storm\", \"params\": {\"fanout\": 1000, \"depth\": 1}}],"
    " \"options\": {\"max_calls_per_request\": %d}}";

static void test_work_is_bounded(void) {
    char test[1024];
    syslab_report *report = NULL;
    snprintf(test, sizeof test, STORM_JSON, 10000);
    CHECK_STATUS(syslab_loadtest_run(&report, NULL, test), SYSLAB_OK);
    char *json = NULL;
    CHECK_STATUS(syslab_report_json(report, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"arrivals\":1001");
    syslab_string_free(json);
    syslab_report_free(report);
    report = NULL;
    snprintf(test, sizeof test, STORM_JSON, 1500);
    CHECK_STATUS(syslab_loadtest_run(&report, NULL, test), SYSLAB_ELIMIT);
    CHECK(report == NULL);
    CHECK_CONTAINS(syslab_last_error(), "1501 calls for 1 requests");
    CHECK_CONTAINS(syslab_last_error(), "options.max_calls_per_request = 1500");
}

/* Two threads run the same test: reports are independent and identical. */
static void *run_in_thread(void *arg) {
    char **out = (char **)arg;
    syslab_report *report = NULL;
    if (syslab_loadtest_run(&report, NULL, TEST_JSON) != SYSLAB_OK) return NULL;
    syslab_report_json(report, out);
    syslab_report_free(report);
    return NULL;
}

static void test_threads(void) {
    char *a = NULL, *b = NULL;
    pthread_t ta, tb;
    pthread_create(&ta, NULL, run_in_thread, &a);
    pthread_create(&tb, NULL, run_in_thread, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a != NULL && b != NULL);
    if (a && b) {
        /* Identical apart from the wall-clock time. */
        CHECK(json_number(a, "p99") == json_number(b, "p99"));
        CHECK(json_number(a, "completed") == json_number(b, "completed"));
    }
    syslab_string_free(a);
    syslab_string_free(b);
}

int main(void) {
    test_queue_matches_erlang_c();
    test_loadtest_report();
    test_logs_lead_to_traces();
    test_failed_threshold_is_not_an_error();
    test_lua_scenarios_from_a_registry();
    test_bad_input();
    test_work_is_bounded();
    test_threads();
    return check_report("test_simulation");
}
