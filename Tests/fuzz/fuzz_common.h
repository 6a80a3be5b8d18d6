/* Shared helpers for the libFuzzer harnesses over the C ABI.
 *
 * Each harness defines LLVMFuzzerTestOneInput. It is linked either with
 * libFuzzer (make fuzz, coverage-guided, sanitized library) or with
 * replay_main.c (make test: every corpus file and regression input runs once
 * against the release library). A harness asserts the ABI contract that holds
 * for every input: a status is SYSLAB_OK or one of the documented negative
 * codes, an error leaves a non-empty last error, and an owned output is
 * present exactly when the call succeeded. */
#ifndef SYSLAB_FUZZ_COMMON_H
#define SYSLAB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslab.h>

/* The input as a NUL-terminated string (inputs may hold NULs: C callers
 * cannot pass those, so the string ends at the first one). */
static inline char *fuzz_string(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (s == NULL) abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Splits the input at the first byte `sep` into two strings; without one,
 * the second is empty. */
static inline void fuzz_split(const uint8_t *data, size_t size, uint8_t sep, char **first, char **second) {
    size_t i = 0;
    while (i < size && data[i] != sep) i++;
    *first = fuzz_string(data, i);
    *second = i < size ? fuzz_string(data + i + 1, size - i - 1) : fuzz_string(data, 0);
}

/* A JSON object text with `member` ("key": value) added as its last member,
 * which wins over one of the same name (the parser keeps the last). Text that
 * does not end in '}' is copied unchanged. The work-bounded harnesses use it
 * to cap how much a legitimate input may ask for (requests, customers), so
 * a slow but valid input is not mistaken for a hang. */
static inline char *fuzz_with_member(const char *json, const char *member) {
    size_t n = strlen(json);
    while (n > 0 && (json[n - 1] == ' ' || json[n - 1] == '\n' || json[n - 1] == '\t' || json[n - 1] == '\r')) n--;
    size_t extra = strlen(member) + 4;
    char *out = malloc(strlen(json) + extra + 1);
    if (out == NULL) abort();
    if (n == 0 || json[n - 1] != '}') {
        strcpy(out, json);
        return out;
    }
    size_t body = n - 1;
    while (body > 0 && (json[body - 1] == ' ' || json[body - 1] == '\n' || json[body - 1] == '\t' || json[body - 1] == '\r')) body--;
    int empty = body > 0 && json[body - 1] == '{';
    memcpy(out, json, n - 1);
    sprintf(out + n - 1, "%s%s}", empty ? "" : ", ", member);
    return out;
}

static inline void fuzz_fail(const char *what, int status) {
    fprintf(stderr, "ABI contract broken: %s returned %d, last error '%s'\n", what, status, syslab_last_error());
    abort();
}

/* Checks a status against the contract. Returns 1 on success. */
static inline int fuzz_status(const char *what, int status) {
    if (status == SYSLAB_OK) return 1;
    const char *message = syslab_last_error();
    if (status > 0 || message == NULL || message[0] == '\0') fuzz_fail(what, status);
    const char *text = syslab_strerror(status);
    if (text == NULL || text[0] == '\0') fuzz_fail(what, status);
    return 0;
}

/* Set-up that must succeed (a harness's fixed registry and scenarios). */
static inline void fuzz_require(const char *what, int status) {
    if (status != SYSLAB_OK) {
        fprintf(stderr, "fuzz set-up failed: %s returned %d: %s\n", what, status, syslab_last_error());
        abort();
    }
}

/* Checks a call that hands out an owned string, then frees it. The call runs
 * before `out` is read (function arguments have no evaluation order). */
#define FUZZ_OWNED(what, call, out) \
    do {                            \
        int status_ = (call);       \
        fuzz_owned_checked((what), status_, (out)); \
    } while (0)

static inline int fuzz_owned_checked(const char *what, int status, char *out) {
    int ok = fuzz_status(what, status);
    if (ok && out == NULL) fuzz_fail(what, status);
    if (!ok && out != NULL) fuzz_fail(what, status);
    syslab_string_free(out);
    return ok;
}

#endif
