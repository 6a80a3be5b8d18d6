/*
 * syslab.h — the public C interface of libsyslab.
 *
 * libsyslab is a systems-design lab: named failure scenarios (latency, error
 * bursts, retry storms, pool exhaustion, ...), a registry that enables them,
 * and per-request decisions a real service applies; plus topologies, traces
 * and a discrete-event simulator (see the sections below).
 *
 * Conventions (the whole header follows them):
 *   - Every fallible function returns int: SYSLAB_OK (0) or a negative
 *     SYSLAB_E* code. After an error, syslab_last_error() describes it.
 *   - Out-parameters come first. On error they are set to NULL/0 where the
 *     function documents so, and never to a dangling value.
 *   - Strings are NUL-terminated UTF-8. Invalid UTF-8 input gives SYSLAB_EUTF8.
 *   - "Owned" returned strings are freed with syslab_string_free(), never free().
 *     "Borrowed" strings belong to the library; do not free them.
 *   - Complex configuration crosses as JSON text, nested at most 512 deep,
 *     at most 16 MiB per document (topology, template, trace, test) and 64 KiB
 *     per request, parameters or options; past a limit, SYSLAB_EJSON or
 *     SYSLAB_ELIMIT with a message naming it (docs/limits.md).
 *   - *_free functions accept NULL.
 *   - A registry handle may be used from many threads at once unless a
 *     function says otherwise; freeing it while other calls run on it is not
 *     allowed.
 */
#ifndef SYSLAB_H
#define SYSLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                   */
/* ------------------------------------------------------------------------ */

#define SYSLAB_VERSION_MAJOR 0
#define SYSLAB_VERSION_MINOR 1
#define SYSLAB_VERSION_PATCH 0
#define SYSLAB_VERSION "0.1.0"
/* major * 10000 + minor * 100 + patch */
#define SYSLAB_VERSION_NUMBER 100

/* The library's version string, e.g. "0.1.0". Borrowed, static; never NULL. Thread-safe. */
const char *syslab_version(void);

/* The library's version as SYSLAB_VERSION_NUMBER encodes it. Thread-safe. */
int syslab_version_number(void);

/* ------------------------------------------------------------------------ */
/* Status codes and errors                                                  */
/* ------------------------------------------------------------------------ */

/* Values are stable; new codes are only ever appended. */
typedef enum syslab_status {
    SYSLAB_OK = 0,
    SYSLAB_EINVAL = -1,     /* invalid argument (NULL handle or string, bad option) */
    SYSLAB_EJSON = -2,      /* malformed JSON */
    SYSLAB_EUTF8 = -3,      /* a string is not valid UTF-8 */
    SYSLAB_ENOTFOUND = -4,  /* unknown scenario, template, ... */
    SYSLAB_ERANGE = -5,     /* a value is outside its allowed range */
    SYSLAB_ETYPE = -6,      /* a value has the wrong type */
    SYSLAB_EEXISTS = -7,    /* the name is already taken */
    SYSLAB_ESCRIPT = -8,    /* a Lua script failed (message carries Lua's) */
    SYSLAB_EIO = -9,        /* a file could not be read or written */
    SYSLAB_ECORRUPT = -10,  /* stored data is corrupt */
    SYSLAB_ELIMIT = -11,    /* a safety limit (memory, instructions, size) was hit */
    SYSLAB_ENOMEM = -12,    /* out of memory */
    SYSLAB_EINTERNAL = -13, /* a bug in libsyslab; please report it */
    SYSLAB_ECONFLICT = -14  /* a version check failed: someone else wrote first */
} syslab_status;

/*
 * A description of the last error raised on the calling thread, naming the
 * problem (e.g. "parameter 'delay_ms' of scenario 'fixed-latency' must be in
 * [0, 60000] ms, got 70000"). Borrowed: valid until the next failing call on
 * this thread. Never NULL ("" before any error). Thread-local, so thread-safe.
 */
const char *syslab_last_error(void);

/* Static text for a status code ("unknown status code" for unknown values).
 * Borrowed, static; never NULL. Thread-safe. */
const char *syslab_strerror(int status);

/* Frees a string the library returned as owned. NULL-safe. Thread-safe. */
void syslab_string_free(char *s);

/* ------------------------------------------------------------------------ */
/* Scenario registry                                                         */
/* ------------------------------------------------------------------------ */

/* A catalogue of scenarios and the set currently enabled. Opaque. */
typedef struct syslab_registry syslab_registry;

/*
 * Creates a registry holding every built-in scenario, with the system clock.
 * On success *out is a new handle to release with syslab_registry_free; on
 * error *out is NULL. out NULL: SYSLAB_EINVAL. Thread-safe.
 */
int syslab_registry_new(syslab_registry **out);

/*
 * Like syslab_registry_new, with options as a JSON object (NULL = defaults):
 *   "seed": non-negative integer seeding per-request random draws (default fixed)
 *   "manual_clock": true (or a start time in Unix seconds) for a clock that only
 *                   moves through syslab_registry_advance_clock — for tests.
 * and, to share the enabled set through Redis (docs/fleet.md):
 *   "store": "redis://[[user]:password@]host[:port][/db]"
 *   "workspace": name, [A-Za-z0-9_.-]{1,64} (default "default")
 *   "on_store_down": "fail" (default: SYSLAB_EIO naming the URL) or "start_empty"
 *                    (open anyway, empty, and keep reconnecting)
 *   "resync_seconds": 0.05 to 3600 (default 1), "instance": name in fleet metrics,
 *   "joins_fleet": false to publish no fleet metrics (default true).
 * With a store, enable/disable/reset return SYSLAB_EIO ("store unavailable:
 * ...") while Redis is out of reach, and are never applied then; decisions
 * never wait on Redis. syslab_registry_free closes the store.
 * Errors: SYSLAB_EINVAL (out NULL, unknown option, bad URL or workspace name),
 * SYSLAB_EJSON, SYSLAB_EUTF8, SYSLAB_ERANGE, SYSLAB_ETYPE, SYSLAB_EIO (store
 * unreachable). Thread-safe.
 */
int syslab_registry_new_with_options(syslab_registry **out, const char *options_json);

/* Releases a registry and closes any Lua states loaded into it, and its store
 * connection (if any). NULL-safe. Must not race with other calls on the same
 * handle. */
void syslab_registry_free(syslab_registry *r);

/*
 * The catalogue as JSON: {"version":1,"scenarios":[{name, category, summary,
 * notes, parameters, metrics, applicability, effects, origin}, ...]}.
 * *out_json is owned (free with syslab_string_free). r or out_json NULL:
 * SYSLAB_EINVAL. Thread-safe.
 */
int syslab_registry_catalogue_json(syslab_registry *r, char **out_json);

/*
 * Enables scenario `name` with parameters `params_json` (a JSON object; NULL
 * means all defaults) for `ttl_seconds` (<= 0 means no expiry). Enabling an
 * enabled scenario replaces its parameters and expiry. The reserved member
 * "target" narrows where it applies: {"route": "/api/orders" (ending in an asterisk: prefix match), "method": "GET",
 * "component": "postgres", "tags": [...], "probability": 0.5}.
 * Errors: SYSLAB_EINVAL (NULL r/name, unknown parameter), SYSLAB_ENOTFOUND
 * (unknown scenario), SYSLAB_EJSON, SYSLAB_EUTF8, SYSLAB_ERANGE (value outside
 * its limits; the message names the parameter and the allowed range),
 * SYSLAB_ETYPE (wrong JSON type), SYSLAB_EIO (store unavailable). Thread-safe.
 */
int syslab_registry_enable(syslab_registry *r, const char *name, const char *params_json, double ttl_seconds);

/* Disables scenario `name` (not an error if it was not enabled).
 * Errors: SYSLAB_EINVAL (NULL), SYSLAB_EUTF8, SYSLAB_ENOTFOUND (unknown name),
 * SYSLAB_EIO (store unavailable). Thread-safe. */
int syslab_registry_disable(syslab_registry *r, const char *name);

/* Reports the HTTP `status` the host answered to a request that carried a
 * security probe (strip_credentials, injection_probe, csrf_probe,
 * foreign_object_probe) of `scenario`; it is counted in
 * security_probe_responses_total{scenario,outcome} as refused (4xx), served
 * (2xx/3xx) or failed (5xx). Nothing is recorded when the scenario is no
 * longer enabled. Errors: SYSLAB_EINVAL (NULL, or a scenario without probes),
 * SYSLAB_EUTF8, SYSLAB_ENOTFOUND (unknown name), SYSLAB_ERANGE (status outside
 * 100-599). Thread-safe; not for the decision hot path (it takes a lock). */
int syslab_registry_record_response(syslab_registry *r, const char *scenario, int status);

/* Disables every scenario. Errors: SYSLAB_EINVAL (r NULL), SYSLAB_EIO (store
 * unavailable). Thread-safe. */
int syslab_registry_reset(syslab_registry *r);

/*
 * The enabled, unexpired scenarios as JSON: {"now": t, "enabled": [{name,
 * category, params, target, enabled_at, expires_at (null = never),
 * remaining_seconds, origin}]}, plus, with a store, "store": {kind, url
 * (password as ***), workspace, instance, connected, last_sync_at, unapplied:
 * [{name, reason}]}. Times are Unix seconds. *out_json is owned.
 * NULL r/out_json: SYSLAB_EINVAL. Thread-safe.
 */
int syslab_registry_status_json(syslab_registry *r, char **out_json);

/* Moves a manual clock forward by `seconds` (finite, >= 0). SYSLAB_EINVAL if
 * the registry was not created with "manual_clock"; SYSLAB_ERANGE (the clock
 * stays put) for a step that is negative, not finite or would carry the clock
 * past 9999-12-31T23:59:59Z. Thread-safe. */
int syslab_registry_advance_clock(syslab_registry *r, double seconds);

/*
 * Decides which effects apply to one request, given as JSON
 * {"route": "/x", "method": "GET", "component": "backend", "tags": [...]}
 * (NULL = an empty request). *out_json (owned) is a JSON array of
 * {"scenario", "kind", "seconds", "status", "amount"}. Allocates; services on
 * a hot path use the fixed-layout decision API instead. Thread-safe.
 */
int syslab_registry_decide_json(syslab_registry *r, const char *request_json, char **out_json);

/*
 * Runs the Lua file at `path` with the global `registry` bound to r. Scenarios
 * it defines with registry:define{...} join r and are listed, enabled and
 * decided like built-ins. The Lua state stays open until syslab_registry_free;
 * calls into it from several threads are serialised. Limits: 256 MiB of Lua
 * memory, 2e9 instructions per load, 5e7 per apply call.
 * Errors: SYSLAB_EINVAL, SYSLAB_EUTF8, SYSLAB_EIO (cannot read), SYSLAB_ESCRIPT
 * (syntax or runtime error; the message has Lua's message and a traceback).
 */
int syslab_registry_load_lua(syslab_registry *r, const char *path);

/* As syslab_registry_load_lua, for Lua source text; `chunk_name` (may be NULL)
 * names it in error messages. */
int syslab_registry_load_lua_string(syslab_registry *r, const char *code, const char *chunk_name);

/* ------------------------------------------------------------------------ */
/* Catalogue, metrics and decisions                                          */
/* ------------------------------------------------------------------------ */

/*
 * What a scenario asks to happen to one request. docs/effects.md says, for
 * each kind, how a host service applies it and how the simulator does.
 * Values are stable; new kinds are only ever appended.
 */
typedef enum syslab_effect_kind {
    SYSLAB_EFFECT_DELAY = 1,              /* wait `seconds`, then handle the request */
    SYSLAB_EFFECT_ERROR = 2,              /* fail with HTTP `status` */
    SYSLAB_EFFECT_THROTTLE = 3,           /* reject with `status` (429/503) and Retry-After `seconds` */
    SYSLAB_EFFECT_DROP = 4,               /* close the connection without a response after `seconds`; log `status` */
    SYSLAB_EFFECT_HANG = 5,               /* hold the request `seconds`, send nothing, then give up */
    SYSLAB_EFFECT_TIMEOUT = 6,            /* the caller times out after `seconds` */
    SYSLAB_EFFECT_TRUNCATE = 7,           /* send only the fraction `amount` (0..1) of the body */
    SYSLAB_EFFECT_BANDWIDTH = 8,          /* cap throughput at `amount` bytes per second */
    SYSLAB_EFFECT_EXTRA_QUERIES = 9,      /* issue `amount` extra backend queries of `seconds` each */
    SYSLAB_EFFECT_LOCK_WAIT = 10,         /* wait `seconds` to acquire a lock */
    SYSLAB_EFFECT_CAPACITY = 11,          /* reduce a pool/concurrency limit to the fraction `amount` */
    SYSLAB_EFFECT_CACHE_MISS = 12,        /* treat the cache lookup as a miss */
    SYSLAB_EFFECT_STALE_READ = 13,        /* serve data `seconds` old */
    SYSLAB_EFFECT_CLOCK_OFFSET = 14,      /* shift the clock by `seconds` (may be negative) */
    SYSLAB_EFFECT_CPU_BURN = 15,          /* burn CPU for `seconds` */
    SYSLAB_EFFECT_MEMORY_RETENTION = 16,  /* retain `amount` bytes */
    SYSLAB_EFFECT_DISK_FULL = 17,         /* fail writes with ENOSPC; answer `status` (507) */
    SYSLAB_EFFECT_RETRY = 18,             /* `amount` extra attempts; the caller waits `seconds` longer */
    SYSLAB_EFFECT_QUEUE_WAIT = 19,        /* wait `seconds` for a pooled resource */
    SYSLAB_EFFECT_FANOUT = 20,            /* trigger `amount` async tasks of `seconds` each */
    SYSLAB_EFFECT_LOST_WRITE = 21,        /* acknowledge the write but do not persist it */
    SYSLAB_EFFECT_REORDER = 22,           /* deliver after `amount` later events, held `seconds` */
    SYSLAB_EFFECT_INCONSISTENT_READ = 23, /* a repeated read sees `amount` phantom rows */
    SYSLAB_EFFECT_LOG_CANARY = 24,        /* write synthetic PII canary line `amount` to the log sink */
    SYSLAB_EFFECT_STRIP_CREDENTIALS = 25, /* present the request without credentials; report the status */
    SYSLAB_EFFECT_INJECTION_PROBE = 26,   /* add SQL-injection payload `amount`; report the status */
    SYSLAB_EFFECT_CSRF_PROBE = 27,        /* forge the request cross-site (variant `amount`); report the status */
    SYSLAB_EFFECT_FOREIGN_OBJECT_PROBE = 28 /* ask for another principal's object; report the status */
} syslab_effect_kind;

/* The snake_case name of an effect kind ("delay", "queue_wait", ...), or
 * "unknown". Borrowed, static; never NULL. Thread-safe. */
const char *syslab_effect_kind_name(int kind);

/*
 * One request, as a host service describes it to syslab_registry_decide.
 * Every string is NUL-terminated UTF-8 and only borrowed for the call; NULL
 * means "". `tags` points to `tag_count` strings (NULL when tag_count is 0).
 * Pass route templates ("/orders/{id}") rather than raw paths: decisions
 * reuse per-thread results for request shapes seen before, which is what
 * keeps them allocation-free.
 */
typedef struct syslab_request {
    const char *route;
    const char *method;
    const char *component;
    const char *const *tags;
    size_t tag_count;
} syslab_request;

/* One effect a decision hands out. Fields a kind does not use are 0. */
typedef struct syslab_effect {
    int kind;              /* a syslab_effect_kind */
    int status;            /* HTTP status (error, throttle, disk_full, drop), else 0 */
    double seconds;        /* durations, Retry-After, staleness, clock offset */
    double amount;         /* fraction, bytes, bytes per second, counts */
    const char *scenario;  /* the scenario's name; borrowed, valid until syslab_registry_free */
} syslab_effect;

/* A capacity that holds every effect of one decision with every built-in
 * scenario enabled at once (96 built-ins hand out up to 66 effects between them). */
#define SYSLAB_DECIDE_CAPACITY 256

/*
 * The per-request decision for host services (the hot path): runs every
 * enabled, unexpired scenario whose target matches `request` (NULL = an
 * empty request), draws per-request probabilities, writes up to `capacity`
 * effects to `out` and the number produced to *out_count, and counts them in
 * the metrics (simulator_injections_total and the scenarios' own metrics).
 * Allocates nothing once a request shape has been seen on the calling
 * thread. The request is read only when at least one scenario is enabled
 * (so an idle registry costs almost nothing, and reports bad strings only
 * once something is enabled). Effects are in enable order, a scenario's effects in the order it
 * emitted them; apply them in that order.
 * If more effects were produced than fit, the first `capacity` are written,
 * *out_count is the total, and the result is SYSLAB_ELIMIT (call again with a
 * larger buffer; the decision itself is not repeatable).
 * Errors: SYSLAB_EINVAL (NULL r or out_count; out NULL with capacity > 0; NULL
 * tag), SYSLAB_EUTF8, SYSLAB_ELIMIT (more than 64 tags or 65536 bytes of
 * strings; or the buffer was too small), SYSLAB_ESCRIPT (a Lua scenario
 * failed). Thread-safe: call it from as many threads as you like.
 */
int syslab_registry_decide(syslab_registry *r, const syslab_request *request,
                           syslab_effect *out, size_t capacity, size_t *out_count);

/*
 * *out = the address of a 64-bit word holding how many scenarios the
 * registry has enabled (an expired one counts until a decision or a status
 * call drops it). While it reads 0, syslab_registry_decide hands out nothing
 * and returns at once, so a host for which every call into C is costly
 * (Python's ctypes releases and retakes the GIL) may read the word and skip
 * the call. Read it with an atomic load (C11 atomic_load on an
 * _Atomic int64_t *, or __atomic_load_n). Valid until syslab_registry_free.
 * Errors: SYSLAB_EINVAL (NULL r or out). Thread-safe.
 */
int syslab_registry_active_word(syslab_registry *r, const int64_t **out);

/*
 * Every metric of the registry in the Prometheus text exposition format
 * 0.0.4 (serve it with Content-Type "text/plain; version=0.0.4"): the
 * framework metrics simulator_scenarios_enabled, simulator_scenarios_active_total,
 * simulator_injections_total{scenario,effect} and
 * simulator_effect_duration_seconds{scenario,effect}, plus each used
 * scenario's domain metrics (http_injected_latency_seconds,
 * circuit_breaker_state, ...). Expired scenarios are dropped first, so gauges
 * are current. *out_text is owned (free with syslab_string_free).
 * Errors: SYSLAB_EINVAL (NULL r or out_text). Thread-safe.
 */
int syslab_registry_metrics_text(syslab_registry *r, char **out_text);

/* ------------------------------------------------------------------------ */
/* Topologies and traces                                                    */
/* ------------------------------------------------------------------------ */

/*
 * The tracing lab: 40 component kinds, topologies (components joined by sync
 * calls and async messages, docs/topology.md), 43 built-in templates with
 * success/slow/error variants plus custom templates on disk, a deterministic
 * trace generator, exporters (OTLP JSON, Jaeger JSON, Zipkin v2 JSON), views
 * (text waterfall, SVG, spans table) and analysis (docs/traces.md).
 */

/* Custom templates stored in a directory, plus the read-only built-ins. Opaque. */
typedef struct syslab_templates syslab_templates;

/*
 * The component catalogue as JSON: {"version":1,"categories":[{"id","title",
 * "components":[{"id","name","category","span_kind","protocol","operation",
 * "attributes","latency_ms":{"healthy","slow","failing"},"failure","summary"}]}]}.
 * *out_json is owned (free with syslab_string_free). out_json NULL:
 * SYSLAB_EINVAL. Thread-safe.
 */
int syslab_components_json(char **out_json);

/*
 * Parses and validates a topology given as JSON. On success, if
 * out_normalized_json is not NULL, it receives the topology with every
 * default filled in (owned). Errors name the member at fault:
 * SYSLAB_ENOTFOUND (unknown component kind, dangling edge), SYSLAB_EEXISTS
 * (duplicate node or edge id), SYSLAB_EINVAL (cycle of sync calls, no single
 * entry, unreachable node, unknown member, NULL topology_json), SYSLAB_ERANGE,
 * SYSLAB_ETYPE, SYSLAB_EJSON, SYSLAB_EUTF8, SYSLAB_ELIMIT. Thread-safe.
 */
int syslab_topology_validate(const char *topology_json, char **out_normalized_json);

/*
 * Opens the template store in `directory` (created on the first write), or,
 * when directory is NULL, in $SYSLAB_HOME/templates, else
 * $XDG_DATA_HOME/syslab/templates, else ~/.local/share/syslab/templates.
 * On success *out is a handle to release with syslab_templates_free; on error
 * *out is NULL. Errors: SYSLAB_EINVAL (out NULL, no directory can be
 * determined), SYSLAB_EUTF8. Thread-safe.
 */
int syslab_templates_open(syslab_templates **out, const char *directory);

/* Releases a template store handle. NULL-safe. Must not race with other calls on it. */
void syslab_templates_free(syslab_templates *t);

/*
 * Every template as JSON: {"directory": path, "templates": [{"id", "name",
 * "description", "uses", "builtin", "variants": {"success"|"slow"|"error":
 * {"title", "story"}}}], "problems": [{"file", "message"}]}. Built-ins come
 * first. A corrupt custom file is listed under "problems" and the others
 * still load. *out_json is owned. Errors: SYSLAB_EINVAL, SYSLAB_EIO.
 * Thread-safe (all syslab_templates_* calls on one handle are serialised).
 */
int syslab_templates_list_json(syslab_templates *t, char **out_json);

/*
 * One template (built-in or custom) as JSON: {"id", "name", "description",
 * "uses", "topology", "variants", "builtin"}. *out_json is owned.
 * Errors: SYSLAB_EINVAL (NULL, bad id), SYSLAB_ENOTFOUND, SYSLAB_ECORRUPT
 * (its file is corrupt; the message names the file and the fault),
 * SYSLAB_EIO. Thread-safe.
 */
int syslab_templates_get_json(syslab_templates *t, const char *id, char **out_json);

/*
 * Adds a custom template from JSON (the form syslab_templates_get_json
 * returns; "variants" is optional: missing ones are derived). Written
 * atomically. Errors: SYSLAB_EEXISTS (id taken), SYSLAB_EINVAL (built-in id,
 * invalid template; the message names the member), SYSLAB_ENOTFOUND,
 * SYSLAB_ERANGE, SYSLAB_ETYPE, SYSLAB_EJSON, SYSLAB_EUTF8, SYSLAB_EIO.
 * Thread-safe.
 */
int syslab_templates_create(syslab_templates *t, const char *template_json);

/* Replaces an existing custom template (built-ins are read-only: SYSLAB_EINVAL;
 * unknown id: SYSLAB_ENOTFOUND). Other errors as syslab_templates_create. Thread-safe. */
int syslab_templates_update(syslab_templates *t, const char *template_json);

/* Deletes a custom template (even a corrupt one). Errors: SYSLAB_EINVAL (NULL,
 * built-in), SYSLAB_ENOTFOUND, SYSLAB_EIO. Thread-safe. */
int syslab_templates_delete(syslab_templates *t, const char *id);

/*
 * A template (built-in or custom) as indented JSON to share; importing it
 * elsewhere recreates it (a built-in must get a new "id" first).
 * *out_json is owned. Errors as syslab_templates_get_json. Thread-safe.
 */
int syslab_templates_export(syslab_templates *t, const char *id, char **out_json);

/* Stores exported template JSON as a custom template; with overwrite != 0 an
 * existing custom template with the same id is replaced (else SYSLAB_EEXISTS).
 * Errors as syslab_templates_create. Thread-safe. */
int syslab_templates_import(syslab_templates *t, const char *template_json, int overwrite);

/*
 * Generates one trace and writes it in `format`. request_json:
 *   {"template": "simple", "variant": "success"|"slow"|"error", "seed": 42}
 * or {"topology": {...}, "variant": "error" or {"nodes": {...}, "edges": {...}}},
 * with optional "start_time_unix_nano" (decimal string; default
 * 2025-01-01T00:00:00Z) and "max_spans" (default and limit 50000). The same
 * request and seed give the same bytes. `t` (may be NULL: built-ins only)
 * resolves custom template ids. `r` (may be NULL) is a registry whose active
 * scenarios shape the spans: each span asks it with route/method of the
 * topology, component = the node's kind and tags = [node id,
 * "template:<id>", "variant:<name>"] (delay adds latency; error, throttle,
 * timeout, hang and drop fail the span).
 * format (NULL = "trace-json"): "trace-json" (readable back by
 * syslab_trace_render), "otlp-json" (ExportTraceServiceRequest, OTLP/JSON
 * encoding), "jaeger-json" (Jaeger UI upload format), "zipkin-json" (Zipkin v2
 * span list), "waterfall" (text), "svg", "spans-table", "analysis-json",
 * "analysis-text", "html" (a self-contained page: service map, waterfall,
 * spans and analysis panels; no script, no network). options_json (may be NULL): {"width": 10-400, "color":
 * bool, "ascii": bool} for waterfall, {"pixel_width": 400-10000} for svg,
 * {"pretty": bool} for trace-json and analysis-json.
 * *out is owned. Errors: SYSLAB_EINVAL (NULL request or out, unknown format
 * or member), SYSLAB_ENOTFOUND (unknown template), SYSLAB_ECORRUPT,
 * SYSLAB_ERANGE, SYSLAB_ETYPE, SYSLAB_EJSON, SYSLAB_EUTF8, SYSLAB_ELIMIT
 * (more spans than max_spans). Thread-safe.
 */
int syslab_trace_generate(syslab_templates *t, syslab_registry *r, const char *request_json,
                          const char *format, const char *options_json, char **out);

/*
 * Writes a trace given in the "trace-json" form in another format (same
 * formats and options as syslab_trace_generate). *out is owned.
 * Errors: SYSLAB_EINVAL (NULL, malformed trace, a parent not in the trace, a
 * parent cycle, unknown format), SYSLAB_ELIMIT (more than 100000 spans),
 * SYSLAB_EJSON, SYSLAB_ETYPE, SYSLAB_ERANGE, SYSLAB_EUTF8. Thread-safe.
 */
int syslab_trace_render(const char *trace_json, const char *format, const char *options_json, char **out);

/* ------------------------------------------------------------------------ */
/* Simulation and load tests                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Simulates one queueing station in virtual time (A/S/c/K, FIFO) and returns
 * what it measured. model_json:
 *   {"lambda": 350, "mu": 100, "servers": 4, "capacity": 10 (optional, K counts
 *    those in service), "customers": 1000000, "seed": 1, "service": "exp"|"det"}
 * or "interarrival"/"service" as distributions ({"kind": "lognormal", "mean":
 * 0.01, "stddev": 0.02}, ...). *out_json (owned): {"n", "accepted", "blocked",
 * "blocking", "mean_wq", "mean_w", "mean_l", "mean_lq", "utilisation",
 * "p50_w", "p90_w", "p95_w", "p99_w", "p999_w", "max_w", "littles_law_error",
 * ...}, times in seconds. Errors: SYSLAB_EINVAL (NULL, unknown field),
 * SYSLAB_ERANGE (e.g. utilisation >= 1 without a capacity), SYSLAB_ETYPE,
 * SYSLAB_EJSON, SYSLAB_EUTF8. Thread-safe.
 */
int syslab_queue_run(const char *model_json, char **out_json);

/* A finished load test: immutable, so every reader below is thread-safe. Opaque. */
typedef struct syslab_report syslab_report;

/*
 * Runs a simulated load test (see docs/simulation.md for every field):
 *   {"system": {"topology": {...}} or {"template": "redis-cache"}, plus
 *              "nodes": {id: {"servers", "queue", "service", "cache", ...}},
 *              "edges": {id: {"timeout", "retries", "retry", "pool", "breaker", "bulkhead"}},
 *    "workload": {"executor": "constant-arrival-rate", "rate": 200, "duration": "60s", ...},
 *    "scenarios": [{"name": "slow-db-query", "at": "20s", "duration": "20s", "params": {...}}],
 *    "thresholds": {"http_req_duration": ["p(99)<300"], "http_req_failed": ["rate<0.01"]},
 *    "options": {"seed": 1, "traces": {"head": 0.01, "errors": true}}}
 * `registry` (may be NULL: built-in scenarios only) supplies the scenario
 * catalogue, including scenarios defined in Lua; the run enables scenarios on
 * a private copy driven by virtual time, so `registry` is not changed.
 * A failed threshold is not an error: check syslab_report_passed.
 * On success *out is a report to release with syslab_report_free; on error
 * *out is NULL. Errors: SYSLAB_EINVAL (NULL test_json or out, unknown field,
 * bad system), SYSLAB_ENOTFOUND (unknown node, edge, template or scenario),
 * SYSLAB_ERANGE, SYSLAB_ETYPE, SYSLAB_EJSON, SYSLAB_EUTF8, SYSLAB_ESCRIPT (a
 * Lua scenario failed), SYSLAB_ELIMIT (the run started more calls than
 * options.max_calls_per_request per request, default 10000, or had more than
 * options.max_calls_in_flight, default 1000000, at once). Thread-safe; runs
 * take the calling thread.
 */
int syslab_loadtest_run(syslab_report **out, syslab_registry *registry, const char *test_json);

/* Releases a report. NULL-safe. Must not race with other calls on it. */
void syslab_report_free(syslab_report *report);

/*
 * The end-of-test summary as versioned JSON ({"format": "syslab.loadtest",
 * "version": 1, "requests", "latency", "latency_uncorrected", "components",
 * "edges", "phases", "thresholds", "diagnosis", ...}; times in seconds).
 * *out_json is owned. NULL report or out_json: SYSLAB_EINVAL. Thread-safe.
 */
int syslab_report_json(const syslab_report *report, char **out_json);

/* The summary as text for a terminal (k6's layout). *out_text is owned.
 * NULL report or out_text: SYSLAB_EINVAL. Thread-safe. */
int syslab_report_summary(const syslab_report *report, char **out_text);

/* The report as one self-contained HTML document (UTF-8): the summary and
 * thresholds, the phases table, latency p50/p95/p99 and the failure rate
 * over time with the scenario windows shaded, throughput, the components
 * with sparklines, the topology with the injected and failing nodes marked,
 * the diagnosis and the slowest sampled trace as a waterfall. No script and
 * no network: every style is inline, every name escaped. *out_html is owned.
 * NULL report or out_html: SYSLAB_EINVAL. Thread-safe. */
int syslab_report_html(const syslab_report *report, char **out_html);

/* The time series as CSV, one row per interval (options.interval, default
 * 1 s). *out_csv is owned. NULL report or out_csv: SYSLAB_EINVAL. Thread-safe. */
int syslab_report_series_csv(const syslab_report *report, char **out_csv);

/* The sampled traces as a JSON array of traces in the "trace-json" form, each
 * accepted by syslab_trace_render (OTLP, Jaeger, Zipkin, waterfall, analysis).
 * *out_json is owned. NULL report or out_json: SYSLAB_EINVAL. Thread-safe. */
int syslab_report_traces_json(const syslab_report *report, char **out_json);

/* The structured request logs as JSON Lines: one object per kept trace (the
 * same sampling as syslab_report_traces_json), in time order, each line ending
 * in "\n": {"ts" (RFC 3339, UTC), "level" ("info", "warn" when at least
 * traces.slower_than, "error" when failed), "msg", "trace_id", "span_id" (the
 * trace's root span), "node" (the entry node), "status", "latency_ms" (from
 * the intended start), "error" (the failure cause or null), "scenarios" (active
 * when the request started), "sampled_by"}. Empty text when no trace was kept.
 * *out_jsonl is owned. NULL report or out_jsonl: SYSLAB_EINVAL. Thread-safe. */
int syslab_report_logs_jsonl(const syslab_report *report, char **out_jsonl);

/* *out_passed = 1 when every threshold held (or there were none), else 0.
 * NULL report or out_passed: SYSLAB_EINVAL. Thread-safe. */
int syslab_report_passed(const syslab_report *report, int *out_passed);

/* Request latency at `percentile` (0-100) in seconds, from each request's
 * intended start when `corrected` is non-zero, from its send otherwise.
 * Errors: SYSLAB_EINVAL (NULL), SYSLAB_ERANGE (percentile outside [0, 100]).
 * Thread-safe. */
int syslab_report_percentile(const syslab_report *report, double percentile, int corrected, double *out_seconds);

/* ------------------------------------------------------------------------ */
/* Order store: CQRS and event sourcing on SQLite (docs/orders.md)           */
/* ------------------------------------------------------------------------ */

/*
 * An order-management store in one SQLite file: an append-only event log
 * (WAL, synchronous=FULL: an acknowledged command survives kill -9), snapshots
 * with checksums, the OrderSummary and Analytics projections with stored
 * positions, and a payment saga. The event-sourcing scenarios of `registry`
 * (event-replay-lag, event-ordering-issue, snapshot-corruption,
 * saga-compensation-failure) act on it, and its metrics (orders_*) join the
 * registry's exposition. Calls on one handle are serialised (thread-safe);
 * several handles and processes may share one file.
 */
typedef struct syslab_orders syslab_orders;

/*
 * Opens (creating if needed) the store at `path`. `registry` may be NULL (the
 * store makes its own); a registry given here should stay open until the store
 * is closed (the store holds a reference, so freeing it first is safe but ends
 * its Lua scenarios and Redis link). options_json (may be NULL): {"snapshot_every": 20, "projections":
 * "inline" | "manual", "projection_budget_ms": 100, "saga_max_attempts": 3,
 * "saga_backoff_ms": 5, "seed": n}. Errors: SYSLAB_EINVAL (out or path NULL,
 * unknown option), SYSLAB_EIO (cannot create or open the file), SYSLAB_ECORRUPT
 * (not an order store, or damaged), SYSLAB_EJSON, SYSLAB_ERANGE, SYSLAB_ETYPE.
 */
int syslab_orders_open(syslab_orders **out, const char *path, syslab_registry *registry, const char *options_json);

/* Closes the store. NULL-safe. Must not race with other calls on it. */
void syslab_orders_close(syslab_orders *orders);

/*
 * Runs a command: {"command": "place", "order_id", "customer_id", "amount"
 * (integer minor units), "currency", "address": {"line1", "city", "postcode",
 * "country"}, "sku", "quantity"}, {"command": "pay" | "ship" | "cancel",
 * "order_id"}, each with an optional "expected_version"; or a maintenance
 * command: "set_stock" {"sku", "available"}, "catch_up", "damage_snapshot"
 * {"order_id"}. *out_json (owned) lists the appended events. Errors:
 * SYSLAB_EINVAL (NULL, bad or missing field, a command the order's state
 * refuses), SYSLAB_ERANGE (negative or fractional money), SYSLAB_EEXISTS (order
 * already placed), SYSLAB_ECONFLICT (the order is not at expected_version),
 * SYSLAB_ENOTFOUND (unknown command), SYSLAB_EIO, SYSLAB_ECORRUPT.
 */
int syslab_orders_execute(syslab_orders *orders, const char *command_json, char **out_json);

/*
 * Reads: {"query": "order" | "state" | "history" | "saga", "order_id"},
 * {"query": "orders", "limit"}, {"query": "stock", "sku"}, {"query":
 * "analytics" | "lag" | "status" | "integrity"}. "order" reads the OrderSummary
 * projection (null when it has not seen the order), "state" the event log.
 * *out_json is owned. Errors as for execute.
 */
int syslab_orders_query(syslab_orders *orders, const char *query_json, char **out_json);

/*
 * Rebuilds a projection ("order_summary", "analytics") or both (NULL) by
 * replaying the log; *out_json (owned) gives events, seconds and events per
 * second for each. Errors: SYSLAB_EINVAL, SYSLAB_ENOTFOUND, SYSLAB_EIO.
 */
int syslab_orders_rebuild(syslab_orders *orders, const char *projection, char **out_json);

/*
 * The payment saga: {"action": "start", "order": {place fields}, "max_steps":
 * n}, {"action": "resume"} (after a restart), {"action": "get", "order_id"}.
 * *out_json (owned) is the saga (status running, compensating, completed,
 * compensated or dead_lettered) or, for resume, an array of them.
 */
int syslab_orders_saga(syslab_orders *orders, const char *request_json, char **out_json);

/* The registry's Prometheus exposition including the orders_* metrics.
 * *out_text is owned. NULL orders or out_text: SYSLAB_EINVAL. */
int syslab_orders_metrics_text(syslab_orders *orders, char **out_text);

/* Parameter sweeps                                                          */
/* ------------------------------------------------------------------------ */

/*
 * A sweep runs one load test (as syslab_loadtest_run takes it) at every point
 * of a grid, `replicas` times each, on a pool of threads (docs/sweep.md).
 * grid_json maps documented paths of the test to lists of values:
 *   {"workload.rate": [100, 200, 400],
 *    "system.edges[\"orders->orders-db\"].pool.size": [5, 10, 20],
 *    "scenarios.connection-pool-exhaustion.params.pool_size": [10, 20]}
 * (axes in path order), or [{"path": ..., "values": [...]}, ...] (axes in the
 * order given). options_json (may be NULL): {"replicas": 1, "threads": 0 (one
 * per processor), "seed": the test's options.seed, "first_job": 0,
 * "job_count": all}. Each run's seed derives from the sweep's seed, the
 * point's values and the replica, so rows do not depend on the thread count
 * or on how the jobs (numbered from 0, point by point, replicas innermost)
 * are shared among processes. Scenarios are the built-in ones.
 * Everything is checked before anything runs: an unknown path or field, an
 * empty list, a wrong type or a value out of range at any point is an error
 * naming the point and the path.
 */

/* Called on the thread that called syslab_sweep_run, after runs finish and
 * about every 100 ms in between, with the jobs done and the jobs in all.
 * Return 0 to go on, non-zero to cancel: no run starts after that, running
 * ones stop within milliseconds, and the call returns the finished rows. */
typedef int (*syslab_sweep_progress_fn)(void *user_data, size_t done, size_t total);

/*
 * Checks a sweep without running it. *out_json (owned): {"points", "replicas",
 * "jobs", "first_job", "job_count", "threads", "seed", "grid"}.
 * Errors: SYSLAB_EINVAL (NULL, unknown path or field, empty list, bad
 * option), SYSLAB_ENOTFOUND (no such node, edge or scheduled scenario),
 * SYSLAB_ETYPE, SYSLAB_ERANGE, SYSLAB_EJSON, SYSLAB_EUTF8, SYSLAB_ELIMIT
 * (more than 1000000 points, or points x replicas). Thread-safe.
 */
int syslab_sweep_plan(char **out_json, const char *test_json, const char *grid_json, const char *options_json);

/*
 * Runs a sweep. progress may be NULL. *out_json (owned):
 *   {"format": "syslab.sweep", "version": 1, "grid", "jobs", "finished",
 *    "cancelled", "threads", "wall_seconds", "rows": [...]}
 * with one row per finished run, in job order: "point", "replica" (from 1),
 * "seed", one member per grid path, "requests", "failed", "failure_rate",
 * "throughput", "dropped", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "passed",
 * "utilisation.<node>" (null when unlimited), "pool_wait_ms.<edge>"; a run
 * that failed (a limit crossed) has "error" instead of figures. A cancelled
 * sweep is not an error: SYSLAB_OK with "cancelled": true and the rows that
 * finished. Errors: as syslab_sweep_plan, before anything runs. Thread-safe;
 * blocks the calling thread until the runs end.
 */
int syslab_sweep_run(char **out_json, const char *test_json, const char *grid_json, const char *options_json,
                     syslab_sweep_progress_fn progress, void *user_data);

/*
 * The smallest value of one parameter meeting a condition, by bisection over
 * values in which the condition, once met, stays met. search_json:
 *   {"test": {...}, "path": "system.nodes.api.servers", "values": [1, 2, ...],
 *    "condition": "p99_ms < 250", "replicas": 3, "threads": 0, "seed": 1}
 * A value meets the condition when every replica's row does. *out_json
 * (owned): {"path", "condition", "value" (null when none meets it), "index"
 * (from 1), "steps": [{"value", "index", "met", "rows"}]}. Errors: as
 * syslab_sweep_plan, and SYSLAB_EINVAL for a condition that is not
 * "<figure> <op> <number>". Thread-safe.
 */
int syslab_sweep_smallest(char **out_json, const char *search_json);

/*
 * The knee of a latency-load curve (Kneedle: the point furthest below the
 * chord with both axes scaled to [0, 1]; replicas averaged first). knee_json:
 *   {"rows": [...sweep rows...], "x": "workload.rate", "y": "p99_ms"}
 * *out_json (owned): {"x", "y", "index"} or null when the curve has no knee.
 * Errors: SYSLAB_EINVAL (NULL, fewer than 3 distinct x), SYSLAB_ETYPE (x or
 * y missing or not a number in a row without "error"), SYSLAB_EJSON,
 * SYSLAB_EUTF8. Thread-safe.
 */
int syslab_sweep_knee(char **out_json, const char *knee_json);

#ifdef __cplusplus
}
#endif

#endif /* SYSLAB_H */
