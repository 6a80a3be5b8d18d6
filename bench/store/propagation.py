"""How long a change takes to reach another registry on the same Redis
workspace, and how long an acknowledged enable takes. Starts its own
redis-server on a free loopback port. Prints figures; asserts nothing.
Usage: propagation.py [trials]"""

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from syslab import Registry


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        server = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                                   "127.0.0.1", "--dir", directory, "--save", ""], stdout=subprocess.DEVNULL)
        try:
            url = f"redis://127.0.0.1:{port}/0"
            for _ in range(500):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.01)
            with Registry(store=url, workspace="bench") as a, Registry(store=url, workspace="bench") as b:
                a.reset()
                acknowledged, propagated = [], []
                for _ in range(trials):
                    start = time.perf_counter()
                    a.enable("error-burst", {"probability": 1})
                    written = time.perf_counter()
                    while not b.enabled():
                        time.sleep(0.0002)
                    seen = time.perf_counter()
                    acknowledged.append((written - start) * 1e3)
                    propagated.append((seen - written) * 1e3)
                    a.disable("error-burst")
                    while b.enabled():
                        time.sleep(0.0002)
            for label, values in (("acknowledged enable (ms)", acknowledged),
                                  ("enable seen by the other registry (ms)", propagated)):
                values.sort()
                print(f"  {label:40} median {statistics.median(values):7.2f}   p99 "
                      f"{values[int(len(values) * 0.99) - 1]:7.2f}   max {values[-1]:7.2f}   ({trials} trials)")
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
