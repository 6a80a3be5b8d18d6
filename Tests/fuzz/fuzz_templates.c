/* The custom template store: create, update or import (first byte picks)
 * a template JSON into a scratch directory, then list, get, export and
 * delete what is there. */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <dirent.h>
#include <unistd.h>

static syslab_templates *store;
static char directory[] = "/tmp/syslab-fuzz-templates-XXXXXX";

static void empty_directory(void) {
    DIR *d = opendir(directory);
    if (d == NULL) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", directory, e->d_name);
        unlink(path);
    }
    closedir(d);
}

static void cleanup(void) {
    syslab_templates_free(store);
    empty_directory();
    rmdir(directory);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (store == NULL) {
        if (mkdtemp(directory) == NULL) abort();
        fuzz_require("syslab_templates_open", syslab_templates_open(&store, directory));
        atexit(cleanup);
    }
    if (size == 0) return 0;
    char *json = fuzz_string(data + 1, size - 1);
    int status;
    switch (data[0] % 4) {
    case 0: status = syslab_templates_create(store, json); break;
    case 1: status = syslab_templates_update(store, json); break;
    case 2: status = syslab_templates_import(store, json, 0); break;
    default: status = syslab_templates_import(store, json, 1); break;
    }
    fuzz_status("store write", status);
    char *list = NULL;
    FUZZ_OWNED("syslab_templates_list_json", syslab_templates_list_json(store, &list), list);
    /* Read back every custom template by trying the ids the write may have used. */
    const char *ids[] = {"custom", "my-template", "x", "a"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char *out = NULL;
        FUZZ_OWNED("syslab_templates_get_json", syslab_templates_get_json(store, ids[i], &out), out);
        out = NULL;
        FUZZ_OWNED("syslab_templates_export", syslab_templates_export(store, ids[i], &out), out);
        fuzz_status("syslab_templates_delete", syslab_templates_delete(store, ids[i]));
    }
    empty_directory();
    free(json);
    return 0;
}
