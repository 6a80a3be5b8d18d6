"""`syslab` and `syslab serve` on a real Redis store: the command and the
server see one enabled set per workspace, workspaces are shared, and
/metrics is the fleet's text. Starts its own redis-server on a free port."""
import http.client
import json
import time

import pytest

from conftest import Server, free_port, run_syslab, start_redis, token


def get(server, path, bearer):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {bearer}"})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


def wait_for(predicate, seconds=3.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "not seen within the time"
        time.sleep(0.05)


def test_command_and_server_share_the_store(redis_url):
    done = run_syslab("workspaces", "create", "team-a", "--redis", redis_url)
    assert done.returncode == 0, done.stderr
    done = run_syslab("workspaces", "list", "--redis", redis_url, "--json")
    assert json.loads(done.stdout)["workspaces"] == ["default", "team-a"]
    done = run_syslab("workspaces", "create", "team-a", "--redis", redis_url)
    assert done.returncode == 1 and "already exists" in done.stderr

    server = Server("--redis", redis_url)
    try:
        viewer = token("viewer", "*")
        status, body = get(server, "/healthz", viewer)
        assert json.loads(body)["store"] == "redis"
        done = run_syslab("enable", "error-burst", "--param", "probability=1", "--ttl", "30s",
                          "--target", "route=/api/*", "--redis", redis_url, "--workspace", "team-a", "--json")
        assert done.returncode == 0, done.stderr

        def server_sees_it():
            status, body = get(server, "/api/workspaces/team-a/sim/status", viewer)
            return status == 200 and [e["name"] for e in json.loads(body)["enabled"]] == ["error-burst"]
        wait_for(server_sees_it)
        status, body = get(server, "/api/workspaces/team-a/sim/status", viewer)
        answer = json.loads(body)
        assert answer["store"]["kind"] == "redis" and answer["store"]["connected"] is True
        status, body = get(server, "/api/sim/status", viewer)
        assert json.loads(body)["enabled"] == []

        done = run_syslab("status", "--redis", redis_url, "--workspace", "team-a")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("workspace team-a: 1 scenario enabled\n  error-burst {")
        assert '"route":"/api/*"' in done.stdout and "(expires in " in done.stdout

        # The server's change reaches the command's fresh registry.
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        conn.request("POST", "/api/workspaces/team-a/sim/reset", headers={"Authorization": f"Bearer {token('operator', 'team-a')}"})
        assert conn.getresponse().status == 200
        conn.close()
        done = run_syslab("status", "--redis", redis_url, "--workspace", "team-a", "--json")
        assert json.loads(done.stdout)["enabled"] == []

        run_syslab("enable", "fixed-latency", "--redis", redis_url, "--workspace", "team-a")

        def metrics_show_it():
            status, text = get(server, "/metrics", viewer)
            return status == 200 and any(line.startswith("simulator_scenarios_enabled{") and 'workspace="team-a"' in line
                                         and line.endswith(" 1") for line in text.splitlines())
        wait_for(metrics_show_it, seconds=5)

        status, body = get(server, "/api/workspaces/nope/sim/status", viewer)
        assert status == 404
        done = run_syslab("workspaces", "delete", "team-a", "--redis", redis_url)
        assert done.returncode == 0, done.stderr
        done = run_syslab("status", "--redis", redis_url, "--workspace", "team-a")
        assert done.returncode == 1 and "not found" in done.stderr
    finally:
        server.stop()


def test_store_down_is_a_clear_error():
    dead = f"redis://127.0.0.1:{free_port()}/0"
    done = run_syslab("status", "--redis", dead)
    assert done.returncode == 1 and "I/O error" in done.stderr
    done = run_syslab("serve", "--listen", "127.0.0.1:0", "--redis", dead, timeout=30)
    assert done.returncode == 1 and "I/O error" in done.stderr


def test_redis_killed_under_a_running_server(tmp_path):
    url, redis = start_redis(tmp_path)
    server = Server("--redis", url)
    try:
        operator = token("operator", "*")
        def post(path, body):
            conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
            conn.request("POST", path, body=json.dumps(body), headers={"Authorization": f"Bearer {operator}"})
            response = conn.getresponse()
            answer = json.loads(response.read())
            conn.close()
            return response.status, answer
        assert post("/api/sim/enable", {"name": "fixed-latency"})[0] == 200
        redis.kill()
        redis.wait()
        status, answer = post("/api/sim/enable", {"name": "error-burst"})
        assert status == 503 and answer["error"]["status"] == "I/O error", answer

        def reports_disconnected():
            status, body = get(server, "/api/sim/status", operator)
            answer = json.loads(body)
            return status == 200 and answer["store"]["connected"] is False
        wait_for(reports_disconnected, seconds=5)
        # The last known set keeps applying.
        status, body = get(server, "/api/sim/status", operator)
        assert [e["name"] for e in json.loads(body)["enabled"]] == ["fixed-latency"]
        status, body = get(server, "/metrics", operator)
        assert status == 503 and json.loads(body)["error"]["status"] == "I/O error"
        assert get(server, "/healthz", operator)[0] == 200
        assert server.process.poll() is None
    finally:
        server.stop()
        if redis.poll() is None:
            redis.kill()
            redis.wait()
