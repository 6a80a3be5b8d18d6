/* syslab_trace_render: a trace in the trace-json form, written in the format
 * the first byte picks (every exporter, view and analysis). An input that
 * starts with '{' is a bare trace, rendered in every format: the regression
 * inputs are kept that way. */
#include "fuzz_common.h"

static const char *const formats[] = {"trace-json", "otlp-json", "jaeger-json", "zipkin-json", "waterfall",
                                      "svg", "spans-table", "analysis-json", "analysis-text", "html"};
static const char *const options[] = {NULL, "{\"pretty\": true}", NULL, NULL, "{\"width\": 40, \"ascii\": true}",
                                      "{\"pixel_width\": 400}", NULL, NULL, NULL, NULL};

static void render(const char *trace, size_t pick) {
    char *out = NULL;
    FUZZ_OWNED(formats[pick], syslab_trace_render(trace, formats[pick], options[pick], &out), out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const size_t count = sizeof formats / sizeof formats[0];
    if (data[0] == '{') {
        char *trace = fuzz_string(data, size);
        for (size_t pick = 0; pick < count; pick++) render(trace, pick);
        free(trace);
        return 0;
    }
    char *trace = fuzz_string(data + 1, size - 1);
    render(trace, data[0] % count);
    free(trace);
    return 0;
}
