/* syslab_registry_decide_json: the request JSON, against a registry with
 * scenarios of every targeting style enabled. */
#include "fuzz_common.h"

static syslab_registry *registry;

static void setup(void) {
    fuzz_require("new", syslab_registry_new_with_options(&registry, "{\"seed\": 3}"));
    const char *enable[][2] = {
        {"fixed-latency", "{\"delay_ms\": 5, \"target\": {\"route\": \"/api/*\"}}"},
        {"error-burst", "{\"probability\": 0.5, \"target\": {\"method\": \"POST\"}}"},
        {"circuit-breaker", "{\"target\": {\"component\": \"postgres\"}}"},
        {"429-rate-limit", "{\"target\": {\"tags\": [\"canary\"]}}"},
        {"connection-pool-exhaustion", NULL},
    };
    for (size_t i = 0; i < sizeof enable / sizeof enable[0]; i++) {
        fuzz_require(enable[i][0], syslab_registry_enable(registry, enable[i][0], enable[i][1], 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (registry == NULL) setup();
    char *request = fuzz_string(data, size);
    char *out = NULL;
    FUZZ_OWNED("syslab_registry_decide_json", syslab_registry_decide_json(registry, request, &out), out);
    free(request);
    return 0;
}
