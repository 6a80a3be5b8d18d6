"""The metrics exposition: parsed with prometheus_client's parser and
checked with `promtool check metrics` (Debian package prometheus)."""

import shutil
import subprocess

import pytest
from prometheus_client.parser import text_string_to_metric_families

import syslab
from syslab import Decider, Registry


def families(text):
    return {f.name: f for f in text_string_to_metric_families(text)}


def sample(fams, family, name, **labels):
    for s in fams[family].samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()) and len(s.labels) == len(labels):
            return s.value
    raise KeyError(f"{name} {labels}")


def busy_registry():
    r = Registry(manual_clock=True, seed=5)
    for s in r.catalogue():
        r.enable(s["name"])
    decide = Decider(r)
    counts = {}
    for i in range(600):
        for e in decide("/api/orders", "GET" if i % 2 else "POST", "backend", ["canary"]):
            counts[(e.scenario, e.kind)] = counts.get((e.scenario, e.kind), 0) + 1
        r.advance_clock(0.02)
    return r, counts


def test_every_builtin_enabled_passes_promtool():
    promtool = shutil.which("promtool")
    assert promtool, "promtool is required (Debian package prometheus; `make deps` installs it)"
    r, _ = busy_registry()
    text = syslab.metrics_text(r)
    result = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True)
    assert result.returncode == 0, (result.stdout + result.stderr).decode()
    r.close()


def test_parser_reads_framework_and_domain_metrics_consistently():
    r, counts = busy_registry()
    fams = families(syslab.metrics_text(r))
    assert sample(fams, "simulator_scenarios_enabled", "simulator_scenarios_enabled") == len(r.catalogue())
    for (scenario, kind), n in counts.items():
        assert sample(fams, "simulator_injections", "simulator_injections_total", scenario=scenario, effect=kind) == n
    assert sample(fams, "simulator_scenarios_active", "simulator_scenarios_active_total", scenario="fixed-latency") == 1
    # Domain metrics the issue names are present.
    for name in ("http_injected_latency_seconds", "circuit_breaker_state", "retry_attempts", "connection_pool_wait_seconds",
                 "cache_miss", "db_queries_per_request", "db_lock_wait_seconds"):
        assert name in fams, name
    # Histograms: cumulative buckets ending in +Inf == count.
    for fam in fams.values():
        if fam.type != "histogram":
            continue
        series = {}
        for s in fam.samples:
            key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
            series.setdefault(key, {"buckets": [], "count": None})
            if s.name.endswith("_bucket"):
                series[key]["buckets"].append((float(s.labels["le"]), s.value))
            elif s.name.endswith("_count"):
                series[key]["count"] = s.value
        for key, h in series.items():
            values = [v for _, v in sorted(h["buckets"])]
            assert values == sorted(values), (fam.name, key)
            assert sorted(h["buckets"])[-1][0] == float("inf") and values[-1] == h["count"], (fam.name, key)
    r.close()


def test_label_values_are_escaped():
    with Registry() as r:
        r.enable("api-version-mismatch", {"mismatch_probability": 1, "client_version": 'v1 "old"\\beta', "server_version": "line\nbreak"})
        Decider(r)("/")
        text = syslab.metrics_text(r)
        assert 'client_version="v1 \\"old\\"\\\\beta"' in text
        fams = families(text)
        assert sample(fams, "api_version_mismatches", "api_version_mismatches_total",
                      scenario="api-version-mismatch", client_version='v1 "old"\\beta', server_version="line\nbreak") == 1


def test_gauges_follow_enable_disable_and_expiry():
    with Registry(manual_clock=True) as r:
        r.enable("circuit-breaker", {"failure_probability": 1, "failure_threshold": 1}, ttl=30)
        r.enable("fixed-latency")
        Decider(r)("/")
        fams = families(syslab.metrics_text(r))
        assert sample(fams, "circuit_breaker_state", "circuit_breaker_state", scenario="circuit-breaker") == 1
        assert sample(fams, "simulator_scenarios_enabled", "simulator_scenarios_enabled") == 2
        r.advance_clock(30)
        fams = families(syslab.metrics_text(r))
        assert sample(fams, "simulator_scenarios_enabled", "simulator_scenarios_enabled") == 1
        assert "circuit_breaker_state" not in fams, "an expired activation's gauges are removed"
        assert sample(fams, "circuit_breaker_trips", "circuit_breaker_trips_total", scenario="circuit-breaker") == 1, "counters stay"


def test_lua_scenario_metrics_are_exposed():
    with Registry() as r:
        r.load_lua_string(
            """
            registry:define{
              name = "py-lua-metrics", effects = {"delay"},
              params = {{name = "ms", type = "number", default = 20, min = 0, max = 1000, unit = "ms"}},
              metrics = {{name = "py_lua_calls_total", type = "counter", help = "Calls.", labels = {"scenario", "route"}}},
              apply = function(ctx, p)
                ctx.metrics:inc("py_lua_calls_total", 1, ctx.route)
                return {kind = "delay", seconds = p.ms / 1000}
              end,
            }
            """
        )
        r.enable("py-lua-metrics")
        decide = Decider(r)
        for _ in range(3):
            decide("/a")
        decide("/b")
        fams = families(syslab.metrics_text(r))
        assert sample(fams, "py_lua_calls", "py_lua_calls_total", scenario="py-lua-metrics", route="/a") == 3
        assert sample(fams, "simulator_effect_duration_seconds", "simulator_effect_duration_seconds_sum",
                      scenario="py-lua-metrics", effect="delay") == pytest.approx(0.08)


def test_invalid_lua_metric_names_are_rejected():
    with Registry() as r:
        with pytest.raises(syslab.SyslabError) as info:
            r.load_lua_string('assert(registry:define{name = "bad-metric", metrics = {{name = "latency_ms", type = "gauge", help = "x"}}, '
                              'apply = function() end})')
        assert "not 'ms'" in info.value.message
        assert "bad-metric" not in r.names()
