import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Tests run against the in-tree package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of a test's own, on `port` (a free loopback one by
    default), in `directory`, without persistence."""

    def __init__(self, directory: Path, port: int = 0):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: run `make build` (tools/install-deps.sh installs it)")
        self.port = port or _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(directory), "--save", "",
             "--logfile", str(directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        self.kill()
        pytest.fail(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """The URL of a RedisServer for the test module, killed after it."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.kill()
