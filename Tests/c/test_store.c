/* The Redis store through the C ABI: two registries share one enabled set,
 * bad store options fail clearly, and a Redis that is down is an error (or
 * an empty start when asked). Starts its own redis-server on a free
 * loopback port in a temporary directory, and kills it at the end. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslab.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static pid_t redis_pid = -1;
static char redis_dir[] = "/tmp/syslab-c-redis-XXXXXX";

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("free_port");
        exit(2);
    }
    close(fd);
    return ntohs(a.sin_port);
}

static int accepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int start_redis(void) {
    if (access("/usr/bin/redis-server", X_OK) != 0) {
        fprintf(stderr, "test_store: redis-server is not installed (make build installs it)\n");
        exit(1);
    }
    if (!mkdtemp(redis_dir)) {
        perror("mkdtemp");
        exit(2);
    }
    int port = free_port();
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    redis_pid = fork();
    if (redis_pid == 0) {
        execl("/usr/bin/redis-server", "redis-server", "--port", port_text, "--bind", "127.0.0.1", "--dir", redis_dir,
              "--save", "", "--appendonly", "no", "--logfile", "redis.log", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500 && !accepts(port); i++) sleep_ms(10);
    if (!accepts(port)) {
        fprintf(stderr, "test_store: redis-server did not start on port %d\n", port);
        exit(1);
    }
    return port;
}

static void stop_redis(void) {
    if (redis_pid > 0) {
        kill(redis_pid, SIGKILL);
        waitpid(redis_pid, NULL, 0);
    }
    char log[128];
    snprintf(log, sizeof log, "%s/redis.log", redis_dir);
    unlink(log);
    rmdir(redis_dir);
}

/* Polls r's status for `needle` (or its absence) for up to 1 s. */
static int status_within_1s(syslab_registry *r, const char *needle, int present) {
    for (int i = 0; i < 100; i++) {
        char *json = NULL;
        if (syslab_registry_status_json(r, &json) != SYSLAB_OK) return 0;
        int found = strstr(json, needle) != NULL;
        syslab_string_free(json);
        if (found == present) return 1;
        sleep_ms(10);
    }
    return 0;
}

static void test_shared_set(int port) {
    char options[256];
    snprintf(options, sizeof options, "{\"store\": \"redis://127.0.0.1:%d/0\", \"workspace\": \"team-a\"}", port);
    syslab_registry *a = NULL, *b = NULL, *other = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&a, options), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_new_with_options(&b, options), SYSLAB_OK);
    snprintf(options, sizeof options, "{\"store\": \"redis://127.0.0.1:%d/0\", \"workspace\": \"team-b\"}", port);
    CHECK_STATUS(syslab_registry_new_with_options(&other, options), SYSLAB_OK);
    if (!a || !b || !other) return;

    CHECK_STATUS(syslab_registry_enable(a, "error-burst", "{\"probability\": 1}", 30), SYSLAB_OK);
    CHECK(status_within_1s(b, "\"name\":\"error-burst\"", 1));
    char *effects = NULL;
    CHECK_STATUS(syslab_registry_decide_json(b, "{\"route\": \"/api\"}", &effects), SYSLAB_OK);
    CHECK_CONTAINS(effects, "error-burst");
    syslab_string_free(effects);

    char *json = NULL;
    CHECK_STATUS(syslab_registry_status_json(b, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "\"workspace\":\"team-a\"");
    CHECK_CONTAINS(json, "\"connected\":true");
    syslab_string_free(json);
    CHECK_STATUS(syslab_registry_metrics_text(b, &json), SYSLAB_OK);
    CHECK_CONTAINS(json, "syslab_store_connected{workspace=\"team-a\"} 1");
    syslab_string_free(json);

    CHECK_STATUS(syslab_registry_disable(b, "error-burst"), SYSLAB_OK);
    CHECK(status_within_1s(a, "\"name\":\"error-burst\"", 0));
    CHECK_STATUS(syslab_registry_enable(b, "fixed-latency", NULL, 0), SYSLAB_OK);
    CHECK(status_within_1s(a, "\"name\":\"fixed-latency\"", 1));
    CHECK_STATUS(syslab_registry_reset(a), SYSLAB_OK);
    CHECK(status_within_1s(b, "\"name\":\"fixed-latency\"", 0));
    CHECK(status_within_1s(other, "\"name\":", 0)); /* team-b never saw team-a's set */

    syslab_registry_free(a);
    syslab_registry_free(b);
    syslab_registry_free(other);
}

static void test_bad_options(int port) {
    syslab_registry *r = (syslab_registry *)&r;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"store\": 5}"), SYSLAB_ETYPE);
    CHECK(r == NULL);
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"store\": \"http://127.0.0.1:1\"}"), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "redis://");
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"store\": \"redis://127.0.0.1:1\", \"workspace\": \"a b\"}"), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "workspace name");
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"store\": \"redis://127.0.0.1:1\", \"on_store_down\": \"ignore\"}"), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "on_store_down");
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"store\": \"redis://127.0.0.1:1\", \"stor\": 1}"), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "unknown option 'stor'");
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"workspace\": \"w\"}"), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_new_with_options(NULL, "{\"store\": \"redis://127.0.0.1:1\"}"), SYSLAB_EINVAL);

    /* Redis down at open: a clear error naming the URL, unless start_empty. */
    int closed = free_port();
    (void)port;
    char options[256];
    snprintf(options, sizeof options, "{\"store\": \"redis://:hunter2@127.0.0.1:%d/0\"}", closed);
    CHECK_STATUS(syslab_registry_new_with_options(&r, options), SYSLAB_EIO);
    CHECK(r == NULL);
    CHECK_CONTAINS(syslab_last_error(), "redis://:***@127.0.0.1:");
    CHECK(strstr(syslab_last_error(), "hunter2") == NULL);
    snprintf(options, sizeof options, "{\"store\": \"redis://127.0.0.1:%d/0\", \"on_store_down\": \"start_empty\"}", closed);
    CHECK_STATUS(syslab_registry_new_with_options(&r, options), SYSLAB_OK);
    if (r) {
        char *json = NULL;
        CHECK_STATUS(syslab_registry_status_json(r, &json), SYSLAB_OK);
        CHECK_CONTAINS(json, "\"connected\":false");
        syslab_string_free(json);
        CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", NULL, 0), SYSLAB_EIO);
        CHECK_CONTAINS(syslab_last_error(), "store unavailable");
        CHECK_STATUS(syslab_registry_enable(r, "no-such-scenario", NULL, 0), SYSLAB_ENOTFOUND);
        syslab_registry_free(r);
    }
}

/* Redis killed under an open registry (SIGPIPE left at its default, which
 * would end this process): changes fail with SYSLAB_EIO, decisions go on
 * with the last known set, status says disconnected. */
static void test_redis_dies(int port) {
    char options[256];
    snprintf(options, sizeof options, "{\"store\": \"redis://127.0.0.1:%d/0\", \"workspace\": \"dies\"}", port);
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, options), SYSLAB_OK);
    if (!r) return;
    CHECK_STATUS(syslab_registry_enable(r, "error-burst", "{\"probability\": 1}", 0), SYSLAB_OK);
    kill(redis_pid, SIGKILL);
    waitpid(redis_pid, NULL, 0);
    redis_pid = -1;
    for (int i = 0; i < 5; i++) {
        CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", NULL, 0), SYSLAB_EIO);
        CHECK_CONTAINS(syslab_last_error(), "store unavailable");
    }
    CHECK_STATUS(syslab_registry_reset(r), SYSLAB_EIO);
    CHECK(status_within_1s(r, "\"connected\":false", 1));
    char *effects = NULL;
    CHECK_STATUS(syslab_registry_decide_json(r, "{\"route\": \"/api\"}", &effects), SYSLAB_OK);
    CHECK_CONTAINS(effects, "error-burst");
    syslab_string_free(effects);
    syslab_registry_free(r);
}

int main(void) {
    int port = start_redis();
    test_shared_set(port);
    test_bad_options(port);
    test_redis_dies(port);
    stop_redis();
    return check_report("test_store");
}
