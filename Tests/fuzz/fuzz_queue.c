/* syslab_queue_run: a queueing-station model as JSON, capped at 20,000
 * customers (a valid model of millions is slow, not hung). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *input = fuzz_string(data, size);
    char *model = fuzz_with_member(input, "\"customers\": 20000");
    free(input);
    char *out = NULL;
    FUZZ_OWNED("syslab_queue_run", syslab_queue_run(model, &out), out);
    free(model);
    return 0;
}
