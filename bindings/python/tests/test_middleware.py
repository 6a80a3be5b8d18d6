import json
import time

import pytest

from syslab import Registry
from syslab.middleware import ASGIMiddleware, WSGIMiddleware

starlette = pytest.importorskip("starlette")
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402


def hello(request):
    return PlainTextResponse("0123456789" * 10)


@pytest.fixture
def registry():
    with Registry(seed=1) as r:
        yield r


@pytest.fixture
def client(registry):
    app = ASGIMiddleware(Starlette(routes=[Route("/api/orders", hello), Route("/health", hello)]), registry,
                         component="backend")
    return TestClient(app)


def test_no_scenario_passes_through(client):
    response = client.get("/api/orders")
    assert response.status_code == 200 and response.text == "0123456789" * 10
    assert "x-syslab-effects" not in response.headers  # only responses that had effects carry it


def test_error_burst_answers_the_status(client, registry):
    registry.enable("error-burst", {"probability": 1.0, "status_code": 503, "target": {"route": "/api/*"}})
    response = client.get("/api/orders")
    assert response.status_code == 503
    assert response.json()["scenario"] == "error-burst"
    assert client.get("/health").status_code == 200


def test_error_rate_follows_probability(client, registry):
    registry.enable("error-burst", {"probability": 0.3, "status_code": 500})
    failures = sum(client.get("/api/orders").status_code == 500 for _ in range(600))
    # Binomial(600, 0.3): sd = 11.2; allow 5 sd.
    assert abs(failures - 180) < 56


def test_fixed_latency_delays_the_response(client, registry):
    registry.enable("fixed-latency", {"delay_ms": 120})
    start = time.perf_counter()
    response = client.get("/api/orders")
    assert time.perf_counter() - start >= 0.12
    assert response.headers["x-syslab-effects"] == "fixed-latency:delay"


def test_lua_scenario_truncates_and_throttles(client, registry):
    registry.load_lua_string(
        """
        registry:define{name = "half-body", apply = function() return {kind = "truncate", amount = 0.5} end}
        registry:define{name = "slow-down", apply = function(ctx)
          if ctx.method == "POST" then return {kind = "throttle", status = 429, seconds = 7} end
        end}
        """
    )
    registry.enable("half-body")
    assert len(client.get("/api/orders").content) == 50
    registry.enable("slow-down")
    app = client.app
    response = TestClient(app).post("/api/orders")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"


def test_idle_wsgi_request_reaches_the_app_untouched(registry):
    # With nothing enabled the server must see the app's own response object
    # (its len(), close() and wsgi.file_wrapper stay visible, so Content-Length,
    # sendfile and the server's write pattern are unchanged), and the app the
    # server's own environ and start_response.
    class FileLike:
        def read(self, size=-1):
            return b""

    received = {}

    def app(environ, start_response):
        received["environ"], received["start_response"] = environ, start_response
        received["keys"] = set(environ)
        return environ["wsgi.file_wrapper"](FileLike())

    class FileWrapper:
        def __init__(self, f):
            self.f = f

        def close(self):
            pass

    environ = {"PATH_INFO": "/x", "REQUEST_METHOD": "GET", "wsgi.file_wrapper": FileWrapper}
    keys = set(environ)

    def start_response(status, headers, exc_info=None):
        pass

    result = WSGIMiddleware(app, registry, component="backend")(environ, start_response)
    assert type(result) is FileWrapper
    assert received["environ"] is environ and received["start_response"] is start_response
    assert received["keys"] == keys == set(environ)


def test_idle_asgi_request_reaches_the_app_untouched(registry):
    import asyncio

    received = {}

    async def app(scope, receive, send):
        received["args"] = (scope, receive, send)
        received["keys"] = set(scope)

    scope = {"type": "http", "path": "/x", "method": "GET"}

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        pass

    asyncio.run(ASGIMiddleware(app, registry, component="backend")(scope, receive, send))
    assert received["args"][0] is scope and received["args"][1] is receive and received["args"][2] is send
    assert received["keys"] == {"type", "path", "method"}


def test_wsgi_middleware_applies_errors_and_truncation(registry):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "10")])
        return [b"0123456789"]

    wrapped = WSGIMiddleware(app, registry)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    assert b"".join(wrapped({"PATH_INFO": "/x", "REQUEST_METHOD": "GET"}, start_response)) == b"0123456789"
    assert seen["status"] == "200 OK"
    registry.enable("error-burst", {"probability": 1.0, "status_code": 502})
    body = b"".join(wrapped({"PATH_INFO": "/x", "REQUEST_METHOD": "GET"}, start_response))
    assert seen["status"].startswith("502") and json.loads(body)["scenario"] == "error-burst"
    assert seen["headers"]["X-Syslab-Effects"] == "error-burst:error"


def test_memory_retention_is_kept_until_the_scenario_is_disabled(registry):
    registry.load_lua_string(
        'registry:define{name = "keep-a-megabyte", apply = function() return {kind = "memory_retention", amount = 1e6} end}')
    wrapped = WSGIMiddleware(lambda environ, start_response: [b""], registry)
    registry.enable("keep-a-megabyte")
    for _ in range(3):
        wrapped({"PATH_INFO": "/x", "REQUEST_METHOD": "GET"}, lambda *a: None)
    retention = wrapped.injector.retention
    assert retention.kept_bytes == 3_000_000
    registry.disable("keep-a-megabyte")
    deadline = time.monotonic() + 5
    while retention.kept_bytes and time.monotonic() < deadline:
        time.sleep(0.1)
    assert retention.kept_bytes == 0


def test_fanout_runs_its_work_off_the_request_path(registry):
    registry.load_lua_string(
        'registry:define{name = "storm", apply = function() return {kind = "fanout", amount = 20, seconds = 0.01} end}')
    wrapped = WSGIMiddleware(lambda environ, start_response: [b""], registry)
    registry.enable("storm")
    start = time.perf_counter()
    wrapped({"PATH_INFO": "/x", "REQUEST_METHOD": "GET"}, lambda *a: None)
    assert time.perf_counter() - start < 0.1  # 0.2 s of work, none of it on the request
    fanout = wrapped.injector.fanout
    deadline = time.monotonic() + 5
    while fanout.backlog > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fanout.backlog == 0 and fanout.done >= 0.19


def test_a_failing_scenario_is_logged_and_the_request_served(client, registry, caplog):
    registry.load_lua_string('registry:define{name = "broken", apply = function() error("boom") end}')
    registry.enable("broken")
    with caplog.at_level("ERROR", logger="syslab.middleware"):
        response = client.get("/api/orders")
    assert response.status_code == 200 and response.text == "0123456789" * 10
    assert "syslab decision failed" in caplog.text and "boom" in caplog.text


def test_drop_falls_back_to_502_where_the_connection_cannot_be_closed(client, registry):
    # The test client is no uvicorn: there is no transport to close.
    registry.load_lua_string('registry:define{name = "drop-it", apply = function() return {kind = "drop", status = 499} end}')
    registry.enable("drop-it")
    response = client.get("/api/orders")
    assert response.status_code == 502 and response.json() == {"error": "injected drop", "scenario": "drop-it"}
    assert "connection" not in response.headers


def test_idle_requests_make_no_call_into_the_library(registry, monkeypatch):
    """While nothing is enabled the middleware reads the registry's enabled
    count in place and makes no foreign call; once something is enabled,
    exactly one call per request."""
    import syslab.decision as decision

    calls = []
    real = decision._decide

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(decision, "_decide", counting)
    seen = []

    def app(environ, start_response):
        seen.append(environ.get("syslab.effects"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    wrapped = WSGIMiddleware(app, registry, component="backend")

    def request():
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "wsgi.input": None}
        return b"".join(wrapped(environ, lambda status, headers, exc_info=None: None))

    for _ in range(5):
        assert request() == b"ok"
    assert calls == []
    registry.enable("fixed-latency", {"delay_ms": 1})
    for _ in range(3):
        request()
    assert len(calls) == 3
    assert [e.kind for e in seen[-1]] == ["delay"]
    registry.reset()
    request()
    assert len(calls) == 3
