/* The HTML pages through the C ABI: syslab_report_html on a load test whose
 * names try to break out of the page, the trace page as a render format,
 * and NULL arguments. */
#include <syslab.h>

#include "check.h"

static const char *TEST_JSON =
    "{\"system\": {\"topology\": {\"name\": \"<script>alert('x')</script>\","
    "                             \"nodes\": [{\"id\": \"api\", \"kind\": \"backend\", \"label\": \"\\\"><img src=x>\"},"
    "                                         {\"id\": \"db\", \"kind\": \"postgres\"}],"
    "                             \"edges\": [{\"from\": \"api\", \"to\": \"db\"}]}},"
    " \"workload\": {\"executor\": \"constant-arrival-rate\", \"rate\": 50, \"duration\": \"12s\"},"
    " \"scenarios\": [{\"name\": \"error-burst\", \"at\": \"4s\", \"duration\": \"4s\","
    "                \"params\": {\"target\": {\"tags\": [\"db\"]}}}],"
    " \"options\": {\"seed\": 3, \"traces\": {\"head\": 0.05, \"errors\": true, \"max\": 5}}}";

static int occurrences(const char *haystack, const char *needle) {
    int n = 0;
    for (const char *at = strstr(haystack, needle); at; at = strstr(at + 1, needle)) n++;
    return n;
}

static void test_report_page(void) {
    syslab_report *report = NULL;
    CHECK_STATUS(syslab_loadtest_run(&report, NULL, TEST_JSON), SYSLAB_OK);

    char *html = NULL;
    CHECK_STATUS(syslab_report_html(report, &html), SYSLAB_OK);
    CHECK(html != NULL && strncmp(html, "<!DOCTYPE html>", 15) == 0);
    CHECK_CONTAINS(html, "id=\"phases-table\"");
    CHECK_CONTAINS(html, "id=\"diagnosis\"");
    CHECK_CONTAINS(html, "data-node=\"db\" data-kind=\"postgres\" data-injected=\"true\"");
    CHECK_CONTAINS(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "<img") == NULL);

    /* One latency point per row of the time series, for each percentile. */
    char *csv = NULL;
    CHECK_STATUS(syslab_report_series_csv(report, &csv), SYSLAB_OK);
    int rows = occurrences(csv, "\n") - 1;
    CHECK(rows >= 12);
    CHECK(occurrences(html, "class=\"pt\" data-series=\"p50\"") == rows);
    CHECK(occurrences(html, "class=\"pt\" data-series=\"p99\"") == rows);
    syslab_string_free(csv);
    syslab_string_free(html);

    html = (char *)"untouched";
    CHECK_STATUS(syslab_report_html(NULL, &html), SYSLAB_EINVAL);
    CHECK(html == NULL);
    CHECK_CONTAINS(syslab_last_error(), "syslab_report_html: report is NULL");
    CHECK_STATUS(syslab_report_html(report, NULL), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "out_html is NULL");
    syslab_report_free(report);
}

static void test_trace_page(void) {
    char *html = NULL;
    CHECK_STATUS(syslab_trace_generate(NULL, NULL, "{\"template\": \"simple\", \"variant\": \"error\", \"seed\": 42}", "html", NULL, &html),
                 SYSLAB_OK);
    CHECK(html != NULL && strncmp(html, "<!DOCTYPE html>", 15) == 0);
    CHECK_CONTAINS(html, "id=\"waterfall\"");
    CHECK_CONTAINS(html, "id=\"spans-table\"");
    CHECK_CONTAINS(html, "id=\"analysis\"");
    CHECK_CONTAINS(html, "data-failing=\"true\"");
    syslab_string_free(html);
}

int main(void) {
    test_report_page();
    test_trace_page();
    return check_report("test_report_html");
}
