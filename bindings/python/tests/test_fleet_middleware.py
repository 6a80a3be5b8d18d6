"""The middleware bound to a Redis store: middlewares (and uvicorn workers)
opened on one workspace share one enabled set, switched through any one's
control mount. The module starts its own redis-server (conftest.py's
`redis_url`) and kills it afterwards."""

import time

import pytest

from syslab import Registry, SyslabError
from syslab.middleware import ASGIMiddleware, WSGIMiddleware

jwt = pytest.importorskip("jwt")
httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from conftest import RedisServer  # noqa: E402
from test_servers import JWT_SECRET, Server, free_port  # noqa: E402  the real-server harness

PROPAGATION_LIMIT = 1.0  # seconds: what the store promises for an enable to reach every attached registry


def token(role="operator", workspaces=("team-a",)):
    claims = {"role": role, "workspaces": list(workspaces), "exp": int(time.time()) + 600}
    return {"authorization": "Bearer " + jwt.encode(claims, JWT_SECRET, algorithm="HS256")}


def hello(request):
    return PlainTextResponse("hello")


def wsgi_hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def wait_for(predicate, limit):
    """Seconds until predicate() held, polling every 10 ms; None past `limit`."""
    start = time.monotonic()
    while time.monotonic() - start <= limit:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.01)
    return None


# -- in process ---------------------------------------------------------------------

def test_middlewares_on_one_workspace_share_one_switch(redis_url, request):
    asgi = ASGIMiddleware(Starlette(routes=[Route("/{p:path}", hello)]), store=redis_url, workspace="team-a",
                          control_prefix="/_syslab", jwt_secret=JWT_SECRET)
    wsgi = WSGIMiddleware(wsgi_hello, store=redis_url, workspace="team-a")
    elsewhere = WSGIMiddleware(wsgi_hello, store=redis_url, workspace="team-b")
    for m in (asgi, wsgi, elsewhere):
        request.addfinalizer(m.registry.close)
    wsgi_client = httpx.Client(transport=httpx.WSGITransport(app=wsgi), base_url="http://w")
    other_client = httpx.Client(transport=httpx.WSGITransport(app=elsewhere), base_url="http://w")
    with TestClient(asgi) as control:
        status = control.get("/_syslab/api/sim/status", headers=token("viewer")).json()
        assert status["store"]["workspace"] == "team-a" and status["store"]["connected"] is True
        # The token's workspace list is checked against the store's workspace.
        assert control.post("/_syslab/api/sim/reset", headers=token(workspaces=["default"])).status_code == 403
        response = control.post("/_syslab/api/sim/enable", headers=token(),
                                json={"name": "error-burst", "params": {"probability": 1.0, "status_code": 503}})
        assert response.status_code == 200
        elapsed = wait_for(lambda: wsgi_client.get("/x").status_code == 503, PROPAGATION_LIMIT)
        assert elapsed is not None, "the enable did not reach the other middleware within 1 s"
        print(f"enable seen by the other middleware after {elapsed * 1000:.0f} ms")
        assert control.get("/x").status_code == 503
        assert other_client.get("/x").status_code == 200  # another workspace is another switch
        assert elsewhere.registry.enabled() == []
        assert control.post("/_syslab/api/sim/disable", headers=token(), json={"name": "error-burst"}).status_code \
            == 200
        assert wait_for(lambda: wsgi_client.get("/x").status_code == 200, PROPAGATION_LIMIT) is not None


def test_a_store_that_is_down_is_a_clear_error_unless_start_empty(request):
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with pytest.raises(SyslabError) as refused:
        WSGIMiddleware(wsgi_hello, store=closed, control_prefix="/_syslab", insecure=True)
    assert "127.0.0.1" in refused.value.message
    middleware = WSGIMiddleware(wsgi_hello, store=closed, on_store_down="start_empty", control_prefix="/_syslab",
                                insecure=True)
    request.addfinalizer(middleware.registry.close)
    client = httpx.Client(transport=httpx.WSGITransport(app=middleware), base_url="http://w")
    status = client.get("/_syslab/api/sim/status")
    assert status.status_code == 200 and status.json()["store"]["connected"] is False
    assert client.get("/x").status_code == 200  # the service runs, with no scenario
    metrics = client.get("/_syslab/metrics").text
    assert "syslab_store_connected" in metrics


def test_while_redis_is_down_control_calls_get_503_and_the_last_set_keeps_applying(tmp_path, request):
    redis = RedisServer(tmp_path)
    request.addfinalizer(lambda: redis.process.poll() is None and redis.kill())
    middleware = WSGIMiddleware(wsgi_hello, store=redis.url, workspace="team-d", control_prefix="/_syslab",
                                insecure=True)
    request.addfinalizer(middleware.registry.close)
    client = httpx.Client(transport=httpx.WSGITransport(app=middleware), base_url="http://w")
    enable = {"name": "error-burst", "params": {"probability": 1.0, "status_code": 503}}
    assert client.post("/_syslab/api/sim/enable", json=enable).status_code == 200

    redis.kill()
    response = client.post("/_syslab/api/sim/disable", json={"name": "error-burst"})
    assert response.status_code == 503 and response.json()["error"]["status"] == "I/O error"
    assert "redis://127.0.0.1" in response.json()["error"]["message"]
    status = client.get("/_syslab/api/sim/status")
    assert status.status_code == 200 and status.json()["store"]["connected"] is False
    assert client.get("/x").status_code == 503  # the last known set still applies
    assert client.get("/_syslab/metrics").status_code == 200

    redis = RedisServer(tmp_path, port=redis.port)  # back, empty (no persistence here)
    assert wait_for(lambda: client.get("/_syslab/api/sim/status").json()["store"]["connected"], 10) is not None
    assert client.post("/_syslab/api/sim/enable", json=enable).status_code == 200


def test_a_middleware_can_be_given_a_store_bound_registry(redis_url):
    with Registry(store=redis_url, workspace="team-c") as registry:
        middleware = WSGIMiddleware(wsgi_hello, registry, control_prefix="/_syslab", insecure=True)
        assert middleware.injector.control.workspace == "team-c"


# -- two uvicorn workers --------------------------------------------------------------

def probe(url):
    """(pid, status of /hello) from one worker: both requests on one new connection."""
    with httpx.Client(base_url=url, timeout=5) as c:
        pid = c.get("/pid").text
        return pid, c.get("/hello").status_code


def statuses_by_worker(url, seconds, limit, workers=2):
    """Probes for `seconds`, and on until each worker has answered, up to
    `limit` seconds in all: {pid: [statuses]}."""
    seen = {}
    start = time.monotonic()
    while time.monotonic() - start < seconds or (len(seen) < workers and time.monotonic() - start < limit):
        pid, status = probe(url)
        seen.setdefault(pid, []).append(status)
    return seen


def test_two_uvicorn_workers_see_one_enable_within_a_second_and_its_ttl(redis_url, tmp_path):
    arguments = ["-m", "uvicorn", "app:asgi_app", "--host", "127.0.0.1", "--port", "{port}", "--workers", "2",
                 "--log-level", "warning"]
    server = Server("uvicorn-2-workers", tmp_path, arguments=arguments,
                    env={"SYSLAB_TEST_STORE": redis_url, "SYSLAB_TEST_WORKSPACE": "fleet"})
    try:
        before = statuses_by_worker(server.url, 0.5, 20)
        assert len(before) == 2, f"expected two workers, saw {sorted(before)}"
        assert all(s == [200] * len(s) for s in before.values())

        ttl = 3.0
        response = httpx.post(server.url + "/_syslab/api/sim/enable", headers=token(workspaces=["fleet"]), timeout=5,
                              json={"name": "error-burst", "ttl_seconds": ttl,
                                    "params": {"probability": 1.0, "status_code": 503},
                                    "target": {"route": "/hello"}})
        assert response.status_code == 200
        acknowledged = time.monotonic()

        # Every worker decides with the enable from one second after it was acknowledged
        # (the first second is only measured) ...
        first_fault = {}
        while time.monotonic() - acknowledged < PROPAGATION_LIMIT:
            pid, status = probe(server.url)
            if status == 503:
                first_fault.setdefault(pid, time.monotonic() - acknowledged)
        print("first 503 per worker after the acknowledgement:",
              ", ".join(f"{pid}: {seconds * 1000:.0f} ms" for pid, seconds in sorted(first_fault.items())))
        during = statuses_by_worker(server.url, 0.5, ttl - PROPAGATION_LIMIT - 0.5)
        assert time.monotonic() - acknowledged < ttl, "the probes ran into the TTL; nothing can be concluded"
        assert set(during) == set(before)
        assert all(s == [503] * len(s) for s in during.values()), during
        # ... and without it once the TTL has passed (plus the same second to propagate).
        time.sleep(max(0.0, acknowledged + ttl + PROPAGATION_LIMIT - time.monotonic()))
        after = statuses_by_worker(server.url, 0.5, 20)
        assert set(after) == set(before)
        assert all(s == [200] * len(s) for s in after.values()), after
    finally:
        server.stop()
