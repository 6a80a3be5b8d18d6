"""Topologies and traces from Python: every template and variant exported in
OTLP JSON (parsed with opentelemetry-proto), Jaeger JSON and Zipkin v2 JSON
(checked against the zipkin2 schema); analysis; templates on disk; errors."""

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

import syslab
from syslab import tracing

ZIPKIN_SCHEMA = json.loads((Path(__file__).parent / "zipkin2-schema.json").read_text())
TEMPLATE_IDS = [t["id"] for t in tracing.Templates("/nonexistent/syslab-test").listing()["templates"]]


def otlp_to_proto(text: str) -> ExportTraceServiceRequest:
    """Parses OTLP/JSON with the official protobuf definitions. OTLP/JSON writes
    trace and span ids as hex where protobuf's JSON mapping expects base64, so
    ids are converted (and must be valid lowercase hex) first."""
    doc = json.loads(text)

    def convert(obj: dict, key: str, size: int) -> None:
        if key in obj:
            value = obj[key]
            assert value == value.lower() and len(value) == 2 * size, f"{key}={value!r}"
            obj[key] = base64.b64encode(bytes.fromhex(value)).decode()

    for resource_spans in doc["resourceSpans"]:
        for scope_spans in resource_spans["scopeSpans"]:
            for span in scope_spans["spans"]:
                convert(span, "traceId", 16)
                convert(span, "spanId", 8)
                convert(span, "parentSpanId", 8)
                for link in span.get("links", []):
                    convert(link, "traceId", 16)
                    convert(link, "spanId", 8)
    return json_format.ParseDict(doc, ExportTraceServiceRequest())


def all_spans(request: ExportTraceServiceRequest) -> list:
    return [s for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans]


def test_catalogue_has_40_components():
    catalogue = tracing.components()
    kinds = [c for category in catalogue["categories"] for c in category["components"]]
    assert len(kinds) == 40 and len(catalogue["categories"]) == 12
    postgres = next(c for c in kinds if c["id"] == "postgres")
    assert postgres["attributes"]["db.system"] == "postgresql"
    assert set(postgres["latency_ms"]) == {"healthy", "slow", "failing"}


def test_there_are_43_templates():
    assert len(TEMPLATE_IDS) == 43
    assert TEMPLATE_IDS[0] == "simple" and "bulkhead-isolation" in TEMPLATE_IDS


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_variant_exports_and_validates(template_id):
    store = tracing.Templates("/nonexistent/syslab-test")
    definition = store.get(template_id)
    for variant in tracing.VARIANTS:
        trace = tracing.generate(template_id, variant, seed=3)
        spans = trace.spans

        # OTLP JSON, as the opentelemetry-proto package reads it.
        request = otlp_to_proto(trace.export("otlp-json"))
        proto_spans = all_spans(request)
        assert len(proto_spans) == len(spans)
        ids = {s.span_id for s in proto_spans}
        for s in proto_spans:
            assert s.trace_id == bytes.fromhex(trace.trace_id)
            assert len(s.span_id) == 8 and (not s.parent_span_id or s.parent_span_id in ids)
            assert s.kind in (Span.SPAN_KIND_SERVER, Span.SPAN_KIND_CLIENT, Span.SPAN_KIND_PRODUCER,
                              Span.SPAN_KIND_CONSUMER, Span.SPAN_KIND_INTERNAL)
            assert s.start_time_unix_nano <= s.end_time_unix_nano
        for rs in request.resource_spans:
            assert rs.resource.attributes[0].key == "service.name"

        # Zipkin v2 against its schema.
        zipkin = json.loads(trace.export("zipkin-json"))
        jsonschema.validate(zipkin, ZIPKIN_SCHEMA)
        assert len(zipkin) == len(spans)

        # Jaeger's upload format.
        jaeger = json.loads(trace.export("jaeger-json"))
        data = jaeger["data"][0]
        assert data["traceID"] == trace.trace_id and len(data["spans"]) == len(spans)
        assert all(s["processID"] in data["processes"] for s in data["spans"])

        # Acceptance: errors and what the analysis says about them.
        analysis = trace.analysis()
        errors = [s for s in proto_spans if s.status.code == Status.STATUS_CODE_ERROR]
        if variant == "success":
            assert not errors
            high = [f["title"] for f in analysis["findings"] if f["severity"] in ("high", "critical")]
            assert not high, high
        if variant == "error":
            assert errors, "an error variant has an error span"
            failing = [n for n, b in definition["variants"]["error"]["nodes"].items() if b["state"] == "failing"]
            named = {c["node"] for f in analysis["findings"] for c in f["evidence"]["components"]}
            failed_nodes = {s["node"] for s in spans if s["status"]["code"] == "error"}
            for node in failing:
                if node in failed_nodes:
                    assert node in named, f"analysis of {template_id}/error names {node}"


def test_same_seed_same_bytes():
    a = tracing.export("cdc-pipeline", "slow", "otlp-json", seed=99)
    b = tracing.export("cdc-pipeline", "slow", "otlp-json", seed=99)
    c = tracing.export("cdc-pipeline", "slow", "otlp-json", seed=100)
    assert a == b and a != c
    assert tracing.generate("simple", seed=2 ** 64 - 1).spans  # seeds up to 2^64-1


def test_trace_json_round_trip_and_views():
    trace = tracing.generate("kafka-fanout", "error", seed=5)
    again = tracing.Trace.from_json(trace.text)
    assert again.export("otlp-json") == trace.export("otlp-json")
    waterfall = trace.export("waterfall", width=30)
    assert "payment-worker" in waterfall and "✗" in waterfall
    svg = ET.fromstring(trace.export("svg").split("\n", 1)[1])
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg.findall(".//{http://www.w3.org/2000/svg}rect")) >= len(trace.spans)
    assert trace.export("spans-table").startswith("SERVICE")
    assert "[HIGH]" in trace.export("analysis-text")


def test_analysis_findings():
    analysis = tracing.generate("upload-s3", "error").analysis()
    rules = {f["rule"]: f for f in analysis["findings"]}
    assert rules["error-origin"]["severity"] == "critical"
    assert rules["error-origin"]["evidence"]["components"][0]["node"] == "db"
    assert rules["partial-write"]["severity"] == "high"
    assert all(f["tips"] and f["fixes"] for f in analysis["findings"])
    assert analysis["summary"]["root_failed"] is True


def test_registry_scenarios_shape_spans():
    with syslab.Registry(seed=1) as registry:
        registry.enable("fixed-latency", {"delay_ms": 250, "target": {"component": "vector-db"}})
        base = tracing.generate("rag-pipeline", seed=8)
        slowed = tracing.generate("rag-pipeline", seed=8, registry=registry)
    def db(trace):
        return next(s for s in trace.spans if s["node"] == "vectors")
    assert db(slowed)["duration_ms"] - db(base)["duration_ms"] == pytest.approx(250, abs=0.01)
    assert db(slowed)["attributes"]["syslab.scenarios"] == "fixed-latency"


def test_custom_topology_and_variant():
    topology = {"route": "/checkout", "nodes": [{"id": "api", "kind": "backend", "fan_out": "parallel"},
                                                 {"id": "a", "kind": "grpc"}, {"id": "b", "kind": "redis"}],
                "edges": [{"from": "api", "to": "a"}, {"from": "api", "to": "b", "fallback": True}]}
    normalized = tracing.validate_topology(topology)
    assert normalized["entry"] == "api" and normalized["edges"][0]["mode"] == "sync"
    trace = tracing.generate(topology=topology, variant={"nodes": {"b": {"state": "failing"}}})
    by_node = {s["node"]: s for s in trace.spans}
    assert by_node["b"]["status"]["code"] == "error" and by_node["api"]["status"]["code"] == "unset"


def test_errors_carry_status_and_message():
    with pytest.raises(syslab.SyslabError) as e:
        tracing.generate("simpel")
    assert e.value.status == syslab.ENOTFOUND and "did you mean 'simple'" in e.value.message
    with pytest.raises(syslab.SyslabError) as e:
        tracing.validate_topology({"entry": "a", "nodes": [{"id": "a", "kind": "backend"}, {"id": "b", "kind": "grpc"}],
                                   "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]})
    assert e.value.status == syslab.EINVAL and "cycle of sync calls: a -> b -> a" in e.value.message
    with pytest.raises(syslab.SyslabError) as e:
        tracing.validate_topology({"nodes": [{"id": "a", "kind": "backend"}], "edges": [{"from": "a", "to": "x"}]})
    assert e.value.status == syslab.ENOTFOUND and "dangling edge" in e.value.message
    with pytest.raises(syslab.SyslabError) as e:
        tracing.generate("simple").export("pdf")
    assert e.value.status == syslab.EINVAL
    with pytest.raises(syslab.SyslabError) as e:
        tracing.generate(topology={"nodes": [{"id": "a", "kind": "backend"}, {"id": "b", "kind": "redis"}],
                                   "edges": [{"from": "a", "to": "b", "calls": 1000}]}, max_spans=10)
    assert e.value.status == syslab.ELIMIT


def test_template_store(tmp_path):
    custom = {"id": "py-flow", "name": "Py flow", "description": "from Python",
              "topology": {"nodes": [{"id": "web", "kind": "frontend"}, {"id": "q", "kind": "sqs"},
                                     {"id": "w", "kind": "worker"}],
                           "edges": [{"from": "web", "to": "q"}, {"from": "q", "to": "w", "mode": "async"}]},
              "variants": {"error": {"title": "worker dies", "story": "The worker crashes.",
                                     "nodes": {"w": {"state": "failing"}}}}}
    with tracing.Templates(tmp_path) as store:
        store.create(custom)
        assert "py-flow" in store.ids() and (tmp_path / "py-flow.json").exists()
        with pytest.raises(syslab.SyslabError) as e:
            store.create(custom)
        assert e.value.status == syslab.EEXISTS
        trace = store.generate("py-flow", "error")
        assert any(f["rule"] == "async-failure-after-ack" for f in trace.analysis()["findings"])
        custom["name"] = "Py flow 2"
        store.update(custom)
        assert store.get("py-flow")["name"] == "Py flow 2"
        exported = store.export("py-flow")
        store.delete("py-flow")
        store.import_json(exported)
        assert store.get("py-flow")["name"] == "Py flow 2"
        with pytest.raises(syslab.SyslabError) as e:
            store.delete("simple")
        assert e.value.status == syslab.EINVAL and "read-only" in e.value.message
        (tmp_path / "half.json").write_text('{"id": "half", "topology": {"nodes": [')
        listing = store.listing()
        assert "py-flow" in [t["id"] for t in listing["templates"]]
        assert listing["problems"][0]["file"].endswith("half.json")
        with pytest.raises(syslab.SyslabError) as e:
            store.get("half")
        assert e.value.status == syslab.ECORRUPT
        assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name], "no temporary files left"


def test_default_directory_follows_syslab_home(tmp_path, monkeypatch):
    monkeypatch.setenv("SYSLAB_HOME", str(tmp_path))
    with tracing.Templates() as store:
        assert store.listing()["directory"] == f"{tmp_path}/templates"
