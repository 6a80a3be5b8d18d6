/* syslab_registry_enable: "scenario-name\0params-json", then a decision,
 * the status and the metrics of whatever got enabled. */
#include "fuzz_common.h"

static syslab_registry *registry;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (registry == NULL && !fuzz_status("new", syslab_registry_new_with_options(&registry, "{\"manual_clock\": true, \"seed\": 7}"))) abort();
    char *name, *params;
    fuzz_split(data, size, 0, &name, &params);
    double ttl = size > 0 ? (double)(data[size - 1] % 5) - 1 : 0; /* -1 .. 3 s */
    if (fuzz_status("syslab_registry_enable", syslab_registry_enable(registry, name, params[0] ? params : NULL, ttl))) {
        char *out = NULL;
        FUZZ_OWNED("syslab_registry_decide_json", syslab_registry_decide_json(registry, "{\"route\": \"/api/orders\", \"method\": \"GET\", \"component\": \"postgres\"}", &out), out);
        syslab_effect effects[SYSLAB_DECIDE_CAPACITY];
        size_t count = 0;
        fuzz_status("syslab_registry_decide", syslab_registry_decide(registry, NULL, effects, SYSLAB_DECIDE_CAPACITY, &count));
        out = NULL;
        FUZZ_OWNED("syslab_registry_status_json", syslab_registry_status_json(registry, &out), out);
        out = NULL;
        FUZZ_OWNED("syslab_registry_metrics_text", syslab_registry_metrics_text(registry, &out), out);
        fuzz_status("syslab_registry_advance_clock", syslab_registry_advance_clock(registry, 2));
        fuzz_status("syslab_registry_disable", syslab_registry_disable(registry, name));
    }
    free(name);
    free(params);
    return 0;
}
