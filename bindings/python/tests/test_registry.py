import threading

import pytest

import syslab
from syslab import Registry, SyslabError


def test_version_matches_header():
    header = (__import__("pathlib").Path(__file__).resolve().parents[3] / "Include" / "syslab.h").read_text()
    assert f'#define SYSLAB_VERSION "{syslab.version}"' in header
    assert f"#define SYSLAB_VERSION_NUMBER {syslab.version_number}" in header


def test_catalogue_lists_builtins_with_parameters():
    with Registry() as r:
        names = r.names()
        for name in ("fixed-latency", "error-burst", "variable-latency"):
            assert name in names
        spec = r.scenario("fixed-latency")
        delay = next(p for p in spec["parameters"] if p["name"] == "delay_ms")
        assert delay["type"] == "integer" and delay["unit"] == "ms" and delay["max"] > delay["min"]
        assert spec["notes"]["how_to_mitigate"]


def test_enable_status_and_expiry_with_manual_clock():
    with Registry(manual_clock=True) as r:
        r.enable("fixed-latency", {"delay_ms": 150}, ttl=30)
        (entry,) = r.status()["enabled"]
        assert entry["params"] == {"delay_ms": 150}
        assert entry["expires_at"] - entry["enabled_at"] == pytest.approx(30)
        assert r.decide(route="/x") == [
            {"scenario": "fixed-latency", "kind": "delay", "seconds": pytest.approx(0.15), "status": 0, "amount": 0}
        ]
        r.advance_clock(29.9)
        assert r.enabled() == ["fixed-latency"]
        r.advance_clock(0.2)
        assert r.enabled() == []
        assert r.decide(route="/x") == []


def test_out_of_range_message_names_parameter_and_range():
    with Registry() as r:
        with pytest.raises(SyslabError) as info:
            r.enable("fixed-latency", {"delay_ms": 70000})
        assert info.value.status == syslab.ERANGE
        assert "delay_ms" in info.value.message and "[0, 60000]" in info.value.message


@pytest.mark.parametrize(
    "name, params, status, fragment",
    [
        ("no-such-scenario", None, syslab.ENOTFOUND, "unknown scenario 'no-such-scenario'"),
        ("fixed-latency", "{not json", syslab.EJSON, "malformed JSON"),
        ("fixed-latency", {"delay_ms": "slow"}, syslab.ETYPE, "must be an integer, got string"),
        ("fixed-latency", {"delay_ms": 1.5}, syslab.ETYPE, "must be an integer"),
        ("fixed-latency", {"bogus": 1}, syslab.EINVAL, "unknown parameter 'bogus'"),
        ("fixed-latency", [1, 2], syslab.ETYPE, "must be a JSON object"),
        ("error-burst", {"probability": 1.5}, syslab.ERANGE, "[0, 1]"),
        ("error-burst", {"status_code": 200}, syslab.ERANGE, "status_code"),
        ("variable-latency", {"distribution": "gamma"}, syslab.ERANGE, "must be one of"),
        ("fixed-latency", {"target": {"probability": 2}}, syslab.ERANGE, "target.probability"),
    ],
)
def test_bad_input_gives_status_and_message(name, params, status, fragment):
    with Registry() as r:
        with pytest.raises(SyslabError) as info:
            r.enable(name, params)
        assert info.value.status == status
        assert fragment in info.value.message
        assert r.enabled() == []


def test_invalid_utf8_is_rejected():
    with Registry() as r:
        with pytest.raises(SyslabError) as info:
            r.enable("fixed-latency\udcff")
        assert info.value.status == syslab.EUTF8


def test_error_burst_rate_is_close_to_probability():
    with Registry(seed=7) as r:
        r.enable("error-burst", {"probability": 0.25, "status_code": 503})
        hits = sum(1 for _ in range(4000) if r.decide(route="/"))
        # Binomial(4000, 0.25): sd = 27; 5 sd = 137.
        assert abs(hits - 1000) < 137


def test_same_seed_same_decisions():
    def run():
        with Registry(seed=42) as r:
            r.enable("variable-latency", {"distribution": "exponential", "mean_ms": 50})
            return [r.decide()[0]["seconds"] for _ in range(50)]

    assert run() == run()


def test_targeting_by_route_and_method():
    with Registry() as r:
        r.enable("fixed-latency", {"delay_ms": 10, "target": {"route": "/api/*", "method": "POST"}})
        assert r.decide(route="/api/orders", method="POST")
        assert not r.decide(route="/api/orders", method="GET")
        assert not r.decide(route="/health", method="POST")


def test_lua_defined_scenario_joins_the_registry():
    with Registry() as r:
        r.load_lua_string(
            """
            registry:define{
              name = "py-visible", category = "custom", summary = "defined in Lua",
              params = {{name = "ms", type = "integer", default = 7, min = 0, max = 100, unit = "ms"}},
              apply = function(ctx, p) return {kind = "delay", seconds = p.ms / 1000} end,
            }
            """
        )
        assert "py-visible" in r.names()
        r.enable("py-visible", {"ms": 20})
        assert r.decide()[0]["seconds"] == pytest.approx(0.02)
        with pytest.raises(SyslabError) as info:
            r.enable("py-visible", {"ms": 101})
        assert info.value.status == syslab.ERANGE


def test_lua_error_in_apply_is_a_clean_error():
    with Registry() as r:
        r.load_lua_string('registry:define{name = "broken", apply = function() error("boom") end}', "broken.lua")
        r.enable("broken")
        with pytest.raises(SyslabError) as info:
            r.decide()
        assert info.value.status == syslab.ESCRIPT
        assert "boom" in info.value.message and "broken" in info.value.message


def test_lua_syntax_error_and_missing_file():
    with Registry() as r:
        with pytest.raises(SyslabError) as info:
            r.load_lua_string("registry:define{", "bad.lua")
        assert info.value.status == syslab.ESCRIPT
        with pytest.raises(SyslabError) as info:
            r.load_lua("/nonexistent/scenario.lua")
        assert info.value.status == syslab.EIO


def test_runaway_lua_apply_is_stopped():
    with Registry() as r:
        r.load_lua_string('registry:define{name = "spin", apply = function() while true do end end}')
        r.enable("spin")
        with pytest.raises(SyslabError) as info:
            r.decide()
        assert "instruction limit" in info.value.message


def test_lua_scenario_called_from_many_threads():
    with Registry(seed=1) as r:
        r.load_lua_string(
            'local n = 0\n'
            'registry:define{name = "counter", apply = function() n = n + 1; return {kind = "delay", seconds = n} end}'
        )
        r.enable("counter")
        results, errors = [], []

        def worker():
            try:
                for _ in range(200):
                    results.append(r.decide()[0]["seconds"])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        # Serialised calls: every increment is seen exactly once.
        assert sorted(results) == list(range(1, 801))


def test_closed_registry_raises():
    r = Registry()
    r.close()
    r.close()  # idempotent
    with pytest.raises(ValueError):
        r.status()
