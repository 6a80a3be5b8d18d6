/* syslab_trace_generate: the request JSON (template or topology, variant,
 * seed, max_spans), with a registry whose scenarios shape the spans; the
 * first byte picks the output format. */
#include "fuzz_common.h"

static const char *const formats[] = {"trace-json", "otlp-json", "zipkin-json", "waterfall", "analysis-json"};
static syslab_registry *registry;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (registry == NULL) {
        fuzz_require("new", syslab_registry_new_with_options(&registry, "{\"seed\": 2}"));
        fuzz_require("enable", syslab_registry_enable(registry, "fixed-latency", "{\"delay_ms\": 30}", 0));
        fuzz_require("enable", syslab_registry_enable(registry, "error-burst", "{\"probability\": 0.3}", 0));
    }
    if (size == 0) return 0;
    size_t pick = data[0] % (sizeof formats / sizeof formats[0]);
    char *request = fuzz_string(data + 1, size - 1);
    char *out = NULL;
    FUZZ_OWNED(formats[pick], syslab_trace_generate(NULL, (data[0] & 0x80) ? registry : NULL, request, formats[pick], NULL, &out), out);
    free(request);
    return 0;
}
