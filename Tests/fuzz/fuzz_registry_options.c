/* syslab_registry_new_with_options: the options JSON, then the calls a new
 * registry answers (status, clock moves, metrics). Options naming a Redis
 * URL are skipped: opening one connects over the network (name lookups
 * included), which is not what a fuzzer should wait on; the store options
 * are validated up to the URL here, and the store has its own tests. */
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *options = fuzz_string(data, size);
    if (strstr(options, "redis:") != NULL) {
        free(options);
        return 0;
    }
    syslab_registry *r = (syslab_registry *)1;
    int status = syslab_registry_new_with_options(&r, options);
    if (fuzz_status("syslab_registry_new_with_options", status)) {
        if (r == NULL) fuzz_fail("new_with_options gave NULL", status);
        char *out = NULL;
        FUZZ_OWNED("syslab_registry_status_json", syslab_registry_status_json(r, &out), out);
        /* Clock moves, legal or not, on manual and system clocks alike. */
        const double steps[] = {1, 1e308, 1e308, -1, 0};
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            fuzz_status("syslab_registry_advance_clock", syslab_registry_advance_clock(r, steps[i]));
        }
        out = NULL;
        FUZZ_OWNED("syslab_registry_status_json", syslab_registry_status_json(r, &out), out);
        out = NULL;
        FUZZ_OWNED("syslab_registry_metrics_text", syslab_registry_metrics_text(r, &out), out);
        syslab_registry_free(r);
    } else if (r != NULL) {
        fuzz_fail("new_with_options failed but left *out set", status);
    }
    free(options);
    return 0;
}
