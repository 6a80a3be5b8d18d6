/* syslab_trace_render: a trace in the trace-json form, written in the format
 * the first byte picks (every exporter, view and analysis). */
#include "fuzz_common.h"

static const char *const formats[] = {"trace-json", "otlp-json", "jaeger-json", "zipkin-json", "waterfall",
                                      "svg", "spans-table", "analysis-json", "analysis-text"};
static const char *const options[] = {NULL, "{\"pretty\": true}", NULL, NULL, "{\"width\": 40, \"ascii\": true}",
                                      "{\"pixel_width\": 400}", NULL, NULL, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    size_t pick = data[0] % (sizeof formats / sizeof formats[0]);
    char *trace = fuzz_string(data + 1, size - 1);
    char *out = NULL;
    FUZZ_OWNED(formats[pick], syslab_trace_render(trace, formats[pick], options[pick], &out), out);
    free(trace);
    return 0;
}
