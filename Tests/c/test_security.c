/* Security probes through the C ABI: a probe effect is handed out, the host
 * reports the status it answered, and the outcome is counted; misuse gives
 * a status and a message, never a crash. */
#include <syslab.h>

#include "check.h"

static void test_probe_and_response(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true, \"seed\": 3}"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "auth-bypass", "{\"probability\": 1}", 0), SYSLAB_OK);
    syslab_request req = {"/api/orders", "GET", "backend", NULL, 0};
    syslab_effect out[4];
    size_t n = 0;
    CHECK_STATUS(syslab_registry_decide(r, &req, out, 4, &n), SYSLAB_OK);
    CHECK(n == 1 && out[0].kind == SYSLAB_EFFECT_STRIP_CREDENTIALS && strcmp(out[0].scenario, "auth-bypass") == 0);
    CHECK(strcmp(syslab_effect_kind_name(SYSLAB_EFFECT_STRIP_CREDENTIALS), "strip_credentials") == 0);

    /* The host's authentication refused the anonymous request twice and served it once. */
    CHECK_STATUS(syslab_registry_record_response(r, "auth-bypass", 401), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_record_response(r, "auth-bypass", 403), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_record_response(r, "auth-bypass", 200), SYSLAB_OK);
    char *text = NULL;
    CHECK_STATUS(syslab_registry_metrics_text(r, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "security_probes_total{scenario=\"auth-bypass\"} 1\n");
    CHECK_CONTAINS(text, "security_probe_responses_total{scenario=\"auth-bypass\",outcome=\"refused\"} 2\n");
    CHECK_CONTAINS(text, "security_probe_responses_total{scenario=\"auth-bypass\",outcome=\"served\"} 1\n");
    syslab_string_free(text);

    CHECK_STATUS(syslab_registry_record_response(NULL, "auth-bypass", 403), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_record_response(r, NULL, 403), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_record_response(r, "auth-bypass", 99), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_registry_record_response(r, "auth-bypass", 600), SYSLAB_ERANGE);
    CHECK_STATUS(syslab_registry_record_response(r, "no-such-scenario", 403), SYSLAB_ENOTFOUND);
    CHECK_CONTAINS(syslab_last_error(), "no-such-scenario");
    CHECK_STATUS(syslab_registry_record_response(r, "fixed-latency", 403), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_record_response(r, "auth-\xff", 403), SYSLAB_EUTF8);
    syslab_registry_free(r);
}

static void test_canary_effect(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true}"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "pii-leak", "{\"probability\": 1}", 0), SYSLAB_OK);
    syslab_effect out[4];
    size_t n = 0;
    CHECK_STATUS(syslab_registry_decide(r, NULL, out, 4, &n), SYSLAB_OK);
    CHECK(n == 1 && out[0].kind == SYSLAB_EFFECT_LOG_CANARY && out[0].amount >= 1 && out[0].amount <= 999999);
    syslab_registry_free(r);
}

int main(void) {
    test_probe_and_response();
    test_canary_effect();
    return check_report("test_security");
}
