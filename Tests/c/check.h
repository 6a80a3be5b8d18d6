/* A tiny assertion helper for the C tests: failures print where and why,
 * and the test exits non-zero. */
#ifndef SYSLAB_TEST_CHECK_H
#define SYSLAB_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        check_count++;                                                                     \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_STATUS(call, expected)                                                       \
    do {                                                                                   \
        int status_ = (call);                                                              \
        check_count++;                                                                     \
        if (status_ != (expected)) {                                                       \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d (last error: %s)\n",       \
                    __FILE__, __LINE__, #call, status_, (int)(expected), syslab_last_error()); \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                                   \
    do {                                                                                   \
        check_count++;                                                                     \
        const char *h_ = (haystack);                                                       \
        if (h_ == NULL || strstr(h_, (needle)) == NULL) {                                  \
            fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__,     \
                    h_ ? h_ : "(null)", (needle));                                         \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

static int check_report(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
