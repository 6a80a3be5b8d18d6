"""The control mount (syslab.control) on the ASGI and WSGI middlewares, in
process: routes, errors, hostile bodies, JWT auth, and that nothing under the
prefix is ever faulted while nothing else is exempt. tests/test_servers.py
runs the same mount under uvicorn, gunicorn and waitress."""

import base64
import json
import time

import pytest

from syslab import Registry
from syslab.control import DRAIN_BYTES, MAX_BODY_BYTES
from syslab.middleware import ASGIMiddleware, WSGIMiddleware

jwt = pytest.importorskip("jwt")
httpx = pytest.importorskip("httpx")
pytest.importorskip("starlette")
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

SECRET = "control-mount-test-secret-" + "0123456789" * 4  # 66 bytes: long enough for HS512 too
PREFIX = "/_syslab"
HELLO = "0123456789" * 10


def token(role="operator", workspaces=("default",), secret=SECRET, algorithm="HS256", expires_in=300, **extra):
    claims = {"role": role, "workspaces": workspaces if isinstance(workspaces, str) else list(workspaces),
              "exp": int(time.time()) + expires_in, **extra}
    return jwt.encode(claims, secret, algorithm=algorithm)


def bearer(value):
    return {"authorization": f"Bearer {value}"}


def unsigned_token(role="admin"):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'role': role, 'workspaces': '*'})}."


def hello(request):
    return PlainTextResponse(HELLO)


def wsgi_hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
    return [HELLO.encode()]


def make_client(kind, registry, **options):
    """An httpx-style client on the middleware of `kind` ("asgi" or "wsgi")."""
    if kind == "asgi":
        app = ASGIMiddleware(Starlette(routes=[Route("/{path:path}", hello)]), registry, **options)
        return TestClient(app, base_url="http://testserver")
    app = WSGIMiddleware(wsgi_hello, registry, **options)
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://testserver")


@pytest.fixture
def registry():
    with Registry(seed=3, manual_clock=True) as r:
        yield r


@pytest.fixture(params=["asgi", "wsgi"])
def kind(request):
    return request.param


@pytest.fixture
def open_client(kind, registry):
    """A mount without authentication (insecure=True)."""
    with make_client(kind, registry, control_prefix=PREFIX, insecure=True) as c:
        yield c


@pytest.fixture
def client(kind, registry):
    """A mount that checks tokens."""
    with make_client(kind, registry, control_prefix=PREFIX, jwt_secret=SECRET) as c:
        yield c


def error_of(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message"}
    return body["error"]["status"], body["error"]["message"]


# -- set-up ------------------------------------------------------------------

@pytest.mark.parametrize("middleware", [ASGIMiddleware, WSGIMiddleware])
def test_the_mount_refuses_to_start_without_a_secret(middleware, registry, monkeypatch):
    monkeypatch.delenv("SYSLAB_JWT_SECRET", raising=False)
    with pytest.raises(ValueError, match="insecure=True") as refused:
        middleware(wsgi_hello, registry, control_prefix=PREFIX)
    assert "SYSLAB_JWT_SECRET" in str(refused.value)
    with pytest.raises(ValueError, match="empty"):
        middleware(wsgi_hello, registry, control_prefix=PREFIX, jwt_secret="")
    middleware(wsgi_hello, registry)  # no mount, no secret needed


@pytest.mark.parametrize("prefix", ["/", "", "_syslab", "//"])
def test_a_prefix_must_be_a_path_below_the_root(registry, prefix):
    with pytest.raises(ValueError, match="control_prefix"):
        WSGIMiddleware(wsgi_hello, registry, control_prefix=prefix, insecure=True)


def test_the_secret_can_come_from_the_environment(kind, registry, monkeypatch):
    monkeypatch.setenv("SYSLAB_JWT_SECRET", SECRET)
    with make_client(kind, registry, control_prefix=PREFIX) as c:
        assert c.get(PREFIX + "/api/sim/status").status_code == 401
        assert c.get(PREFIX + "/api/sim/status", headers=bearer(token("viewer"))).status_code == 200


def test_store_options_and_a_registry_are_exclusive(registry):
    with pytest.raises(ValueError, match="either a registry or store options"):
        WSGIMiddleware(wsgi_hello, registry, store="redis://127.0.0.1:1/0")
    with pytest.raises(ValueError, match="need a store URL"):
        WSGIMiddleware(wsgi_hello, workspace="team-a")


def test_without_a_prefix_nothing_is_mounted(kind, registry):
    with make_client(kind, registry) as c:
        response = c.get(PREFIX + "/api/sim/status")
        assert response.status_code == 200 and response.text == HELLO  # the app's own answer


def test_a_middleware_without_registry_opens_its_own(kind):
    with make_client(kind, None, control_prefix=PREFIX, insecure=True) as c:
        assert c.post(PREFIX + "/api/sim/enable", json={"name": "error-burst", "params": {"probability": 1}}) \
            .status_code == 200
        assert c.get("/orders").status_code == 500


# -- the routes ----------------------------------------------------------------

def test_enable_status_disable_reset_round_trip(open_client, registry):
    c = open_client
    catalogue = c.get(PREFIX + "/api/sim/scenarios").json()
    assert catalogue["workspace"] == "default" and catalogue["version"] == 1
    assert [s["name"] for s in catalogue["scenarios"]] == registry.names()

    response = c.post(PREFIX + "/api/sim/enable", json={
        "name": "error-burst", "params": {"probability": 1.0, "status_code": 503}, "ttl_seconds": 30,
        "target": {"route": "/orders"}})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    entry = response.json()["enabled"][0]
    assert entry["name"] == "error-burst" and entry["target"]["route"] == "/orders"
    assert entry["remaining_seconds"] == pytest.approx(30, abs=0.5)
    assert registry.enabled() == ["error-burst"]

    assert c.get("/orders").status_code == 503  # the app's routes are faulted ...
    assert c.get("/other").status_code == 200  # ... where the target says
    status = c.get(PREFIX + "/api/sim/status")
    assert status.status_code == 200 and status.json()["workspace"] == "default"
    assert [e["name"] for e in status.json()["enabled"]] == ["error-burst"]

    assert c.post(PREFIX + "/api/sim/disable", json={"name": "error-burst"}).json()["enabled"] == []
    assert c.get("/orders").status_code == 200
    c.post(PREFIX + "/api/sim/enable", json={"name": "fixed-latency"})
    assert c.post(PREFIX + "/api/sim/reset", json={"ignored": True}).json()["enabled"] == []  # reset takes no body
    assert registry.enabled() == []


def test_target_is_folded_into_the_params(open_client, registry):
    response = open_client.post(PREFIX + "/api/sim/enable", json={
        "name": "error-burst", "params": {"probability": 1.0, "target": {"route": "/a"}}, "target": {"route": "/b"}})
    assert response.status_code == 200 and response.json()["enabled"][0]["target"]["route"] == "/b"
    assert open_client.get("/b").status_code == 500 and open_client.get("/a").status_code == 200


def test_ttl_seconds_expires_the_scenario(open_client, registry):
    open_client.post(PREFIX + "/api/sim/enable", json={"name": "error-burst", "ttl_seconds": 5})
    registry.advance_clock(4.9)
    assert registry.enabled() == ["error-burst"]
    registry.advance_clock(0.2)
    assert open_client.get(PREFIX + "/api/sim/status").json()["enabled"] == []


def test_metrics_are_the_registry_prometheus_text(open_client, registry):
    open_client.post(PREFIX + "/api/sim/enable", json={"name": "error-burst", "params": {"probability": 1}})
    assert open_client.get("/orders").status_code == 500
    response = open_client.get(PREFIX + "/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'http_injected_errors_total{scenario="error-burst",status="500"} 1' in response.text


def test_nothing_under_the_prefix_is_faulted_with_every_scenario_enabled(open_client, registry):
    for scenario in registry.catalogue():
        has_probability = any(p["name"] == "probability" for p in scenario["parameters"])
        registry.enable(scenario["name"], {"probability": 1.0} if has_probability else None)
    assert len(registry.enabled()) == len(registry.catalogue())
    # Were the mount decided like any route, these paths would get an error and seconds of delays.
    kinds = {e["kind"] for e in registry.decide(route=PREFIX + "/api/sim/status", method="GET")}
    assert {"error", "delay", "drop"} <= kinds
    before = open_client.get(PREFIX + "/metrics").text
    for _ in range(5):
        for path in ("/api/sim/status", "/api/sim/scenarios", "/metrics"):
            response = open_client.get(PREFIX + path)
            assert response.status_code == 200 and "x-syslab-effects" not in response.headers
    assert open_client.get(PREFIX + "/metrics").text == before  # no decision was counted for the mount
    response = open_client.post(PREFIX + "/api/sim/disable", json={"name": "fixed-latency"})
    assert response.status_code == 200 and "x-syslab-effects" not in response.headers


@pytest.mark.parametrize("path", ["/_syslabx/api/sim/status", "/_syslab-api/sim/status", "/api/_syslab/metrics",
                                  "/x/_syslab"])
def test_only_the_prefix_is_exempt(open_client, registry, path):
    registry.enable("error-burst", {"probability": 1.0, "status_code": 503})
    response = open_client.get(path)
    assert response.status_code == 503 and response.headers["x-syslab-effects"] == "error-burst:error"


def test_unknown_routes_and_methods(open_client):
    for path in (PREFIX, PREFIX + "/", PREFIX + "/api/sim/nope", PREFIX + "/api/workspaces"):
        response = open_client.get(path)
        assert response.status_code == 404 and error_of(response)[0] == "not found"
    response = open_client.get(PREFIX + "/api/sim/enable")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    response = open_client.post(PREFIX + "/metrics")
    assert response.status_code == 405 and response.headers["allow"] == "GET"


# -- bad requests: 4xx with the library's status text, never 500 ---------------

@pytest.mark.parametrize("body, http_status, status_text, message", [
    (b'{"name": "error-burst"', 400, "malformed JSON", "not valid JSON"),
    (b'\xff\xfe{"name": "error-burst"}', 400, "invalid UTF-8", "not valid UTF-8"),
    (b'{"name": "error-burst", "ttl_seconds": NaN}', 400, "malformed JSON", "NaN"),
    (b'{"name": "error-burst", "ttl_seconds": 1e999}', 400, "value out of range", "ttl_seconds"),
    (b'{"name": "error-burst", "ttl_seconds": -1}', 400, "value out of range", "ttl_seconds"),
    (b'{"name": "error-burst", "ttl_seconds": "60s"}', 400, "wrong type", "ttl_seconds"),
    (b'{"name": "error-burst", "ttl_seconds": true}', 400, "wrong type", "ttl_seconds"),
    (b'[1, 2]', 400, "wrong type", "JSON object"),
    (b'', 400, "malformed JSON", "empty"),
    (b'{}', 400, "invalid argument", "needs 'name'"),
    (b'{"name": null}', 400, "invalid argument", "needs 'name'"),
    (b'{"name": 7}', 400, "wrong type", "'name'"),
    (b'{"name": "error-burst", "params": [1]}', 400, "wrong type", "'params'"),
    (b'{"name": "error-burst", "target": "route=/x"}', 400, "wrong type", "'target'"),
    (b'{"name": "error-burst", "ttl": 5}', 400, "invalid argument", "unknown field 'ttl'"),
    (b'{"name": "no-such-scenario"}', 404, "not found", "no-such-scenario"),
    (b'{"name": "\\ud800"}', 400, "invalid UTF-8", ""),
    (b'{"name": "error-burst", "params": {"probability": 2}}', 400, "value out of range", "probability"),
    (b'{"name": "error-burst", "params": {"bogus": 1}}', 400, "invalid argument", "bogus"),
    (b'{"name": "error-burst", "target": {"route": 5}}', 400, "wrong type", "target.route"),
    (b'[' * 100_000 + b']' * 100_000, 413, "limit exceeded", "bytes"),
    (b'[' * 30_000 + b']' * 30_000, 400, "malformed JSON", "not valid JSON"),
])
def test_bad_enable_bodies(open_client, registry, body, http_status, status_text, message):
    response = open_client.post(PREFIX + "/api/sim/enable", content=body, headers={"content-type": "application/json"})
    assert response.status_code == http_status
    status, text = error_of(response)
    assert status == status_text and message in text
    assert registry.enabled() == []


def test_bad_disable_bodies(open_client):
    response = open_client.post(PREFIX + "/api/sim/disable", json={"name": "no-such-scenario"})
    assert response.status_code == 404 and error_of(response)[0] == "not found"
    for body, status in ((b"", "malformed JSON"), (b"{}", "invalid argument"), (b'{"name": "a", "b": 1}',
                                                                                "invalid argument")):
        response = open_client.post(PREFIX + "/api/sim/disable", content=body)
        assert response.status_code == 400 and error_of(response)[0] == status


def test_a_body_over_the_limit_is_413(open_client, registry):
    padding = "x" * MAX_BODY_BYTES
    response = open_client.post(PREFIX + "/api/sim/enable", json={"name": "error-burst", "params": {"pad": padding}})
    assert response.status_code == 413 and error_of(response)[0] == "limit exceeded"
    assert registry.enabled() == []


def test_a_streamed_body_over_the_limit_is_413_under_asgi(registry):
    with make_client("asgi", registry, control_prefix=PREFIX, insecure=True) as c:
        chunks = (b"x" * 8192 for _ in range(MAX_BODY_BYTES // 8192 + 2))  # no Content-Length: chunked
        response = c.post(PREFIX + "/api/sim/enable", content=chunks)
        assert response.status_code == 413


def test_a_declared_length_past_the_drain_limit_is_refused_unread(registry):
    class Unreadable:
        def read(self, *size):
            raise AssertionError("the body was read")

    app = WSGIMiddleware(wsgi_hello, registry, control_prefix=PREFIX, insecure=True)
    seen = {}
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": PREFIX + "/api/sim/enable",
               "CONTENT_LENGTH": str(DRAIN_BYTES + 1), "wsgi.input": Unreadable()}
    body = b"".join(app(environ, lambda status, headers, exc_info=None: seen.update(status=status)))
    assert seen["status"] == "413 Request Entity Too Large" and json.loads(body)["error"]["status"] == "limit exceeded"


def test_a_malformed_content_length_is_400_under_wsgi(registry):
    app = WSGIMiddleware(wsgi_hello, registry, control_prefix=PREFIX, insecure=True)
    seen = {}
    body = b"".join(app({"REQUEST_METHOD": "POST", "PATH_INFO": PREFIX + "/api/sim/reset", "CONTENT_LENGTH": "12x"},
                        lambda status, headers, exc_info=None: seen.update(status=status)))
    assert seen["status"] == "400 Bad Request" and "Content-Length" in json.loads(body)["error"]["message"]


# -- authentication --------------------------------------------------------------

def test_tokens_wrong_expired_or_unsigned_get_401(client):
    url = PREFIX + "/api/sim/status"
    for headers in ({}, {"authorization": "Basic dXNlcjpwYXNz"}, {"authorization": "Bearer"},
                    bearer("not-a-token"), bearer(token(secret=SECRET[::-1])),
                    bearer(token(expires_in=-60)), bearer(unsigned_token()),
                    bearer(token(algorithm="HS512")), bearer(token(role="root")),
                    bearer(token(workspaces="default")), bearer(token(comment="x" * 9000)),
                    bearer(jwt.encode({"role": "admin", "workspaces": "*"}, SECRET, algorithm="HS256"))):
        response = client.get(url, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer" and error_of(response)[0] == "unauthorized"
    assert "expired" in error_of(client.get(url, headers=bearer(token(expires_in=-60))))[1]


def test_roles_and_workspaces(client, registry):
    enable = PREFIX + "/api/sim/enable"
    body = {"name": "fixed-latency", "params": {"delay_ms": 10}}
    viewer = bearer(token("viewer"))
    assert client.get(PREFIX + "/api/sim/status", headers=viewer).status_code == 200
    assert client.get(PREFIX + "/api/sim/scenarios", headers=viewer).status_code == 200
    response = client.post(enable, json=body, headers=viewer)
    assert response.status_code == 403 and error_of(response)[0] == "forbidden"
    assert client.post(PREFIX + "/api/sim/reset", headers=viewer).status_code == 403

    other_workspace = bearer(token("admin", workspaces=["team-b"]))
    response = client.get(PREFIX + "/api/sim/status", headers=other_workspace)
    assert response.status_code == 403 and "'default'" in error_of(response)[1]
    assert client.post(enable, json=body, headers=other_workspace).status_code == 403
    assert registry.enabled() == []

    for role, workspaces in (("operator", ["team-b", "default"]), ("operator", "*"), ("admin", ["default"])):
        response = client.post(enable, json=body, headers=bearer(token(role, workspaces)))
        assert response.status_code == 200, (role, workspaces)
        assert client.post(PREFIX + "/api/sim/disable", json={"name": "fixed-latency"},
                           headers=bearer(token(role, workspaces))).status_code == 200


def test_a_refused_request_changes_nothing_even_when_malformed(client, registry):
    # Authentication comes before the body is looked at.
    response = client.post(PREFIX + "/api/sim/enable", content=b"{oops")
    assert response.status_code == 401
    response = client.post(PREFIX + "/api/sim/enable", content=b"{oops", headers=bearer(token()))
    assert response.status_code == 400


def test_metrics_need_any_valid_token_unless_open(kind, registry):
    with make_client(kind, registry, control_prefix=PREFIX, jwt_secret=SECRET) as c:
        assert c.get(PREFIX + "/metrics").status_code == 401
        assert c.get(PREFIX + "/metrics", headers=bearer(token(expires_in=-1))).status_code == 401
        assert c.get(PREFIX + "/metrics", headers=bearer(token("viewer", ["elsewhere"]))).status_code == 200
    with make_client(kind, registry, control_prefix=PREFIX, jwt_secret=SECRET, metrics_open=True) as c:
        assert c.get(PREFIX + "/metrics").status_code == 200
        assert c.get(PREFIX + "/api/sim/status").status_code == 401  # only /metrics is opened
