/* syslab_registry_decide (the fixed-layout hot path): the input is split at
 * NUL bytes into route, method, component and tags; the first byte picks
 * the output capacity. */
#include "fuzz_common.h"

static syslab_registry *registry;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (registry == NULL) {
        fuzz_require("new", syslab_registry_new_with_options(&registry, "{\"seed\": 5}"));
        const char *names[] = {"fixed-latency", "tail-latency", "error-burst", "stale-read", "retry-storm"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            fuzz_require(names[i], syslab_registry_enable(registry, names[i], NULL, 0));
        }
        fuzz_require("enable", syslab_registry_enable(registry, "429-rate-limit", "{\"target\": {\"tags\": [\"canary\"], \"route\": \"/api/*\"}}", 0));
    }
    if (size == 0) return 0;
    size_t capacity = data[0] % 8;
    char *copy = fuzz_string(data + 1, size - 1);
    /* Fields are the NUL-separated parts of the input (a NUL-free input is one field). */
    const char *fields[68];
    size_t count = 0;
    const char *p = copy, *end = copy + (size - 1);
    while (count < 68) {
        fields[count++] = p;
        p += strlen(p) + 1;
        if (p > end) break;
    }
    syslab_request request = {count > 0 ? fields[0] : NULL, count > 1 ? fields[1] : NULL,
                              count > 2 ? fields[2] : NULL, count > 3 ? fields + 3 : NULL,
                              count > 3 ? count - 3 : 0};
    syslab_effect effects[8];
    size_t produced = 0;
    int status = syslab_registry_decide(registry, &request, capacity ? effects : NULL, capacity, &produced);
    if (fuzz_status("syslab_registry_decide", status)) {
        if (produced > capacity) fuzz_fail("decide wrote more than capacity", status);
        for (size_t i = 0; i < produced; i++) {
            if (effects[i].scenario == NULL || syslab_effect_kind_name(effects[i].kind) == NULL) fuzz_fail("bad effect", status);
        }
    }
    free(copy);
    return 0;
}
