#!/usr/bin/env python3
"""Side by side: libsyslab vs the Python opentelemetry-sdk on the same spans.

The workload is every built-in template x variant (one trace each). libsyslab
generates it (walking topologies, sampling latencies, ids) and encodes OTLP
JSON; the SDK is given the spans libsyslab made (names, kinds, parents, ids,
times, attributes, events, links, status) and records them through its
public API — the cost an instrumented Python service pays — then they are
encoded to the same OTLP/JSON layout. Both sides are timed for SECONDS each.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from opentelemetry import trace as api
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
from syslab import tracing  # noqa: E402

KINDS = {"internal": SpanKind.INTERNAL, "server": SpanKind.SERVER, "client": SpanKind.CLIENT,
         "producer": SpanKind.PRODUCER, "consumer": SpanKind.CONSUMER}
OTLP_KIND = {SpanKind.INTERNAL: 1, SpanKind.SERVER: 2, SpanKind.CLIENT: 3, SpanKind.PRODUCER: 4, SpanKind.CONSUMER: 5}


class ReplayIds(IdGenerator):
    """Hands the SDK the ids libsyslab chose, so both sides hold identical spans."""

    def __init__(self):
        self.span_ids = []
        self.trace_ids = []

    def generate_span_id(self) -> int:
        return self.span_ids.pop()

    def generate_trace_id(self) -> int:
        return self.trace_ids.pop()


class Collect(SpanProcessor):
    def __init__(self):
        self.spans = []

    def on_end(self, span):
        self.spans.append(span)


def workload():
    traces = []
    for i, template in enumerate(tracing.Templates("/nonexistent/bench").ids()):
        for j, variant in enumerate(("success", "slow", "error")):
            traces.append(tracing.generate(template, variant, seed=1000 + i * 3 + j).json)
    return traces


def replay(traces, providers, ids, collect):
    """Records every span of `traces` through the SDK API (parents before children)."""
    for t in traces:
        start = int(t["start_time_unix_nano"])
        contexts = {}
        for s in t["spans"]:
            ids.span_ids.append(int(s["span_id"], 16))
            parent = None
            if s["parent_span_id"]:
                parent = api.set_span_in_context(api.NonRecordingSpan(contexts[s["parent_span_id"]]))
            else:
                ids.trace_ids.append(int(t["trace_id"], 16))
            links = [Link(SpanContext(int(l["trace_id"], 16), int(l["span_id"], 16), False, TraceFlags(1)),
                          l["attributes"]) for l in s["links"]]
            span = providers[s["service"]].get_tracer("syslab").start_span(
                s["name"], context=parent, kind=KINDS[s["kind"]], attributes=s["attributes"], links=links,
                start_time=start + s["start_ns"])
            for e in s["events"]:
                span.add_event(e["name"], e["attributes"], timestamp=start + e["time_ns"])
            if s["status"]["code"] == "error":
                span.set_status(Status(StatusCode.ERROR, s["status"]["message"]))
            contexts[s["span_id"]] = span.get_span_context()
            span.end(end_time=start + s["end_ns"])


def any_value(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    return {"stringValue": str(v)}


def attributes(attrs):
    return [{"key": k, "value": any_value(v)} for k, v in attrs.items()]


def otlp_json(spans) -> str:
    """ReadableSpans -> OTLP/JSON ExportTraceServiceRequest (hex ids, string int64s, integer enums)."""
    # One resourceSpans per trace and service, as libsyslab writes each trace.
    by_resource = {}
    for s in spans:
        by_resource.setdefault((s.get_span_context().trace_id, s.resource), []).append(s)
    out = []
    for (_, resource), group in by_resource.items():
        encoded = []
        for s in group:
            ctx = s.get_span_context()
            span = {"traceId": format(ctx.trace_id, "032x"), "spanId": format(ctx.span_id, "016x")}
            if s.parent is not None:
                span["parentSpanId"] = format(s.parent.span_id, "016x")
            span.update({"name": s.name, "kind": OTLP_KIND[s.kind], "startTimeUnixNano": str(s.start_time),
                         "endTimeUnixNano": str(s.end_time), "attributes": attributes(s.attributes)})
            if s.events:
                span["events"] = [{"timeUnixNano": str(e.timestamp), "name": e.name, "attributes": attributes(e.attributes)}
                                  for e in s.events]
            if s.links:
                span["links"] = [{"traceId": format(l.context.trace_id, "032x"), "spanId": format(l.context.span_id, "016x"),
                                  "attributes": attributes(l.attributes)} for l in s.links]
            status = {}
            if s.status.status_code == StatusCode.ERROR:
                status = {"message": s.status.description or "", "code": 2}
            span["status"] = status
            encoded.append(span)
        out.append({"resource": {"attributes": attributes(resource.attributes)},
                    "scopeSpans": [{"scope": {"name": "syslab", "version": "0.1.0"}, "spans": encoded}]})
    return json.dumps({"resourceSpans": out}, separators=(",", ":"))


def python_side(traces, seconds):
    ids, collect = ReplayIds(), Collect()
    services = {s["service"] for t in traces for s in t["spans"]}
    providers = {}
    for name in services:
        provider = TracerProvider(resource=Resource.create({"service.name": name}), id_generator=ids)
        provider.add_span_processor(collect)
        providers[name] = provider
    spans_per_round = sum(len(t["spans"]) for t in traces)

    rounds, start = 0, time.perf_counter()
    while True:
        collect.spans.clear()
        replay(traces, providers, ids, collect)
        rounds += 1
        if time.perf_counter() - start >= seconds:
            break
    gen = rounds * spans_per_round / (time.perf_counter() - start)
    recorded = list(collect.spans)
    assert len(recorded) == spans_per_round, "the SDK recorded every span"

    size, exports, start = 0, 0, time.perf_counter()
    while True:
        size += len(otlp_json(recorded).encode())
        exports += 1
        if time.perf_counter() - start >= seconds:
            break
    return {"spans_per_second": gen, "otlp_bytes_per_second": size / (time.perf_counter() - start),
            "otlp_bytes_per_round": size / exports, "spans": recorded}


def swift_side(seconds):
    lua = os.environ.get("SYSLAB_LUA", str(ROOT / ".build" / "release" / "syslab-lua"))
    out = subprocess.run([lua, str(ROOT / "bench" / "tracing" / "bench_syslab.lua"), str(seconds)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def same_spans(traces, recorded):
    """The SDK's spans are libsyslab's: same ids, parents, names and times."""
    ours = {(s["span_id"], s["parent_span_id"] or "", s["name"]) for t in traces for s in t["spans"]}
    theirs = {(format(s.get_span_context().span_id, "016x"), format(s.parent.span_id, "016x") if s.parent else "", s.name)
              for s in recorded}
    return ours == theirs


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    traces = workload()
    spans = sum(len(t["spans"]) for t in traces)
    swift = swift_side(seconds)
    python = python_side(traces, seconds)
    assert swift["spans_per_round"] == spans, (swift["spans_per_round"], spans)
    assert same_spans(traces, python["spans"]), "the SDK replayed different spans"

    print(f"bench/tracing: {len(traces)} traces per round (43 templates x 3 variants), {spans} spans, "
          f"{seconds:g} s per measurement")
    print(f"{'':28}{'libsyslab':>16}{'opentelemetry-sdk':>20}{'ratio':>10}")
    rows = [
        ("spans generated per second", swift["spans_per_second"], python["spans_per_second"], "{:,.0f}"),
        ("OTLP-JSON MB/s", swift["otlp_bytes_per_second"] / 1e6, python["otlp_bytes_per_second"] / 1e6, "{:,.1f}"),
    ]
    for label, ours, theirs, fmt in rows:
        print(f"{label:28}{fmt.format(ours):>16}{fmt.format(theirs):>20}{ours / theirs:>9.1f}x")
    print(f"OTLP-JSON bytes per round: libsyslab {swift['otlp_bytes_per_round']:,.0f}, "
          f"python {python['otlp_bytes_per_round']:,.0f}")
    print("libsyslab: trace generation (topology walk, latency sampling, W3C ids) + export, release build via syslab-lua;")
    print("python: the same spans recorded through the SDK API (TracerProvider per service), encoded with json.dumps.")


if __name__ == "__main__":
    main()
