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
