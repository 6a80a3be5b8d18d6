/* syslab_loadtest_run: a load test as JSON, then every reader of the report.
 * Each run is capped at 20,000 requests (options.max_requests, the
 * documented bound): a valid test of 72 million requests is slow, not hung. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *input = fuzz_string(data, size);
    char *test = fuzz_with_member(input, "\"options\": {\"max_requests\": 20000}");
    free(input);
    syslab_report *report = (syslab_report *)1;
    int status = syslab_loadtest_run(&report, NULL, test);
    if (fuzz_status("syslab_loadtest_run", status)) {
        char *out = NULL;
        FUZZ_OWNED("syslab_report_json", syslab_report_json(report, &out), out);
        out = NULL;
        FUZZ_OWNED("syslab_report_summary", syslab_report_summary(report, &out), out);
        out = NULL;
        FUZZ_OWNED("syslab_report_series_csv", syslab_report_series_csv(report, &out), out);
        out = NULL;
        FUZZ_OWNED("syslab_report_traces_json", syslab_report_traces_json(report, &out), out);
        out = NULL;
        FUZZ_OWNED("syslab_report_html", syslab_report_html(report, &out), out);
        int passed = -1;
        fuzz_status("syslab_report_passed", syslab_report_passed(report, &passed));
        if (passed != 0 && passed != 1) fuzz_fail("passed is not 0 or 1", status);
        double seconds = 0;
        fuzz_status("syslab_report_percentile", syslab_report_percentile(report, 99, 1, &seconds));
        syslab_report_free(report);
    } else if (report != NULL) {
        fuzz_fail("loadtest_run failed but left *out set", status);
    }
    free(test);
    return 0;
}
