"""Load acceptance: 10,000 mixed control requests and 10,000 /metrics
scrapes, sent at the same time over several keep-alive connections, all
answered without error. Prints the elapsed time and the rate (a figure,
not a threshold: the machine is shared)."""
import http.client
import json
import os
import random
import threading
import time

import pytest

from conftest import Server, token

CONTROL_REQUESTS = int(os.environ.get("SERVE_LOAD_CONTROL", "10000"))
SCRAPES = int(os.environ.get("SERVE_LOAD_SCRAPES", "10000"))
CONNECTIONS = 4  # per kind: 4 control and 4 scrape connections, each keep-alive


def worker(server, bearer, requests, failures, counts, index):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
    headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
    done = 0
    for method, path, body in requests:
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != 200:
                failures.append((method, path, response.status, payload[:200]))
            elif path == "/metrics":
                if b"simulator_scenarios_enabled" not in payload:
                    failures.append((method, path, "metrics text without simulator_scenarios_enabled"))
            else:
                expected = "scenarios" if path.endswith("/scenarios") else "enabled"
                if expected not in json.loads(payload):
                    failures.append((method, path, f"no '{expected}' in the answer"))
            if response.getheader("Connection", "").lower() == "close":
                failures.append((method, path, "server closed the keep-alive connection"))
                conn.close()
                conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        except Exception as error:  # noqa: BLE001 - every failure is recorded and reported
            failures.append((method, path, repr(error)))
            conn.close()
            conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        done += 1
    counts[index] = done
    conn.close()


def control_requests(n, seed):
    rng = random.Random(seed)
    names = ["fixed-latency", "error-burst", "variable-latency"]
    out = []
    for _ in range(n):
        kind = rng.choice(["status", "scenarios", "enable", "disable", "reset"])
        if kind == "status":
            out.append(("GET", "/api/sim/status", None))
        elif kind == "scenarios":
            out.append(("GET", "/api/workspaces/default/sim/scenarios", None))
        elif kind == "enable":
            body = {"name": rng.choice(names), "ttl_seconds": rng.choice([0, 30, 60])}
            out.append(("POST", "/api/sim/enable", json.dumps(body)))
        elif kind == "disable":
            out.append(("POST", "/api/sim/disable", json.dumps({"name": rng.choice(names)})))
        else:
            out.append(("POST", "/api/sim/reset", None))
    return out


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_ten_thousand_control_requests_and_scrapes(store, request):
    server = Server(*(["--redis", request.getfixturevalue("redis_url")] if store == "redis" else []))
    try:
        bearer = token("operator", "*")
        control = control_requests(CONTROL_REQUESTS, seed=10)
        scrapes = [("GET", "/metrics", None)] * SCRAPES
        plan = [control[i::CONNECTIONS] for i in range(CONNECTIONS)] + [scrapes[i::CONNECTIONS] for i in range(CONNECTIONS)]
        failures, counts = [], [0] * len(plan)
        threads = [threading.Thread(target=worker, args=(server, bearer, part, failures, counts, i)) for i, part in enumerate(plan)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        total = sum(counts)
        print(f"\nload ({store}): {CONTROL_REQUESTS} control requests + {SCRAPES} /metrics scrapes over "
              f"{2 * CONNECTIONS} keep-alive connections: {elapsed:.2f} s, {total / elapsed:.0f} requests/s")
        assert total == CONTROL_REQUESTS + SCRAPES
        assert not failures, f"{len(failures)} failed, first: {failures[:5]}"
        assert server.process.poll() is None
    finally:
        server.stop()
