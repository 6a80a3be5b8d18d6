"""Live `syslab serve` processes for the tests in this folder.

Each server is started on 127.0.0.1 port 0 (the kernel picks a free port),
its bound address read from the line it prints, and stopped afterwards.
SYSLAB_COMMAND names the binary (default: .build/release/syslab).
"""
import os
import select
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python"))

SYSLAB = os.environ.get("SYSLAB_COMMAND", str(ROOT / ".build" / "release" / "syslab"))
SECRET = "serve-tests-secret-0123456789abcdef"


def run_syslab(*args, env=None, timeout=60):
    """Runs `syslab ARGS`; returns the CompletedProcess (text)."""
    return subprocess.run([SYSLAB, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def token(role, *workspaces, ttl="1h"):
    done = run_syslab("token", "--role", role, *sum((["--workspace", w] for w in workspaces), []), "--ttl", ttl,
                      env={"SYSLAB_JWT_SECRET": SECRET})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class Server:
    def __init__(self, *args, secret=SECRET):
        env = {k: v for k, v in os.environ.items() if k != "SYSLAB_JWT_SECRET"}
        if secret is not None:
            env["SYSLAB_JWT_SECRET"] = secret
        self.process = subprocess.Popen([SYSLAB, "serve", "--listen", "127.0.0.1:0", *args], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self._first_line(timeout=30)
        prefix = "syslab serve: listening on http://"
        assert line.startswith(prefix), f"unexpected first line {line!r}; stderr: {self.process.stderr.read()}"
        self.address = line[len(prefix):].split()[0]
        self.host, port = self.address.rsplit(":", 1)
        self.port = int(port)
        self.url = f"http://{self.address}"

    def _first_line(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                return self.process.stdout.readline()
            if self.process.poll() is not None:
                raise RuntimeError(f"syslab serve exited {self.process.returncode}: {self.process.stderr.read()}")
        self.process.kill()
        raise RuntimeError("syslab serve printed no address within 30 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def open_server():
    """No JWT secret: nothing is checked (loopback only)."""
    s = Server(secret=None)
    yield s
    s.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(directory):
    """A redis-server on a free loopback port, data in `directory`: (url, process)."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing (tools/install-deps.sh installs it)"
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
                                "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return f"redis://127.0.0.1:{port}/0", process
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)


@pytest.fixture
def redis_url(tmp_path):
    url, process = start_redis(tmp_path)
    yield url
    process.terminate()
    process.wait(timeout=10)
