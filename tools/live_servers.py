"""Real servers for the live tests, each on a free loopback port and stopped
by its owner: redis-server (with its data on disk, so it can be killed and
restarted on it), `syslab serve` on the store, and helpers to wait and call.
Used by Tests/fleet and tools/check_observability_live.py."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("SYSLAB_BUILD", ROOT / ".build" / "release"))
SYSLAB = os.environ.get("SYSLAB_COMMAND", str(ROOT / "control-plane" / ".build" / "debug" / "syslab"))
# Any 32 bytes or more; tests mint their tokens with it.
JWT_SECRET = "live-test-secret-0123456789abcdef-0123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_for(what: str, ready, seconds: float, step: float = 0.05):
    """Calls ready() until it returns something true (returned), or raises TimeoutError."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = ready()
            if value:
                return value
        except OSError:
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up waiting for {what} after {seconds:g} s")
        time.sleep(step)


def stop(process: subprocess.Popen, seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited after `seconds`."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Redis:
    """redis-server with an append-only file fsynced on every write, so an
    acknowledged write survives kill -9; `restart()` brings it back on the
    same port and data."""

    def __init__(self, directory: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run `make build` (tools/install-deps.sh installs it)")
        self.binary = binary
        self.directory = Path(directory)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"redis-server on port {self.port}", lambda: self.process.poll() is None and accepts(self.port), 10)
        except TimeoutError:
            self.stop()
            raise

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def restart(self) -> None:
        self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill9()


class Serve:
    """`syslab serve --redis URL` with a JWT secret on a free port (port 0:
    the address is read from the line it prints)."""

    def __init__(self, redis_url: str, *extra: str):
        env = dict(os.environ, SYSLAB_JWT_SECRET=JWT_SECRET)
        self.process = subprocess.Popen([SYSLAB, "serve", "--listen", "127.0.0.1:0", "--redis", redis_url, *extra],
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""
        prefix = "syslab serve: listening on http://"
        if not line.startswith(prefix):
            stop(self.process)
            raise RuntimeError(f"syslab serve did not start: {line!r} {self.process.stderr.read()[-2000:]}")
        self.address = line[len(prefix):].split()[0]
        self.url = f"http://{self.address}"

    def call(self, method: str, path: str, token: str | None, body: dict | None = None, timeout: float = 10):
        """(HTTP status, decoded JSON or text). Connection failures raise OSError."""
        request = urllib.request.Request(self.url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def stop(self) -> None:
        stop(self.process)
        self.process.stdout.close()
        self.process.stderr.close()


def token(role: str, *workspaces: str, ttl: str = "1h") -> str:
    """A bearer token for `role` in `workspaces`, minted by `syslab token`."""
    done = subprocess.run([SYSLAB, "token", "--role", role, *sum((["--workspace", w] for w in workspaces), []),
                           "--ttl", ttl], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, SYSLAB_JWT_SECRET=JWT_SECRET))
    if done.returncode != 0:
        raise RuntimeError(f"syslab token failed: {done.stderr}")
    return done.stdout.strip()
