"""The built-in scenarios through Python, the fixed-layout decision API
(syslab.Decider), and the example scenarios written in Lua."""

import threading
from pathlib import Path

import pytest

import syslab
from syslab import Decider, Registry, SyslabError

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ["gradual-brownout", "canary-bad-deploy", "regional-latency", "poison-message", "sliding-window-limit", "dependency-flap"]


def test_catalogue_holds_the_builtins_with_parameters_and_domain_metrics():
    with Registry() as r:
        catalogue = r.catalogue()
        assert len(catalogue) == 96
        for s in catalogue:
            assert s["parameters"], s["name"]
            assert any(not m["name"].startswith("simulator_") for m in s["metrics"]), s["name"]
            assert s["effects"] and all(e in syslab.EFFECT_KINDS.values() for e in s["effects"]), s["name"]
        names = [s["name"] for s in catalogue]
        for name in ("fixed-latency", "retry-storm", "write-behind-cache-lag", "429-rate-limit", "bandwidth-limit"):
            assert name in names


@pytest.mark.parametrize("name", [s["name"] for s in Registry().catalogue()])
def test_each_scenario_enables_with_its_defaults(name):
    with Registry(manual_clock=True) as r:
        r.enable(name)
        assert r.enabled() == [name]
        decide = Decider(r)
        for _ in range(50):
            for effect in decide("/api/items", "GET", "backend"):
                assert effect.scenario == name and effect.kind in syslab.EFFECT_KINDS.values()
            r.advance_clock(0.5)


def test_effect_kinds_match_the_header():
    header = (ROOT / "Include" / "syslab.h").read_text()
    assert len(syslab.EFFECT_KINDS) == 28
    for number, name in syslab.EFFECT_KINDS.items():
        assert f"SYSLAB_EFFECT_{name.upper()} = {number}" in header


def test_decider_matches_the_json_decision_for_the_same_seed():
    def run(use_decider):
        with Registry(seed=99, manual_clock=True) as r:
            r.enable("variable-latency", {"distribution": "pareto"})
            r.enable("error-burst", {"probability": 0.3, "status_code": 502})
            r.enable("retry-storm")
            decide = Decider(r)
            out = []
            for i in range(300):
                route = f"/items/{i % 3}"
                if use_decider:
                    out.append([(e.scenario, e.kind, e.seconds, e.status, e.amount) for e in decide(route, "GET")])
                else:
                    out.append([(e["scenario"], e["kind"], e["seconds"], e["status"], e["amount"]) for e in r.decide(route, "GET")])
            return out

    fast, slow = run(True), run(False)
    assert fast == slow
    assert sum(len(d) for d in fast) > 300


def test_decider_targeting_and_expiry():
    with Registry(manual_clock=True) as r:
        r.enable("fixed-latency", {"delay_ms": 40, "target": {"route": "/api/*", "tags": ["canary"]}}, ttl=10)
        decide = Decider(r)
        assert decide("/api/orders", tags=["canary"]) == [syslab.Effect("fixed-latency", "delay", 0.04, 0, 0.0)]
        assert decide("/api/orders", tags=["stable"]) == []
        assert decide("/health", tags=["canary"]) == []
        r.advance_clock(10)
        assert decide("/api/orders", tags=["canary"]) == []


def test_decider_reports_bad_input_and_small_buffers():
    with Registry() as r:
        r.enable("deadlock", {"probability": 1, "max_retries": 1})
        decide = Decider(r)
        with pytest.raises(SyslabError) as info:
            decide("/caf\udcff")
        assert info.value.status == syslab.EUTF8
        with pytest.raises(SyslabError) as info:
            decide("/", tags=[f"t{i}" for i in range(65)])
        assert info.value.status == syslab.ELIMIT
        small = Decider(r, capacity=1)
        with pytest.raises(SyslabError) as info:
            small("/")
        assert info.value.status == syslab.ELIMIT and "did not fit" in info.value.message
        assert [e.kind for e in small("/")] == ["lock_wait", "retry", "error"], "the buffer grew"


def test_decider_is_safe_from_many_threads():
    with Registry() as r:
        r.enable("error-burst", {"probability": 1, "status_code": 503})
        decide = Decider(r)
        failures = []

        def worker():
            for _ in range(2000):
                effects = decide("/x", "GET")
                if effects != [syslab.Effect("error-burst", "error", 0.0, 503, 0.0)]:
                    failures.append(effects)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures
        assert 'simulator_injections_total{scenario="error-burst",effect="error"} 8000\n' in syslab.metrics_text(r)


@pytest.mark.parametrize("name", EXAMPLES)
def test_lua_example_scenarios_load_and_decide(name):
    with Registry(manual_clock=True, seed=3) as r:
        r.load_lua(str(ROOT / "scripts" / "scenarios" / f"{name}.lua"))
        spec = r.scenario(name)
        assert spec["origin"] == "lua" and spec["parameters"] and spec["metrics"]
        r.enable(name)
        decide = Decider(r)
        produced = 0
        for _ in range(400):
            produced += len(decide("/api/orders", "GET", tags=["canary", "region:ap"]))
            r.advance_clock(0.05)
        assert produced > 0
        text = syslab.metrics_text(r)
        assert f'simulator_scenarios_active_total{{scenario="{name}"}} 1' in text
