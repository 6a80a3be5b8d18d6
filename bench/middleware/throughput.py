#!/usr/bin/env python3
"""Requests per second of a bare app and the same app wrapped in the middleware
(nothing enabled), under wrk: uvicorn + Starlette (one worker), gunicorn
(one gthread worker; --servers adds gunicorn-sync) and waitress. Runs are interleaved (bare, wrapped, bare,
wrapped, ...) so drift on the machine hits both alike, and the ratio reported
is the median over rounds of wrapped / bare within a round. The target: the
wrapped app keeps at least 97% of the bare app's requests per second.

On a shared or small machine wall-clock rates swing with other load, so the
server's own CPU time per request (user + system, read from /proc for the
server and its workers) is printed too: bare CPU/request over wrapped
CPU/request is the throughput ratio a CPU-bound server would reach. It moves
less with other load than the rates do, but still moves (shared caches, kernel
time in the network stack).

    bench/middleware/throughput.py [--rounds 3] [--duration 10] [--connections 32]
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parents[1] / "bindings" / "python"  # the in-tree syslab, unless PYTHONPATH has another first
SERVERS = {
    "uvicorn": lambda app, port: ["-m", "uvicorn", f"app:asgi_{app}", "--host", "127.0.0.1", "--port", str(port),
                                  "--workers", "1", "--log-level", "warning", "--no-access-log"],
    "gunicorn": lambda app, port: ["-m", "gunicorn", "--no-control-socket", "-w", "1", "-k", "gthread",
                                   "--threads", "4", "-b", f"127.0.0.1:{port}", f"app:wsgi_{app}"],
    "gunicorn-sync": lambda app, port: ["-m", "gunicorn", "--no-control-socket", "-w", "1", "-k", "sync",
                                        "-b", f"127.0.0.1:{port}", f"app:wsgi_{app}"],
    "waitress": lambda app, port: ["-m", "waitress", "--host=127.0.0.1", f"--port={port}", "--threads=4",
                                   f"app:wsgi_{app}"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(server: str, app: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    paths = [str(HERE)] + [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths + [str(PACKAGE)]))
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable] + SERVERS[server](app, port), cwd=HERE, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api/orders"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                sys.exit(f"{server} ({app}) did not start:\n{log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and its descendants (gunicorn's workers)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    family, total = {pid}, 0
    for process in sorted(parents):  # children have larger pids than their parents here
        parent, ticks = parents[process]
        if process in family or parent in family:
            family.add(process)
            total += ticks
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, duration: int, connections: int) -> tuple[float, str]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    if errors:
        sys.exit(f"wrk reported errors against {url}:\n{out}")
    return rate, p99, requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--servers", default="uvicorn,gunicorn,waitress", help=f"from {','.join(SERVERS)}")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    print(f"wrk -t2 -c{args.connections} -d{args.duration}s, {args.rounds} interleaved rounds, nothing enabled; "
          "target: wrapped >= 97% of bare")
    print(f"{'server':13} {'bare req/s':>11} {'wrapped req/s':>14} {'ratio':>7} {'bare CPU us/req':>13} "
          f"{'wrapped CPU us/req':>16} {'CPU ratio':>10} {'bare p99':>9} {'wrapped p99':>12}  rounds (bare/wrapped req/s)")
    worst = float("inf")
    for server in args.servers.split(","):
        processes = {app: start(server, app) for app in ("bare", "wrapped")}
        try:
            rates = {"bare": [], "wrapped": []}
            cpu = {"bare": [0.0, 0], "wrapped": [0.0, 0]}  # CPU seconds, requests
            p99 = {}
            for app in ("bare", "wrapped"):  # warm-up
                wrk(processes[app][1], 2, args.connections)
            for _ in range(args.rounds):
                for app in ("bare", "wrapped"):
                    pid = processes[app][0].pid
                    before = cpu_seconds(pid)
                    rate, p99[app], requests = wrk(processes[app][1], args.duration, args.connections)
                    cpu[app][0] += cpu_seconds(pid) - before
                    cpu[app][1] += requests
                    rates[app].append(rate)
        finally:
            for process, _ in processes.values():
                process.terminate()
                process.wait(timeout=10)
        bare, wrapped = statistics.mean(rates["bare"]), statistics.mean(rates["wrapped"])
        ratio = statistics.median(w / b for b, w in zip(rates["bare"], rates["wrapped"]))
        worst = min(worst, ratio)
        cpu_bare, cpu_wrapped = (cpu[app][0] / cpu[app][1] * 1e6 for app in ("bare", "wrapped"))
        rounds = " ".join(f"{b:.0f}/{w:.0f}" for b, w in zip(rates["bare"], rates["wrapped"]))
        print(f"{server:13} {bare:11.0f} {wrapped:14.0f} {ratio:7.1%} {cpu_bare:13.1f} {cpu_wrapped:16.1f} "
              f"{cpu_bare / cpu_wrapped:10.1%} {p99['bare']:>9} {p99['wrapped']:>12}  {rounds}", flush=True)
    return 0 if worst >= 0.97 else 1


if __name__ == "__main__":
    sys.exit(main())
