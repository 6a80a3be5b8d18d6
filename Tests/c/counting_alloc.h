/* Counts every malloc-family call in the process by interposing the
 * allocator (glibc's __libc_* functions do the work). Included by the C
 * decision test and the decision benchmark to prove the hot path does not
 * allocate. Define _GNU_SOURCE before including. */
#ifndef SYSLAB_COUNTING_ALLOC_H
#define SYSLAB_COUNTING_ALLOC_H

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

static atomic_long allocations;

/* Sanitizers replace the allocator themselves; interposing it again would
 * hand their blocks to glibc. Under one, nothing is counted and
 * SYSLAB_COUNTING_ALLOC is 0, so tests skip what needs the count. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SYSLAB_COUNTING_ALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SYSLAB_COUNTING_ALLOC 0
#endif
#endif

#ifndef SYSLAB_COUNTING_ALLOC
#define SYSLAB_COUNTING_ALLOC 1

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

void *malloc(size_t n) { atomic_fetch_add(&allocations, 1); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { atomic_fetch_add(&allocations, 1); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { atomic_fetch_add(&allocations, 1); return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *aligned_alloc(size_t alignment, size_t n) { atomic_fetch_add(&allocations, 1); return __libc_memalign(alignment, n); }
void *memalign(size_t alignment, size_t n) { atomic_fetch_add(&allocations, 1); return __libc_memalign(alignment, n); }
int posix_memalign(void **out, size_t alignment, size_t n) {
    atomic_fetch_add(&allocations, 1);
    void *p = __libc_memalign(alignment, n);
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}
#endif

#endif
