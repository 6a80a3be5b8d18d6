/* syslab_topology_validate: a topology as JSON. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *topology = fuzz_string(data, size);
    char *out = NULL;
    FUZZ_OWNED("syslab_topology_validate", syslab_topology_validate(topology, &out), out);
    free(topology);
    return 0;
}
