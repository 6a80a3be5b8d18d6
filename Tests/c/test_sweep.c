/* Parameter sweeps through the C ABI: a plan, rows that do not depend on the
 * thread count, progress and cancellation through the callback, bad grids
 * refused before anything runs, and the bisection and knee helpers. */
#include <math.h>
#include <syslab.h>

#include "check.h"

static const char *TEST_JSON =
    "{\"system\": {\"topology\": {\"name\": \"shop\", \"nodes\": [{\"id\": \"api\", \"kind\": \"backend\"},"
    "                                                     {\"id\": \"db\", \"kind\": \"postgres\"}],"
    "                             \"edges\": [{\"from\": \"api\", \"to\": \"db\"}]},"
    "             \"nodes\": {\"db\": {\"servers\": 4, \"service\": {\"kind\": \"exponential\", \"mean\": \"5ms\"}}},"
    "             \"edges\": {\"api->db\": {\"pool\": {\"size\": 4, \"wait_timeout\": \"500ms\"}}}},"
    " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 200, \"duration\": \"5s\"},"
    " \"options\": {\"seed\": 7}}";

static const char *GRID_JSON =
    "{\"workload.rate\": [100, 300], \"system.nodes.db.servers\": [2, 4, 8]}";

static double json_number(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    return at ? atof(at + strlen(pattern)) : NAN;
}

/* The "rows" member's text (keys are sorted, so "threads" follows it). Owned by the caller. */
static char *rows_of(const char *json) {
    const char *start = strstr(json, "\"rows\":");
    const char *end = start ? strstr(start, ",\"threads\":") : NULL;
    if (start == NULL || end == NULL) return NULL;
    char *copy = malloc((size_t)(end - start) + 1);
    memcpy(copy, start, (size_t)(end - start));
    copy[end - start] = '\0';
    return copy;
}

static void test_plan(void) {
    char *json = NULL;
    CHECK_STATUS(syslab_sweep_plan(&json, TEST_JSON, GRID_JSON, "{\"replicas\": 3}"), SYSLAB_OK);
    CHECK(json_number(json, "points") == 6);
    CHECK(json_number(json, "jobs") == 18);
    CHECK(json_number(json, "seed") == 7);
    CHECK_CONTAINS(json, "\"path\":\"system.nodes.db.servers\"");
    syslab_string_free(json);
}

struct progress_log {
    int calls;
    size_t last_done, total;
    size_t cancel_at;   /* cancel once this many are done; 0 = never */
};

static int on_progress(void *user_data, size_t done, size_t total) {
    struct progress_log *log = user_data;
    log->calls++;
    CHECK(done >= log->last_done);   /* never goes backwards */
    log->last_done = done;
    log->total = total;
    return log->cancel_at > 0 && done >= log->cancel_at;
}

static void test_rows_do_not_depend_on_threads(void) {
    char *one = NULL, *two = NULL;
    struct progress_log log = {0, 0, 0, 0};
    CHECK_STATUS(syslab_sweep_run(&one, TEST_JSON, GRID_JSON, "{\"replicas\": 2, \"threads\": 1}", NULL, NULL), SYSLAB_OK);
    CHECK_STATUS(syslab_sweep_run(&two, TEST_JSON, GRID_JSON, "{\"replicas\": 2, \"threads\": 2}", on_progress, &log), SYSLAB_OK);
    CHECK_CONTAINS(one, "\"format\":\"syslab.sweep\"");
    CHECK_CONTAINS(one, "\"cancelled\":false");
    CHECK(json_number(one, "finished") == 12);
    CHECK(json_number(two, "threads") == 2);
    char *rows_one = rows_of(one), *rows_two = rows_of(two);
    CHECK(rows_one != NULL && rows_two != NULL && strcmp(rows_one, rows_two) == 0);
    CHECK_CONTAINS(rows_one, "\"p99_ms\":");
    CHECK_CONTAINS(rows_one, "\"utilisation.db\":");
    CHECK_CONTAINS(rows_one, "\"pool_wait_ms.api->db\":");
    CHECK(log.calls >= 1 && log.last_done == 12 && log.total == 12);
    free(rows_one);
    free(rows_two);
    syslab_string_free(one);
    syslab_string_free(two);
}

static void test_cancel_returns_finished_rows(void) {
    char *json = NULL;
    struct progress_log log = {0, 0, 0, 2};
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rate\": [100, 150, 200, 250, 300, 350, 400, 450, 500, 550]}",
                                  "{\"threads\": 1}", on_progress, &log), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"cancelled\":true");
    double finished = json_number(json, "finished");
    CHECK(finished >= 2 && finished < 10);
    syslab_string_free(json);
}

static int cancel_at_once(void *user_data, size_t done, size_t total) {
    (void)user_data; (void)done; (void)total;
    return 1;
}

static void test_cancel_stops_running_runs(void) {
    const char *long_test =
        "{\"system\": {\"topology\": {\"name\": \"one\", \"nodes\": [{\"id\": \"api\", \"kind\": \"backend\"}]},"
        "             \"nodes\": {\"api\": {\"servers\": 64, \"service\": \"5ms\"}}},"
        " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 2000, \"duration\": \"1h\"}}";
    char *json = NULL;
    CHECK_STATUS(syslab_sweep_run(&json, long_test, "{\"system.nodes.api.servers\": [64, 65]}", "{\"threads\": 2}",
                                  cancel_at_once, NULL), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"cancelled\":true");
    CHECK(json_number(json, "finished") == 0);
    CHECK_CONTAINS(json, "\"rows\":[]");
    syslab_string_free(json);
}

static void test_bad_grids(void) {
    char *json = (char *)"untouched";
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rat\": [1]}", NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK(json == NULL);
    CHECK_CONTAINS(syslab_last_error(), "unknown field 'rat' in workload");
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"nope.rate\": [1]}", NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "must start with one of");
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rate\": []}", NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "empty list");
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"system.nodes.db.servers\": [\"x\"]}", NULL, NULL, NULL), SYSLAB_ETYPE);
    CHECK_CONTAINS(syslab_last_error(), "grid point 1");
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"system.nodes.cache.servers\": [1]}", NULL, NULL, NULL), SYSLAB_ENOTFOUND);
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rate\": [-5]}", NULL, NULL, NULL), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rate\": [1]", NULL, NULL, NULL), SYSLAB_EJSON);
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rate\": \"\xff\"}", NULL, NULL, NULL), SYSLAB_EUTF8);
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rate\": [1]}", "{\"replicas\": 0}", NULL, NULL), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, "{\"workload.rate\": [1]}", "{\"colour\": 1}", NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_sweep_run(&json, NULL, GRID_JSON, NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_sweep_run(&json, TEST_JSON, NULL, NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_sweep_run(NULL, TEST_JSON, GRID_JSON, NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_sweep_plan(NULL, TEST_JSON, GRID_JSON, NULL), SYSLAB_EINVAL);
    CHECK(json == NULL);
}

static void test_helpers(void) {
    char *json = NULL;
    const char *search =
        "{\"test\": {\"system\": {\"topology\": {\"name\": \"one\", \"nodes\": [{\"id\": \"api\", \"kind\": \"backend\"}]},"
        "                       \"nodes\": {\"api\": {\"servers\": 1, \"service\": \"10ms\"}}},"
        "            \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 330, \"duration\": \"10s\"}},"
        " \"path\": \"system.nodes.api.servers\", \"values\": [1, 2, 3, 4, 5, 6, 8],"
        " \"condition\": \"p99_ms < 100\", \"replicas\": 2}";
    CHECK_STATUS(syslab_sweep_smallest(&json, search), SYSLAB_OK);
    /* 330/s of 10 ms: 3 servers are overloaded (queues grow), so the answer is above 3. */
    double value = json_number(json, "value");
    CHECK(value >= 4 && value <= 8);
    CHECK_CONTAINS(json, "\"steps\":");
    syslab_string_free(json);
    CHECK_STATUS(syslab_sweep_smallest(&json, "{\"test\": {}, \"path\": \"workload.rate\", \"values\": [1], \"condition\": \"fast\"}"), SYSLAB_EINVAL);

    CHECK_STATUS(syslab_sweep_knee(&json, "{\"x\": \"rate\", \"y\": \"p99\", \"rows\": ["
                                          "{\"rate\": 1, \"p99\": 10}, {\"rate\": 2, \"p99\": 11}, {\"rate\": 3, \"p99\": 12},"
                                          "{\"rate\": 4, \"p99\": 15}, {\"rate\": 5, \"p99\": 40}, {\"rate\": 6, \"p99\": 200}]}"), SYSLAB_OK);
    CHECK(json_number(json, "x") == 4 || json_number(json, "x") == 5);
    syslab_string_free(json);
    CHECK_STATUS(syslab_sweep_knee(&json, "{\"x\": \"rate\", \"y\": \"p99\", \"rows\": [{\"rate\": 1, \"p99\": \"slow\"}]}"), SYSLAB_ETYPE);
    CHECK_STATUS(syslab_sweep_knee(&json, NULL), SYSLAB_EINVAL);
}

int main(void) {
    test_plan();
    test_rows_do_not_depend_on_threads();
    test_cancel_returns_finished_rows();
    test_cancel_stops_running_runs();
    test_bad_grids();
    test_helpers();
    return check_report("test_sweep");
}
