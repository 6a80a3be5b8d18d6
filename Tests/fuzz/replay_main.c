/* Runs a fuzz harness once over each file named on the command line (a
 * directory means each file in it), without libFuzzer: make test replays the
 * seed corpora and regression inputs this way against the release library. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replayed = 0;

static void replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    size_t capacity = 1 << 16, size = 0;
    uint8_t *data = malloc(capacity);
    size_t n;
    while (data != NULL && (n = fread(data + size, 1, capacity - size, f)) > 0) {
        size += n;
        if (size == capacity) data = realloc(data, capacity *= 2);
    }
    fclose(f);
    if (data == NULL) {
        fprintf(stderr, "out of memory reading %s\n", path);
        exit(2);
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    replayed++;
}

static void replay_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(path);
        return;
    }
    struct dirent **entries;
    int count = scandir(path, &entries, NULL, alphasort); /* sorted: the same order every run */
    if (count < 0) {
        perror(path);
        exit(2);
    }
    for (int i = 0; i < count; i++) {
        if (entries[i]->d_name[0] != '.') {
            char child[4096];
            snprintf(child, sizeof child, "%s/%s", path, entries[i]->d_name);
            replay_path(child);
        }
        free(entries[i]);
    }
    free(entries);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) replay_path(argv[i]);
    printf("%s: %d inputs replayed, no crash\n", argc > 0 ? argv[0] : "replay", replayed);
    return 0;
}
