/* syslab_registry_load_lua_string: Lua source run on a host's behalf (the
 * sandboxed state of a registry), then decisions that call any scenario it
 * defined and enabled. The host must survive whatever the script does. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *code = fuzz_string(data, size);
    syslab_registry *r = NULL;
    fuzz_require("new", syslab_registry_new_with_options(&r, "{\"manual_clock\": true, \"seed\": 1}"));
    if (fuzz_status("syslab_registry_load_lua_string", syslab_registry_load_lua_string(r, code, "fuzz"))) {
        for (int i = 0; i < 3; i++) {
            char *out = NULL;
            FUZZ_OWNED("syslab_registry_decide_json", syslab_registry_decide_json(r, "{\"route\": \"/checkout\", \"method\": \"POST\"}", &out), out);
            syslab_effect effects[SYSLAB_DECIDE_CAPACITY];
            size_t count = 0;
            fuzz_status("syslab_registry_decide", syslab_registry_decide(r, NULL, effects, SYSLAB_DECIDE_CAPACITY, &count));
        }
        char *out = NULL;
        FUZZ_OWNED("syslab_registry_catalogue_json", syslab_registry_catalogue_json(r, &out), out);
    }
    syslab_registry_free(r);
    free(code);
    return 0;
}
