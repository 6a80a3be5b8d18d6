/* The order store (CQRS and event sourcing on SQLite) through the C ABI:
 * commands, queries, conflicts, the saga, hostile input, and the two
 * acceptance checks that need real processes:
 *   - a child appending orders is killed with SIGKILL; every order it had
 *     acknowledged is in the reopened store, and projections rebuilt from the
 *     log equal the ones kept incrementally;
 *   - two processes paying the same orders, each expecting version 1: one wins
 *     each order, the other gets SYSLAB_ECONFLICT; no event lost or doubled.
 * Children are this program run again (/proc/self/exe) with a mode argument. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslab.h>
#include <unistd.h>

#include "check.h"

static char folder[] = "/tmp/syslab-c-orders-XXXXXX";

static const char *ADDRESS = "{\"line1\": \"1 Main St\", \"city\": \"Lyon\", \"postcode\": \"69001\", \"country\": \"FR\"}";

static int place(syslab_orders *o, const char *id, long amount) {
    char command[512];
    snprintf(command, sizeof command,
             "{\"command\": \"place\", \"order_id\": \"%s\", \"customer_id\": \"c-1\", \"amount\": %ld, "
             "\"currency\": \"EUR\", \"address\": %s, \"sku\": \"book\"}", id, amount, ADDRESS);
    char *out = NULL;
    int status = syslab_orders_execute(o, command, &out);
    syslab_string_free(out);
    return status;
}

static int simple(syslab_orders *o, const char *verb, const char *id, int expected) {
    char command[256];
    if (expected >= 0)
        snprintf(command, sizeof command, "{\"command\": \"%s\", \"order_id\": \"%s\", \"expected_version\": %d}", verb, id, expected);
    else
        snprintf(command, sizeof command, "{\"command\": \"%s\", \"order_id\": \"%s\"}", verb, id);
    char *out = NULL;
    int status = syslab_orders_execute(o, command, &out);
    syslab_string_free(out);
    return status;
}

static char *query(syslab_orders *o, const char *q) {
    char *out = NULL;
    int status = syslab_orders_query(o, q, &out);
    if (status != SYSLAB_OK) {
        fprintf(stderr, "query %s failed: %s\n", q, syslab_last_error());
        return NULL;
    }
    return out;
}

/* Child: places orders k-0, k-1, ... and writes each acknowledged index to stdout. */
static int append_child(const char *db) {
    syslab_orders *o = NULL;
    if (syslab_orders_open(&o, db, NULL, "{\"snapshot_every\": 2}") != SYSLAB_OK) return 3;
    for (int i = 0; i < 1000000; i++) {
        char id[32];
        snprintf(id, sizeof id, "k-%d", i);
        if (place(o, id, 100 + i) != SYSLAB_OK) return 4;
        if (i % 3 == 0 && simple(o, "pay", id, -1) != SYSLAB_OK) return 5;
        char line[32];
        int n = snprintf(line, sizeof line, "%d\n", i);
        if (write(1, line, (size_t)n) != n) return 6;
    }
    return 0;
}

/* Child: pays p-0 .. p-(n-1), each expecting version 1; prints "wins conflicts others". */
static int pay_child(const char *db, int n) {
    syslab_orders *o = NULL;
    if (syslab_orders_open(&o, db, NULL, "{\"projections\": \"manual\"}") != SYSLAB_OK) return 3;
    int wins = 0, conflicts = 0, others = 0;
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "p-%d", i);
        int status = simple(o, "pay", id, 1);
        if (status == SYSLAB_OK) wins++;
        else if (status == SYSLAB_ECONFLICT) conflicts++;
        else { others++; fprintf(stderr, "pay %s: %d %s\n", id, status, syslab_last_error()); }
    }
    printf("%d %d %d\n", wins, conflicts, others);
    syslab_orders_close(o);
    return 0;
}

static pid_t spawn(char *const argv[], int *out_fd) {
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); exit(2); }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(fds[1]);
    *out_fd = fds[0];
    return pid;
}

static void test_acknowledged_events_survive_kill_9(void) {
    char db[300];
    snprintf(db, sizeof db, "%s/crash.db", folder);
    char *argv[] = {"test_orders", "--append-child", db, NULL};
    int fd = -1;
    pid_t child = spawn(argv, &fd);
    /* Read acknowledgements until 150 have arrived, then kill the child mid-stream. */
    static char buffer[1 << 16];
    size_t used = 0;
    int acked = -1, lines = 0;
    while (lines < 150) {
        ssize_t n = read(fd, buffer + used, sizeof buffer - used - 1);
        if (n <= 0) break;
        used += (size_t)n;
        buffer[used] = 0;
        lines = 0;
        for (char *p = buffer; (p = strchr(p, '\n')) != NULL; p++) lines++;
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    /* Whatever else arrived before the kill is acknowledged too. */
    ssize_t n;
    while (used < sizeof buffer - 1 && (n = read(fd, buffer + used, sizeof buffer - used - 1)) > 0) used += (size_t)n;
    buffer[used] = 0;
    close(fd);
    for (char *line = buffer; *line; ) {
        char *end = strchr(line, '\n');
        if (!end) break;
        acked = atoi(line);
        line = end + 1;
    }
    CHECK(acked >= 149);

    syslab_orders *o = NULL;
    CHECK_STATUS(syslab_orders_open(&o, db, NULL, NULL), SYSLAB_OK);
    int missing = 0;
    for (int i = 0; i <= acked; i++) {
        char q[96];
        snprintf(q, sizeof q, "{\"query\": \"state\", \"order_id\": \"k-%d\"}", i);
        char *state = query(o, q);
        if (!state || strcmp(state, "null") == 0) missing++;
        else if (i % 3 == 0 && !strstr(state, "\"status\":\"paid\"")) missing++;
        syslab_string_free(state);
    }
    CHECK(missing == 0);
    /* Catch the projections up, then rebuild them from the log: the same read models. */
    char *out = NULL;
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"catch_up\"}", &out), SYSLAB_OK);
    syslab_string_free(out);
    char *orders_before = query(o, "{\"query\": \"orders\", \"limit\": 100000}");
    char *analytics_before = query(o, "{\"query\": \"analytics\"}");
    CHECK_STATUS(syslab_orders_rebuild(o, NULL, &out), SYSLAB_OK);
    syslab_string_free(out);
    char *orders_after = query(o, "{\"query\": \"orders\", \"limit\": 100000}");
    char *analytics_after = query(o, "{\"query\": \"analytics\"}");
    CHECK(orders_before && orders_after && strcmp(orders_before, orders_after) == 0);
    CHECK(analytics_before && analytics_after && strcmp(analytics_before, analytics_after) == 0);
    char *integrity = query(o, "{\"query\": \"integrity\"}");
    CHECK(integrity && strcmp(integrity, "\"ok\"") == 0);
    printf("kill -9: %d orders acknowledged before the kill, %d missing after reopening\n", acked + 1, missing);
    syslab_string_free(orders_before); syslab_string_free(orders_after);
    syslab_string_free(analytics_before); syslab_string_free(analytics_after); syslab_string_free(integrity);
    syslab_orders_close(o);
}

static void test_two_processes_conflict_without_losing_events(void) {
    char db[300];
    snprintf(db, sizeof db, "%s/race.db", folder);
    enum { N = 60 };
    syslab_orders *o = NULL;
    CHECK_STATUS(syslab_orders_open(&o, db, NULL, "{\"projections\": \"manual\"}"), SYSLAB_OK);
    for (int i = 0; i < N; i++) {
        char id[32];
        snprintf(id, sizeof id, "p-%d", i);
        CHECK_STATUS(place(o, id, 1000), SYSLAB_OK);
    }
    char count[16];
    snprintf(count, sizeof count, "%d", N);
    char *argv[] = {"test_orders", "--pay-child", db, count, NULL};
    int fds[2];
    pid_t children[2];
    for (int c = 0; c < 2; c++) children[c] = spawn(argv, &fds[c]);
    int wins = 0, conflicts = 0, others = 0;
    for (int c = 0; c < 2; c++) {
        char line[64] = {0};
        size_t used = 0;
        ssize_t n;
        while (used < sizeof line - 1 && (n = read(fds[c], line + used, sizeof line - 1 - used)) > 0) used += (size_t)n;
        close(fds[c]);
        int status = 0;
        waitpid(children[c], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        int w = 0, k = 0, x = 0;
        CHECK(sscanf(line, "%d %d %d", &w, &k, &x) == 3);
        wins += w; conflicts += k; others += x;
    }
    CHECK(wins == N && conflicts == N && others == 0);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        char q[96];
        snprintf(q, sizeof q, "{\"query\": \"history\", \"order_id\": \"p-%d\"}", i);
        char *history = query(o, q);
        int captured = 0;
        for (const char *p = history; p && (p = strstr(p, "PaymentCaptured")) != NULL; p++) captured++;
        if (!history || captured != 1 || !strstr(history, "\"version\":2") || strstr(history, "\"version\":3")) wrong++;
        syslab_string_free(history);
    }
    CHECK(wrong == 0);
    printf("two writers: %d wins, %d conflicts, %d orders with a lost or doubled event\n", wins, conflicts, wrong);
    syslab_orders_close(o);
}

static void test_commands_queries_and_saga(void) {
    char db[300];
    snprintf(db, sizeof db, "%s/main.db", folder);
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"seed\": 5}"), SYSLAB_OK);
    syslab_orders *o = NULL;
    CHECK_STATUS(syslab_orders_open(&o, db, r, "{\"snapshot_every\": 2, \"saga_backoff_ms\": 1}"), SYSLAB_OK);
    CHECK_STATUS(place(o, "o-1", 2500), SYSLAB_OK);
    CHECK_STATUS(place(o, "o-1", 2500), SYSLAB_EEXISTS);
    CHECK_STATUS(simple(o, "pay", "o-1", 1), SYSLAB_OK);
    CHECK_STATUS(simple(o, "ship", "o-1", 1), SYSLAB_ECONFLICT);
    CHECK_CONTAINS(syslab_last_error(), "expected version 1");
    CHECK_STATUS(simple(o, "ship", "o-1", 2), SYSLAB_OK);
    CHECK_STATUS(simple(o, "cancel", "o-1", -1), SYSLAB_EINVAL);
    char *summary = query(o, "{\"query\": \"order\", \"order_id\": \"o-1\"}");
    CHECK_CONTAINS(summary, "\"status\":\"shipped\"");
    syslab_string_free(summary);
    char *missing = query(o, "{\"query\": \"order\", \"order_id\": \"nobody\"}");
    CHECK(missing && strcmp(missing, "null") == 0);
    syslab_string_free(missing);

    /* The saga with short stock compensates; with a failing refund it dead-letters and flags. */
    char *out = NULL;
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"set_stock\", \"sku\": \"book\", \"available\": 0}", &out), SYSLAB_OK);
    syslab_string_free(out);
    char saga[512];
    snprintf(saga, sizeof saga, "{\"action\": \"start\", \"order\": {\"order_id\": \"s-1\", \"customer_id\": \"c\", \"amount\": 900, "
             "\"currency\": \"EUR\", \"address\": %s, \"sku\": \"book\"}}", ADDRESS);
    CHECK_STATUS(syslab_orders_saga(o, saga, &out), SYSLAB_OK);
    CHECK_CONTAINS(out, "\"status\":\"compensated\"");
    syslab_string_free(out);
    CHECK_STATUS(syslab_registry_enable(r, "saga-compensation-failure", NULL, 0), SYSLAB_OK);
    snprintf(saga, sizeof saga, "{\"action\": \"start\", \"order\": {\"order_id\": \"s-2\", \"customer_id\": \"c\", \"amount\": 900, "
             "\"currency\": \"EUR\", \"address\": %s, \"sku\": \"book\"}}", ADDRESS);
    CHECK_STATUS(syslab_orders_saga(o, saga, &out), SYSLAB_OK);
    CHECK_CONTAINS(out, "\"status\":\"dead_lettered\"");
    syslab_string_free(out);
    summary = query(o, "{\"query\": \"order\", \"order_id\": \"s-2\"}");
    CHECK_CONTAINS(summary, "\"flagged\":true");
    syslab_string_free(summary);

    CHECK_STATUS(syslab_orders_rebuild(o, "analytics", &out), SYSLAB_OK);
    CHECK_CONTAINS(out, "events_per_second");
    syslab_string_free(out);
    CHECK_STATUS(syslab_orders_rebuild(o, "nope", &out), SYSLAB_ENOTFOUND);

    char *text = NULL;
    CHECK_STATUS(syslab_orders_metrics_text(o, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "orders_events_appended_total ");
    CHECK_CONTAINS(text, "orders_sagas_finished_total{outcome=\"dead_lettered\"} 1");
    CHECK_CONTAINS(text, "orders_projection_lag_events{projection=\"order_summary\"} 0");
    syslab_string_free(text);
    /* The same metrics are in the registry's own exposition. */
    CHECK_STATUS(syslab_registry_metrics_text(r, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "orders_snapshots_written_total ");
    syslab_string_free(text);
    char *integrity = query(o, "{\"query\": \"integrity\"}");
    CHECK(integrity && strcmp(integrity, "\"ok\"") == 0);
    syslab_string_free(integrity);
    syslab_orders_close(o);
    syslab_registry_free(r);
}

static void test_hostile_input(void) {
    char db[300];
    snprintf(db, sizeof db, "%s/hostile.db", folder);
    syslab_orders *o = NULL;
    char *out = NULL;
    CHECK_STATUS(syslab_orders_open(NULL, db, NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_open(&o, NULL, NULL, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_open(&o, db, NULL, "{\"snapshot_every\": -1}"), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_orders_open(&o, db, NULL, "{\"colour\": 1}"), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_open(&o, db, NULL, "{not json"), SYSLAB_EJSON);
    CHECK_STATUS(syslab_orders_open(&o, "/nonexistent-folder/x.db", NULL, NULL), SYSLAB_EIO);
    CHECK(o == NULL);
    char garbage[300];
    snprintf(garbage, sizeof garbage, "%s/garbage.db", folder);
    int fd = open(garbage, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int i = 0; i < 100; i++) CHECK(write(fd, "definitely not SQLite ", 22) == 22);
    close(fd);
    CHECK_STATUS(syslab_orders_open(&o, garbage, NULL, NULL), SYSLAB_ECORRUPT);
    CHECK(o == NULL);

    CHECK_STATUS(syslab_orders_open(&o, db, NULL, NULL), SYSLAB_OK);
    CHECK_STATUS(syslab_orders_execute(NULL, "{}", &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_execute(o, NULL, &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"pay\", \"order_id\": \"o\"}", NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"pay\"", &out), SYSLAB_EJSON);
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"pay\", \"order_id\": \"\xff\xfe\"}", &out), SYSLAB_EUTF8);
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"pay\", \"order_id\": \"a b\"}", &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"explode\", \"order_id\": \"o\"}", &out), SYSLAB_ENOTFOUND);
    CHECK_STATUS(place(o, "neg", -100), SYSLAB_ERANGE);
    CHECK_CONTAINS(syslab_last_error(), "positive");
    CHECK_STATUS(syslab_orders_execute(o, "{\"command\": \"place\", \"order_id\": \"o\", \"customer_id\": \"c\", \"amount\": 1.5, "
                                          "\"currency\": \"EUR\", \"address\": {}, \"sku\": \"s\"}", &out), SYSLAB_ERANGE);
    CHECK_STATUS(simple(o, "pay", "ghost", -1), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_query(o, "{\"query\": \"everything\"}", &out), SYSLAB_ENOTFOUND);
    CHECK_STATUS(syslab_orders_query(o, "[]", &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_saga(o, "{\"action\": \"start\"}", &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_saga(NULL, "{}", &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_rebuild(NULL, NULL, &out), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_metrics_text(o, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_orders_metrics_text(NULL, &out), SYSLAB_EINVAL);
    CHECK(strcmp(syslab_strerror(SYSLAB_ECONFLICT), "version conflict") == 0);
    syslab_orders_close(o);
    syslab_orders_close(NULL);
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--append-child") == 0) return append_child(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "--pay-child") == 0) return pay_child(argv[2], atoi(argv[3]));
    if (!mkdtemp(folder)) { perror("mkdtemp"); return 2; }
    /* The process tests come first, before this process has used the library. */
    test_acknowledged_events_survive_kill_9();
    test_two_processes_conflict_without_losing_events();
    test_commands_queries_and_saga();
    test_hostile_input();
    char command[400];
    snprintf(command, sizeof command, "rm -rf %s", folder);
    if (system(command) != 0) fprintf(stderr, "could not remove %s\n", folder);
    return check_report("test_orders");
}
