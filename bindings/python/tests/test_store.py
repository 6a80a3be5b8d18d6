"""The Redis store from Python: Registry(store=..., workspace=...) shares one
enabled set between registries; bad store options and a Redis that is down
fail clearly. Each test module run starts its own redis-server on a free
loopback port in a temporary directory and kills it afterwards (the
`redis_url` fixture, conftest.py)."""

import socket
import subprocess
import time

import pytest

from syslab import Registry, SyslabError, metrics_text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _within(seconds, predicate):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_two_registries_share_one_set(redis_url):
    with Registry(store=redis_url, workspace="py-ws") as a, Registry(store=redis_url, workspace="py-ws") as b, \
            Registry(store=redis_url, workspace="py-other") as other:
        a.enable("error-burst", {"probability": 1}, ttl=30)
        assert a.enabled() == ["error-burst"]
        assert _within(1, lambda: b.enabled() == ["error-burst"])
        assert [e["scenario"] for e in b.decide(route="/api")] == ["error-burst"]
        store = b.status()["store"]
        assert store["kind"] == "redis" and store["workspace"] == "py-ws" and store["connected"] is True
        assert store["unapplied"] == []
        assert 'syslab_store_connected{workspace="py-ws"} 1' in metrics_text(b)

        b.disable("error-burst")
        assert _within(1, lambda: a.enabled() == [])
        a.enable("fixed-latency")
        assert _within(1, lambda: b.enabled() == ["fixed-latency"])
        b.reset()
        assert _within(1, lambda: a.enabled() == [])
        assert other.enabled() == []


@pytest.mark.parametrize("options, fragment", [
    ({"store": 5}, "store"),
    ({"store": "http://127.0.0.1:1"}, "redis://"),
    ({"store": "redis://127.0.0.1:1", "workspace": "a b"}, "workspace name"),
    ({"store": "redis://127.0.0.1:1", "on_store_down": "ignore"}, "on_store_down"),
    ({"workspace": "w"}, "needs the 'store' option"),
])
def test_bad_store_options_fail_clearly(options, fragment):
    with pytest.raises(SyslabError) as caught:
        Registry(**options)
    assert fragment in str(caught.value)


def test_redis_down_at_open():
    url = f"redis://127.0.0.1:{_free_port()}/0"
    with pytest.raises(SyslabError) as caught:
        Registry(store=url)
    assert url in str(caught.value)
    with Registry(store=url, on_store_down="start_empty") as r:
        assert r.status()["store"]["connected"] is False
        with pytest.raises(SyslabError) as refused:
            r.enable("fixed-latency")
        assert "store unavailable" in str(refused.value)
        assert r.enabled() == []


def test_middleware_bound_to_the_store_sees_a_change_made_elsewhere(redis_url):
    starlette = pytest.importorskip("starlette")  # noqa: F841
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from syslab.middleware import ASGIMiddleware

    def hello(request):
        return PlainTextResponse("ok")

    with Registry(store=redis_url, workspace="py-mw") as service, Registry(store=redis_url, workspace="py-mw") as operator:
        client = TestClient(ASGIMiddleware(Starlette(routes=[Route("/api/orders", hello)]), service, component="backend"))
        assert client.get("/api/orders").status_code == 200
        operator.enable("error-burst", {"probability": 1.0, "status_code": 503}, ttl=30)
        assert _within(1, lambda: client.get("/api/orders").status_code == 503)
        operator.disable("error-burst")
        assert _within(1, lambda: client.get("/api/orders").status_code == 200)


def test_a_lua_process_and_this_one_share_a_workspace(redis_url):
    import os
    from pathlib import Path

    library = os.environ.get("SYSLAB_LIBRARY")
    lua = Path(library).parent / "syslab-lua" if library else None
    if lua is None or not lua.exists():
        pytest.skip("syslab-lua not built beside SYSLAB_LIBRARY (make test-python sets it)")
    script = (f'local r = assert(require("syslab").registry{{store = "{redis_url}", workspace = "xproc", '
              f'joins_fleet = false}}); assert(r:enable("error-burst", {{probability = 1}}, 1.5))')
    with Registry(store=redis_url, workspace="xproc") as here:
        subprocess.run([str(lua), "-e", script], check=True, timeout=30)
        assert _within(1, lambda: here.enabled() == ["error-burst"]), "another process's enable arrives"
        assert here.decide(route="/x")[0]["scenario"] == "error-burst"
        assert _within(2.5, lambda: here.enabled() == []), "its 1.5 s TTL expires here too"
