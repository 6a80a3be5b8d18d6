"""Feeds mutated but mostly well-formed inputs to every JSON entry point
(scenario parameters, queue models, load tests, topologies, trace exports).
Run as a child process by test_fuzz.py, so a crash in the library shows as a
failed test with the input that caused it, instead of killing pytest.

    python fuzz_inputs.py SURFACE SEED COUNT
"""

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import syslab  # noqa: E402
from syslab import SyslabError, simulation, tracing  # noqa: E402

EXTREMES = [0, -1, 1, 2**31, 2**63, -2**63, 10**20, 1e308, -1e308, 1e-308, 0.5, "", "x" * 300, "\u00e9\u4e2d",
            None, True, False, [], {}, [1, 2], {"a": 1}, "1s", "-5s", "1e9h", "NaN", "999999h"]
def extreme(rng):
    """A fresh copy of one extreme value (lists and dicts must not be shared)."""
    return json.loads(json.dumps(rng.choice(EXTREMES)))


def paths(value, prefix=()):
    """Every place in a JSON value: (container path, key) pairs."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(prefix + (k,))
            out += paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append(prefix + (i,))
            out += paths(v, prefix + (i,))
    return out


def mutate(value, rng):
    """A copy of `value` with one to three places changed: replaced by an
    extreme or wrong-typed value, a number scaled, a member deleted, or an
    unexpected member added. Most of the input stays valid, so the faults
    reach deep into the code that uses it."""
    value = json.loads(json.dumps(value))
    for _ in range(rng.randint(1, 3)):
        places = paths(value)
        if not places:
            return extreme(rng)
        *parent_path, key = rng.choice(places)
        parent = value
        for step in parent_path:
            parent = parent[step]
        action = rng.random()
        current = parent[key]
        if action < 0.45:
            parent[key] = extreme(rng)
        elif action < 0.75 and isinstance(current, (int, float)) and not isinstance(current, bool):
            parent[key] = rng.choice([current * 1000, -current, current + 1, 0, current / 1000, current * 1e300])
        elif action < 0.9:
            del parent[key]
        elif isinstance(parent, dict):
            parent["unexpected"] = extreme(rng)
    return value


LOADTEST = {
    "system": {"template": "api-gateway-microservices",
               "nodes": {"orders-db": {"servers": 32, "queue": 100}},
               "edges": {"orders->orders-db": {"pool": {"size": 20, "wait_timeout": "2s"}, "timeout": "3s",
                                               "retries": 2}}},
    "workload": {"executor": "ramping-arrival-rate", "startRate": 10,
                 "stages": [{"target": 100, "duration": "3s"}, {"target": 50, "duration": "2s"}]},
    "scenarios": [{"name": "connection-pool-exhaustion", "at": "1s", "duration": "2s",
                   "params": {"pool_size": 10, "hold_ms": 100}},
                  {"name": "retry-storm", "at": "2s", "duration": "1s"}],
    "thresholds": {"http_req_duration": ["p(99)<500"], "http_req_failed": ["rate<0.01"]},
    "options": {"seed": 1, "interval": "1s", "max_requests": 200000, "traces": {"head": 0.01, "max": 5}},
}
QUEUE = {"lambda": 350, "mu": 100, "servers": 4, "capacity": 10, "customers": 20000, "seed": 1}
TEMPLATES = ["simple", "kafka-fanout", "api-gateway-microservices", "rag-pipeline", "upload-s3"]


def run(surface: str, seed: int, count: int, last: Path) -> None:
    rng = random.Random(seed)
    registry = syslab.Registry(seed=seed)
    names = registry.names()
    store = tracing.Templates(str(last.parent / "templates"))
    for _ in range(count):
        if surface == "enable":
            name = rng.choice(names)
            defaults = {p["name"]: p["default"] for p in registry.scenario(name)["parameters"]}
            params = mutate(defaults, rng)
            last.write_text(json.dumps({"enable": name, "params": params}))
            try:
                registry.enable(name, params, ttl=rng.choice([0, 1, -1, 1e308]))
                for _ in range(10):
                    registry.decide(route=rng.choice(["/", "/api/x", ""]), method="GET",
                                    component=rng.choice(["postgres", "redis", "backend", ""]))
            except SyslabError:
                pass
        elif surface == "queue":
            model = mutate(QUEUE, rng)
            last.write_text(json.dumps(model))
            try:
                simulation.queue(model)
            except SyslabError:
                pass
        elif surface == "loadtest":
            test = mutate(LOADTEST, rng)
            last.write_text(json.dumps(test))
            try:
                with simulation.loadtest(test) as report:
                    report.summary(), report.json(), report.series_csv(), report.traces()
            except SyslabError:
                pass
        elif surface == "topology":
            topology = mutate(store.get(rng.choice(TEMPLATES))["topology"], rng)
            last.write_text(json.dumps(topology))
            try:
                trace = tracing.generate(topology=topology, variant=rng.choice(["success", "slow", "error"]), seed=seed)
                for fmt in ("otlp-json", "jaeger-json", "zipkin-json", "waterfall", "svg", "analysis-json"):
                    trace.export(fmt)
            except SyslabError:
                pass
        else:
            raise SystemExit(f"unknown surface {surface}")


if __name__ == "__main__":
    surface, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    run(surface, seed, count, Path(sys.argv[4]))
    print(f"{surface}: {count} inputs, no crash")
