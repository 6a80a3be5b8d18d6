/* syslab_queue_run: a queueing-station model as JSON. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *model = fuzz_string(data, size);
    char *out = NULL;
    FUZZ_OWNED("syslab_queue_run", syslab_queue_run(model, &out), out);
    free(model);
    return 0;
}
