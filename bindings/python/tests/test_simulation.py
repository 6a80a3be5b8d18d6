"""Simulation through Python: queueing theory, load tests, reports, errors."""

import csv
import io
import json
import math

import pytest

import syslab
from syslab import simulation, tracing

TEST = {
    "system": {
        "topology": {
            "name": "shop",
            "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
            "edges": [{"from": "api", "to": "db"}],
        },
        "nodes": {"db": {"servers": 8, "service": {"kind": "exponential", "mean": "5ms"}}},
        "edges": {"api->db": {"pool": {"size": 5, "wait_timeout": "500ms"}}},
    },
    "workload": {"executor": "constant-arrival-rate", "rate": 300, "duration": "30s"},
    "scenarios": [{"name": "fixed-latency", "at": "10s", "duration": "10s",
                   "params": {"delay_ms": 15, "target": {"tags": ["db"]}}}],
    "thresholds": {"http_req_duration": ["p(99)<5000"], "pool_wait{edge:api->db}": ["avg<1000"]},
    "options": {"seed": 11, "traces": {"head": 0.01, "errors": True}},
}


def erlang_c(c, a):
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))


def test_queue_agrees_with_erlang_c():
    r = simulation.queue(lam=350, mu=100, servers=4, customers=400_000, seed=2)
    wq = erlang_c(4, 3.5) / (400 - 350)
    assert abs(r["mean_wq"] - wq) / wq < 0.05
    assert r["n"] == 400_000 and r["blocking"] == 0
    assert r["littles_law_error"] < 1e-9


def test_queue_blocking_with_capacity():
    r = simulation.queue({"lambda": 350, "mu": 100, "servers": 4, "capacity": 10, "customers": 300_000, "seed": 1})
    # M/M/4/10 blocking from the birth-death chain.
    a, weights = 3.5, [1.0]
    for n in range(1, 11):
        weights.append(weights[-1] * a / min(n, 4))
    blocking = weights[-1] / sum(weights)
    assert abs(r["blocking"] - blocking) / blocking < 0.05


def test_loadtest_report_in_every_form():
    with simulation.loadtest(TEST) as report:
        data = report.json()
        assert data["format"] == "syslab.loadtest" and data["version"] == 3
        assert [p["name"] for p in data["phases"]] == ["before", "during fixed-latency", "after"]
        before, during = data["phases"][0], data["phases"][1]
        pool_before = before["edges"][0]["pool"]["mean_wait"]
        pool_during = during["edges"][0]["pool"]["mean_wait"]
        assert pool_during > 10 * max(pool_before, 1e-4), (pool_before, pool_during)
        assert during["latency"]["p99"] > before["latency"]["p99"]
        assert report.passed
        assert "http_req_duration" in report.summary()

        rows = list(csv.reader(io.StringIO(report.series_csv())))
        assert rows[0][:3] == ["time_s", "started", "completed"]
        assert len(rows) >= 31
        assert all(len(row) == len(rows[0]) for row in rows)

        traces = report.traces()
        assert traces and all(t["spans"] for t in traces)
        # A simulated trace exports and analyses like a generated one.
        trace = tracing.Trace.from_json(traces[0])
        assert "resourceSpans" in trace.export("otlp-json")
        assert "findings" in trace.analysis()

        p50, p99 = report.percentile(50), report.percentile(99)
        assert 0 < p50 < p99
        assert report.percentile(99, corrected=False) <= p99
        with pytest.raises(syslab.SyslabError) as err:
            report.percentile(120)
        assert err.value.status == syslab.ERANGE


def test_same_seed_same_report():
    a = simulation.loadtest(TEST).json()
    b = simulation.loadtest(TEST).json()
    for key in ("latency", "requests", "phases"):
        assert a[key] == b[key]


def test_failed_thresholds_are_reported_not_raised():
    test = dict(TEST, thresholds={"http_req_duration": ["p(99)<0.001"]})
    report = simulation.loadtest(test)
    assert not report.passed
    assert report.json()["thresholds"][0]["ok"] is False


def test_lua_scenarios_from_a_registry():
    with syslab.Registry() as registry:
        registry.load_lua_string(
            "registry:define{ name = 'slow-everything', category = 'latency', summary = 'adds 50 ms',"
            " effects = {'delay'}, apply = function(ctx) return { kind = 'delay', seconds = 0.05 } end }")
        test = dict(TEST, scenarios=[{"name": "slow-everything", "at": "0s", "params": {"target": {"tags": ["db"]}}}],
                    thresholds={})
        data = simulation.loadtest(test, registry=registry).json()
        assert data["injected"]["effects"]["slow-everything"]["delay"] > 1000
        assert registry.status()["enabled"] == []


def test_errors_name_the_problem():
    with pytest.raises(syslab.SyslabError) as err:
        simulation.loadtest({"system": {"template": "simple"}, "workload": {"executor": "warp-speed"}})
    assert err.value.status == syslab.EINVAL and "executor must be one of" in err.value.message
    with pytest.raises(syslab.SyslabError) as err:
        simulation.loadtest(dict(TEST, scenarios=[{"name": "nope"}]))
    assert err.value.status == syslab.ENOTFOUND
    with pytest.raises(syslab.SyslabError) as err:
        simulation.queue(lam=500, mu=100, servers=4, customers=10)
    assert err.value.status == syslab.ERANGE and "must be < 1" in err.value.message
    with pytest.raises(syslab.SyslabError) as err:
        simulation.loadtest("{not json")
    assert err.value.status == syslab.EJSON
    report = simulation.loadtest(dict(TEST, scenarios=[]))
    report.close()
    with pytest.raises(ValueError):
        report.json()


def test_logs_lead_to_their_traces():
    test = dict(TEST)
    test["scenarios"] = [{"name": "error-burst", "at": "10s", "duration": "5s",
                          "params": {"target": {"tags": ["db"]}}}]
    test["thresholds"] = {}
    test["options"] = {"seed": 4, "epoch": 1_700_000_000, "traces": {"head": 0.01, "errors": True, "max": 40}}
    with simulation.loadtest(test) as report:
        logs = report.logs()
        traces = {t["trace_id"]: t for t in report.traces()}
        assert logs and len(logs) == len(traces)
        for entry in logs:
            trace = traces[entry["trace_id"]]
            root = [s for s in trace["spans"] if s["parent_span_id"] is None]
            assert [s["span_id"] for s in root] == [entry["span_id"]]
            assert entry["node"] == "api"
            assert (entry["level"] == "error") == (entry["error"] is not None)
        errors = [e for e in logs if e["level"] == "error"]
        # Failures come from the burst (10 s to 15 s after the epoch, 22:13:20 UTC).
        assert any(e["scenarios"] == ["error-burst"] for e in errors)
        assert all("2023-11-14T22:13:30" <= e["ts"] < "2023-11-14T22:13:36" for e in errors)
        # The text form is the same lines, one JSON object per line, in time order.
        text = report.logs_jsonl()
        assert text.endswith("\n") and len(text.splitlines()) == len(logs)
        assert [json.loads(line) for line in text.splitlines()] == logs
        assert [e["ts"] for e in logs] == sorted(e["ts"] for e in logs)
    with pytest.raises(ValueError):
        report.logs()  # closed
