"""`syslab serve` over HTTP: the seed's contract, workspaces, auth, hostile input."""
import http.client
import json

import jwt
import pytest

from conftest import SECRET, Server, run_syslab, token


def call(server, method, path, body=None, bearer=None, raw=None, headers=None):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    hdrs = dict(headers or {})
    if bearer:
        hdrs["Authorization"] = f"Bearer {bearer}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        hdrs.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=data, headers=hdrs)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    kind = response.getheader("Content-Type", "")
    return response.status, (json.loads(payload) if kind.startswith("application/json") else payload.decode()), response


def test_seed_contract_round_trip(server):
    op = token("operator", "default")
    status, body, _ = call(server, "GET", "/api/sim/scenarios", bearer=op)
    assert status == 200 and any(s["name"] == "error-burst" for s in body["scenarios"])
    status, body, _ = call(server, "POST", "/api/sim/enable", bearer=op, body={
        "name": "error-burst", "params": {"probability": 1}, "ttl_seconds": 30, "target": {"route": "/api/*"}})
    assert status == 200, body
    [entry] = body["enabled"]
    assert entry["name"] == "error-burst" and entry["params"]["probability"] == 1
    assert entry["target"]["route"] == "/api/*" and 29 < entry["remaining_seconds"] <= 30
    status, body, _ = call(server, "GET", "/api/sim/status", bearer=op)
    assert status == 200 and [e["name"] for e in body["enabled"]] == ["error-burst"]
    status, body, _ = call(server, "POST", "/api/sim/disable", bearer=op, body={"name": "error-burst"})
    assert status == 200 and body["enabled"] == []
    call(server, "POST", "/api/sim/enable", bearer=op, body={"name": "fixed-latency"})
    status, body, _ = call(server, "POST", "/api/sim/reset", bearer=op)
    assert status == 200 and body["enabled"] == []


def test_workspaces_and_metrics_label(server):
    admin = token("admin", "*")
    status, body, _ = call(server, "POST", "/api/workspaces", bearer=admin, body={"name": "team-a"})
    assert status == 201 and body == {"workspace": "team-a"}
    status, body, _ = call(server, "POST", "/api/workspaces", bearer=admin, body={"name": "team-a"})
    assert status == 409 and body["error"]["status"] == "already exists"
    status, body, _ = call(server, "POST", "/api/workspaces/team-a/sim/enable", bearer=admin, body={"name": "error-burst"})
    assert status == 200 and body["workspace"] == "team-a"
    status, body, _ = call(server, "GET", "/api/sim/status", bearer=admin)
    assert body["enabled"] == []
    status, text, response = call(server, "GET", "/metrics", bearer=token("viewer", "team-a"))
    assert status == 200 and response.getheader("Content-Type").startswith("text/plain; version=0.0.4")
    assert 'simulator_scenarios_enabled{workspace="team-a"} 1' in text
    assert 'simulator_scenarios_enabled{workspace="default"} 0' in text
    status, body, _ = call(server, "GET", "/api/workspaces", bearer=admin)
    assert body["workspaces"] == ["default", "team-a"]
    status, body, _ = call(server, "DELETE", "/api/workspaces/team-a", bearer=admin)
    assert status == 200
    status, body, _ = call(server, "GET", "/api/workspaces/team-a/sim/status", bearer=admin)
    assert status == 404 and body["error"]["status"] == "not found"


def test_auth_401_and_403(server):
    enable = ("POST", "/api/workspaces/default/sim/enable")
    body = {"name": "error-burst"}
    expired = token("operator", "default", ttl="1ms")
    unsigned = jwt.encode({"role": "admin", "workspaces": ["*"], "exp": 4102444800}, key=None, algorithm="none")
    wrong_key = jwt.encode({"role": "admin", "workspaces": ["*"], "exp": 4102444800}, "another-secret-0123456789-0123456789", algorithm="HS256")
    hs512 = jwt.encode({"role": "admin", "workspaces": ["*"], "exp": 4102444800}, SECRET * 2, algorithm="HS512")
    no_exp = jwt.encode({"role": "admin", "workspaces": ["*"]}, SECRET, algorithm="HS256")
    bad_role = jwt.encode({"role": "root", "workspaces": ["*"], "exp": 4102444800}, SECRET, algorithm="HS256")
    for label, bearer in [("none", None), ("expired", expired), ("alg none", unsigned), ("wrong key", wrong_key),
                          ("HS512", hs512), ("no exp", no_exp), ("unknown role", bad_role), ("garbage", "x.y.z")]:
        status, answer, response = call(server, *enable, body=body, bearer=bearer)
        assert status == 401, label
        assert answer["error"]["status"] == "unauthorized" and response.getheader("WWW-Authenticate") == "Bearer"
    # pyjwt-minted tokens with the right secret work like syslab's own.
    good = jwt.encode({"role": "operator", "workspaces": ["default"], "exp": 4102444800}, SECRET, algorithm="HS256")
    assert call(server, *enable, body=body, bearer=good)[0] == 200
    viewer = token("viewer", "*")
    assert call(server, "GET", "/api/sim/status", bearer=viewer)[0] == 200
    for method, path, payload in [("POST", "/api/sim/enable", body), ("POST", "/api/sim/reset", None),
                                  ("POST", "/api/workspaces", {"name": "x"}), ("DELETE", "/api/workspaces/default", None)]:
        status, answer, _ = call(server, method, path, body=payload, bearer=viewer)
        assert status == 403 and answer["error"]["status"] == "forbidden", path
    other = token("operator", "team-b")
    assert call(server, "POST", "/api/sim/reset", bearer=other)[0] == 403
    assert call(server, "POST", "/api/workspaces", body={"name": "y"}, bearer=token("operator", "*"))[0] == 403
    assert call(server, "GET", "/healthz")[0] == 200
    assert call(server, "GET", "/metrics")[0] == 401
    assert call(server, "GET", "/metrics", bearer=viewer)[0] == 200


def test_metrics_open_and_no_secret():
    s = Server("--metrics-open")
    try:
        assert call(s, "GET", "/metrics")[0] == 200
        assert call(s, "GET", "/api/sim/status")[0] == 401
    finally:
        s.stop()


def test_refuses_non_loopback_without_secret():
    done = run_syslab("serve", "--listen", "0.0.0.0:0", env={"SYSLAB_JWT_SECRET": ""}, timeout=30)
    assert done.returncode == 1
    assert "refusing to listen on 0.0.0.0:0 without a JWT secret" in done.stderr


def test_hostile_input_gets_4xx_json(open_server):
    import syslab
    cases = [
        (b"{", 400, "malformed JSON"),
        (b"", 400, "malformed JSON"),
        (b"[" * 10_000, 400, "malformed JSON"),
        (b'{"name": "\xff\xfe"}', 400, "invalid UTF-8"),
        (b'{"name": "fixed-latency", "params": {"delay_ms": 100000000}}', 400, "value out of range"),
        (b'{"name": "fixed-latency", "params": {"delay_ms": "slow"}}', 400, "wrong type"),
        (b'{"name": "no-such-scenario"}', 404, "not found"),
        (b'{"name": "fixed-latency", "params": {"nope": 1}}', 400, "invalid argument"),
        (b'{"name": "' + b"a" * (2 << 20) + b'"}', 413, "limit exceeded"),
    ]
    # The status words are the C ABI's (syslab_strerror of SYSLAB_E*).
    abi_texts = {syslab.strerror(code) for code in range(-13, 0)}
    for raw, code, text in cases:
        status, body, _ = call(open_server, "POST", "/api/sim/enable", raw=raw)
        assert status == code, (raw[:40], body)
        assert body["error"]["status"] == text and text in abi_texts and body["error"]["message"]
    status, body, _ = call(open_server, "GET", "/no/such/route")
    assert status == 404 and body["error"]["status"] == "not found"
    status, body, _ = call(open_server, "GET", "/api/workspaces/%FF%00/sim/status")
    assert status in (400, 404) and "error" in body
    status, _, _ = call(open_server, "GET", "/healthz")
    assert status == 200


def test_command_line(open_server):
    done = run_syslab("scenarios", "--json")
    assert done.returncode == 0 and any(s["name"] == "error-burst" for s in json.loads(done.stdout)["scenarios"])
    done = run_syslab("scenarios")
    assert done.returncode == 0 and "error-burst" in done.stdout
    done = run_syslab("enable", "error-burst")
    assert done.returncode == 1 and "needs --redis" in done.stderr
    done = run_syslab("enable", "error-burst", "--ttl", "soon", "--redis", "redis://127.0.0.1:1/0")
    assert done.returncode == 1 and "invalid argument" in done.stderr and "--ttl" in done.stderr
    done = run_syslab("token", "--role", "root", "--workspace", "*", env={"SYSLAB_JWT_SECRET": SECRET})
    assert done.returncode == 1 and "--role must be viewer, operator or admin" in done.stderr
    done = run_syslab("serve", "--print-routes")
    assert done.returncode == 0 and "POST /api/sim/enable" in done.stdout.splitlines()


def test_short_secret_is_refused():
    done = run_syslab("serve", "--listen", "127.0.0.1:0", env={"SYSLAB_JWT_SECRET": "too-short"}, timeout=30)
    assert done.returncode == 1 and "at least 32 bytes" in done.stderr
