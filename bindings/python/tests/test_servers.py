"""The middleware under real servers, through a real HTTP client: uvicorn
(ASGI), gunicorn with sync and gthread workers, and waitress (WSGI). Each
server runs tests/servers/app.py on a free loopback port for this module and
is stopped afterwards; scenarios are enabled through its /_control route.
The middleware's control mount (/_syslab) is checked under each server too:
never faulted, authenticated, and 4xx for hostile bodies."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
for module in ("uvicorn", "gunicorn", "waitress"):
    pytest.importorskip(module)

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
SERVERS = {
    "uvicorn": ["-m", "uvicorn", "app:asgi_app", "--host", "127.0.0.1", "--port", "{port}", "--workers", "1",
                "--log-level", "warning"],
    # --no-control-socket: gunicorn's default control socket is one path per user, shared by every instance.
    "gunicorn-sync": ["-m", "gunicorn", "--no-control-socket", "-w", "1", "-k", "sync", "-b", "127.0.0.1:{port}",
                      "app:wsgi_app"],
    "gunicorn-gthread": ["-m", "gunicorn", "--no-control-socket", "-w", "1", "-k", "gthread", "--threads", "4",
                         "-b", "127.0.0.1:{port}", "app:wsgi_app"],
    "waitress": ["-m", "waitress", "--host=127.0.0.1", "--port={port}", "--threads=4", "app:wsgi_app"],
}
CONCURRENT = {"uvicorn", "gunicorn-gthread", "waitress"}  # serve more than one request at a time
CLOSES_ON_DROP = {"uvicorn", "gunicorn-sync", "gunicorn-gthread"}  # waitress answers 502 instead
JWT_SECRET = "server-tests-secret-" + "0123456789" * 4  # SYSLAB_JWT_SECRET of every server started here


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """tests/servers/app.py under the server `name` (a SERVERS key), or under
    `arguments` (a SERVERS-style list) when given, with `env` added."""

    def __init__(self, name: str, log_dir: Path, arguments: list = None, env: dict = None):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable] + [a.format(port=self.port) for a in (arguments or SERVERS[name])]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE / "servers"), str(PACKAGE_ROOT)]),
                   SYSLAB_JWT_SECRET=JWT_SECRET, **(env or {}))
        self.log = open(log_dir / f"{name}.log", "w+")
        self.process = subprocess.Popen(command, env=env, cwd=HERE / "servers", stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                self.log.seek(0)
                raise RuntimeError(f"{name} did not start: {self.log.read()[-2000:]}")
            time.sleep(0.1)

    def enable(self, *scenarios) -> None:
        """Resets the server's registry, then enables (name, params) pairs."""
        response = httpx.post(self.url + "/_control", json={"enable": [list(s) for s in scenarios]}, timeout=5)
        assert response.status_code == 204

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module", params=list(SERVERS))
def server(request, tmp_path_factory):
    s = Server(request.param, tmp_path_factory.mktemp("servers"))
    yield s
    s.stop()


@pytest.fixture
def client(server):
    server.enable()
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c
    server.enable()


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def test_nothing_enabled_passes_through(client):
    response = client.get("/hello")
    assert response.status_code == 200 and response.content == b"0123456789" * 10
    assert "x-syslab-effects" not in response.headers


def test_delay_waits(server, client):
    server.enable(("fixed-latency", {"delay_ms": 150}))
    response, elapsed = timed(client.get, "/hello")
    assert response.status_code == 200 and elapsed >= 0.15
    assert response.headers["x-syslab-effects"] == "fixed-latency:delay"


def test_queue_wait_waits(server, client):
    # A pool of one connection held 600 ms: the second request queues until the
    # first one's hold ends, 600 ms after the first arrived.
    server.enable(("connection-pool-exhaustion", {"pool_size": 1, "hold_ms": 600, "acquire_timeout_ms": 5000}))
    start = time.perf_counter()
    client.get("/hello")
    response, elapsed = timed(client.get, "/hello")
    assert response.status_code == 200
    assert "connection-pool-exhaustion:queue_wait" in response.headers["x-syslab-effects"]
    assert time.perf_counter() - start >= 0.6 and elapsed >= 0.3


@pytest.mark.parametrize("scenario, seconds", [("t-extra-queries", 0.2), ("t-retry", 0.2), ("t-cpu-burn", 0.2)])
def test_time_effects_take_their_time(server, client, scenario, seconds):
    server.enable((scenario, None))
    response, elapsed = timed(client.get, "/hello")
    assert response.status_code == 200 and response.content == b"0123456789" * 10
    assert elapsed >= seconds


def test_error_answers_its_status_without_the_app(server, client):
    server.enable(("error-burst", {"probability": 1.0, "status_code": 503, "target": {"route": "/hello"}}))
    response = client.get("/hello")
    assert response.status_code == 503 and response.json()["scenario"] == "error-burst"
    assert client.get("/health").status_code == 200


def test_throttle_and_disk_full(server, client):
    server.enable(("t-throttle", None))
    response = client.get("/hello")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    server.enable(("t-disk-full", None))
    assert client.get("/hello").status_code == 507


@pytest.mark.parametrize("scenario", ["t-hang", "t-timeout"])
def test_hang_and_timeout_wait_then_answer_504(server, client, scenario):
    server.enable((scenario, None))
    response, elapsed = timed(client.get, "/hello")
    assert response.status_code == 504 and elapsed >= 0.2


def test_drop_closes_the_connection_without_a_response(server, client):
    server.enable(("t-drop", None))
    if server.name in CLOSES_ON_DROP:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending"):
            client.get("/hello")
    else:  # the documented fallback (docs/effects.md)
        response = client.get("/hello")
        assert response.status_code == 502 and response.json()["error"] == "injected drop"
    server.enable()
    assert client.get("/hello").status_code == 200  # the server itself is fine


def test_truncate_sends_part_of_the_body_then_closes(server, client):
    server.enable(("t-truncate", None))
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/hello")
        response = connection.getresponse()
        assert response.status == 200 and response.headers["Content-Length"] == "100"
        with pytest.raises(http.client.IncompleteRead) as incomplete:
            response.read()
        assert incomplete.value.partial == b"0123456789" * 5
    finally:
        connection.close()


def test_bandwidth_paces_the_body(server, client):
    server.enable(("t-bandwidth", None))  # 40,000 bytes/s
    response, elapsed = timed(client.get, "/big")
    assert response.content == b"abcdefghij" * 2000
    assert elapsed >= 0.45


def test_stale_read_marks_the_age_and_data_effects_reach_the_app(server, client):
    server.enable(("t-stale-read", None), ("t-cache-miss", None))
    response = client.get("/effects")
    assert response.headers["age"] == "30"
    assert response.json() == ["stale_read", "cache_miss"]


def test_capacity_lets_one_request_in_at_a_time(server, client):
    if server.name not in CONCURRENT:
        pytest.skip("the server handles one request at a time anyway")
    server.enable(("t-capacity", None))  # 0.1 of the default pool of 10: one slot
    elapsed = []

    def fetch():
        elapsed.append(timed(httpx.get, server.url + "/slow", timeout=10)[1])

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(elapsed) >= 0.38  # the second waited for the first (0.2 s each)


def test_asgi_delays_do_not_block_the_event_loop(server, client):
    if server.name != "uvicorn":
        pytest.skip("ASGI only")
    server.enable(("fixed-latency", {"delay_ms": 600, "target": {"route": "/slow"}}),
                  ("t-cpu-burn", {"target": {"route": "/big"}}))
    results = {}

    def fetch(path):
        results[path] = timed(httpx.get, server.url + path, timeout=10)[1]

    threads = [threading.Thread(target=fetch, args=(p,)) for p in ("/slow", "/big")]
    for t in threads:
        t.start()
    time.sleep(0.05)
    _, health = timed(client.get, "/health")
    for t in threads:
        t.join()
    assert results["/slow"] >= 0.6 and results["/big"] >= 0.2
    assert health < 0.5, f"/health took {health:.3f} s while a delay and a cpu_burn were in flight"


# -- the control mount -----------------------------------------------------------

def operator_token(role: str = "operator") -> dict:
    jwt = pytest.importorskip("jwt")
    claims = {"role": role, "workspaces": ["default"], "exp": int(time.time()) + 600}
    return {"authorization": "Bearer " + jwt.encode(claims, JWT_SECRET, algorithm="HS256")}


def test_control_calls_and_scrapes_are_never_faulted(server, client):
    server.enable(("error-burst", {"probability": 1.0, "status_code": 503}),
                  ("fixed-latency", {"delay_ms": 300}))
    assert client.get("/hello").status_code == 503  # every app route fails
    auth = operator_token()
    scrapes = []
    for _ in range(10):
        scrape = client.get("/_syslab/metrics", headers=auth)
        assert scrape.status_code == 200 and "x-syslab-effects" not in scrape.headers
        scrapes.append(scrape.text)
        status = client.get("/_syslab/api/sim/status", headers=auth)
        assert status.status_code == 200 and "x-syslab-effects" not in status.headers
        assert {e["name"] for e in status.json()["enabled"]} == {"error-burst", "fixed-latency"}
    # /hello was faulted and counted; none of the twenty requests to the mount was even decided.
    assert 'http_injected_errors_total{scenario="error-burst",status="503"}' in scrapes[0]
    assert len(set(scrapes)) == 1
    assert client.get("/hello").status_code == 503
    after = client.get("/_syslab/metrics", headers=auth).text
    assert after != scrapes[0] and len(after.splitlines()) == len(scrapes[0].splitlines())
    response = client.post("/_syslab/api/sim/disable", json={"name": "error-burst"}, headers=auth)
    assert response.status_code == 200 and "x-syslab-effects" not in response.headers
    response = client.post("/_syslab/api/sim/enable", json={"name": "error-burst", "params": {"probability": 1.0},
                                                           "target": {"route": "/big"}}, headers=auth)
    assert response.status_code == 200
    assert client.get("/hello").status_code == 200 and client.get("/big").status_code == 500


def test_control_mount_auth_and_hostile_bodies(server, client):
    enable = "/_syslab/api/sim/enable"
    assert client.get("/_syslab/api/sim/status").status_code == 401
    assert client.post(enable, json={"name": "error-burst"}, headers=operator_token("viewer")).status_code == 403
    auth = dict(operator_token(), **{"content-type": "application/json"})
    for body, expected in ((b'{"name": ', 400), (b'\xc3\x28', 400), (b'{"name": "nope"}', 404),
                           (b"[" * 70_000, 413)):
        response = client.post(enable, content=body, headers=auth)
        assert response.status_code == expected, body[:20]
        assert set(response.json()["error"]) == {"status", "message"}

    def chunked(body: bytes):
        yield from (body[i:i + 1000] for i in range(0, len(body), 1000))

    # Without a Content-Length (chunked): read to the end where the server says it ends.
    response = client.post(enable, content=chunked(b'{"name": "fixed-latency"}'), headers=auth)
    assert response.status_code == 200 and client.get("/hello").headers["x-syslab-effects"] == "fixed-latency:delay"
    response = client.post(enable, content=chunked(b" " * 70_000), headers=auth)
    assert response.status_code == 413 and response.json()["error"]["status"] == "limit exceeded"
    assert client.get("/_syslab/api/sim/status", headers=auth).status_code == 200  # the server is fine
