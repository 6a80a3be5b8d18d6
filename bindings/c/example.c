/* A host service asking libsyslab which failures to inject into a request.
 * Build: cc example.c $(pkg-config --cflags --libs syslab) */
#include <stdio.h>
#include <syslab.h>

static int fail(const char *what, int status) {
    fprintf(stderr, "%s: %s (%s)\n", what, syslab_last_error(), syslab_strerror(status));
    return 1;
}

int main(void) {
    syslab_registry *registry = NULL;
    int status = syslab_registry_new(&registry);
    if (status != SYSLAB_OK) return fail("new", status);

    /* 150 ms of extra latency on /api routes for the next 60 seconds. */
    status = syslab_registry_enable(registry, "fixed-latency",
                                    "{\"delay_ms\": 150, \"target\": {\"route\": \"/api/*\"}}", 60);
    if (status != SYSLAB_OK) return fail("enable", status);

    char *effects = NULL;
    status = syslab_registry_decide_json(registry, "{\"route\": \"/api/orders\", \"method\": \"GET\"}", &effects);
    if (status != SYSLAB_OK) return fail("decide", status);
    printf("effects for GET /api/orders: %s\n", effects);
    syslab_string_free(effects);

    /* Bad input is a status and a message, never a crash. */
    status = syslab_registry_enable(registry, "fixed-latency", "{\"delay_ms\": -5}", 0);
    printf("enable with delay_ms=-5: %s: %s\n", syslab_strerror(status), syslab_last_error());

    syslab_registry_free(registry);
    return 0;
}
