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
time in the network stack). Where `perf` can count syscall tracepoints (root,
or perf_event_paranoid <= -1), the server's system calls per request are
printed as well, futex (GIL and thread hand-offs, which vary with scheduling)
apart from the rest (reads, writes, polls: what the server does per request,
which does not vary with load).

`--layers N` wraps the app in the middleware N times: the added CPU time per
request, divided by N, is what one layer costs under that server, a figure
that stands out of the noise where a single layer's cost (about 1 us against
100-300 us of server work per request) cannot.

Every round starts a fresh pair of servers (a threaded server keeps one
thread hand-off pattern for the life of its process, worth several percent
either way), and the order within a round alternates (bare first, then
wrapped first), so a drift during a round hits both alike. `--aa` serves the bare app in both slots:
its ratio is the noise floor of the machine at that moment.

    bench/middleware/throughput.py [--rounds 5] [--duration 10] [--connections 32] [--aa] [--layers 1]
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
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


# --pin: the server on its own CPU, wrk on the others, so the two never take
# turns on one core (on a shared 2-core machine that turn-taking is most of the
# round-to-round swing). Empty when not pinning.
SERVER_CPU: list[str] = []
CLIENT_CPU: list[str] = []


def start(server: str, app: str, layers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    paths = [str(HERE)] + [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths + [str(PACKAGE)]), SYSLAB_BENCH_LAYERS=str(layers))
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(SERVER_CPU + [sys.executable] + SERVERS[server](app, port), cwd=HERE, env=env,
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


def family(pid: int) -> dict[int, float]:
    """`pid` and its descendants (gunicorn's workers), each with its user +
    system CPU seconds so far."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    members = {}
    for process in sorted(parents):  # children have larger pids than their parents here
        parent, ticks = parents[process]
        if process == pid or parent in members:
            members[process] = ticks / os.sysconf("SC_CLK_TCK")
    return members


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and its descendants."""
    return sum(family(pid).values())


SYSCALL_EVENTS = "raw_syscalls:sys_enter,syscalls:sys_enter_futex"


def perf_counts_syscalls() -> bool:
    if shutil.which("perf") is None:
        return False
    probe = subprocess.run(["perf", "stat", "-x,", "-e", SYSCALL_EVENTS, "--", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and "not supported" not in probe.stderr and "<not" not in probe.stderr


class SyscallCount:
    """System calls made by a server's processes while it is open: `perf stat`
    on the syscall tracepoints. `counts` is (all, futex) after the block."""

    def __init__(self, pid: int):
        self.pids = ",".join(str(p) for p in family(pid))
        self.counts = (0, 0)

    def __enter__(self):
        self.output = tempfile.NamedTemporaryFile(mode="r", suffix=".perf")
        self.perf = subprocess.Popen(["perf", "stat", "-x,", "-e", SYSCALL_EVENTS, "-p", self.pids,
                                      "-o", self.output.name], stderr=subprocess.DEVNULL)
        time.sleep(0.2)  # perf attaches before the load starts
        return self

    def __exit__(self, *exc) -> None:
        self.perf.send_signal(signal.SIGINT)
        self.perf.wait(timeout=10)
        values = {}
        for line in self.output.read().splitlines():
            fields = line.split(",")
            if len(fields) > 2 and fields[0].isdigit():
                values[fields[2]] = int(fields[0])
        self.output.close()
        self.counts = (values.get("raw_syscalls:sys_enter", 0), values.get("syscalls:sys_enter_futex", 0))


def wrk(url: str, duration: int, connections: int) -> tuple[float, str]:
    out = subprocess.run(CLIENT_CPU + ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
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
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--servers", default="uvicorn,gunicorn,waitress", help=f"from {','.join(SERVERS)}")
    parser.add_argument("--aa", action="store_true", help="bare app in both slots: the noise floor")
    parser.add_argument("--layers", type=int, default=1, help="middleware layers around the wrapped app")
    parser.add_argument("--pin", action="store_true",
                        help="run the server on the last CPU and wrk on the others (taskset)")
    args = parser.parse_args()
    if args.pin:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2 or shutil.which("taskset") is None:
            sys.exit("--pin needs at least 2 CPUs and taskset")
        SERVER_CPU[:] = ["taskset", "-c", str(cpus[-1])]
        CLIENT_CPU[:] = ["taskset", "-c", ",".join(map(str, cpus[:-1]))]
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    count_syscalls = perf_counts_syscalls()
    second = "bare" if args.aa else "wrapped"
    if args.layers < 1 or (args.aa and args.layers != 1):
        sys.exit("--layers must be at least 1, and 1 with --aa")
    print(f"wrk -t2 -c{args.connections} -d{args.duration}s, {args.rounds} interleaved rounds, nothing enabled; "
          + ("A/A: bare against bare" if args.aa else "target: wrapped >= 97% of bare")
          + (f"; wrapped = {args.layers} middleware layers" if args.layers > 1 else "")
          + (f"; server on CPU {SERVER_CPU[-1]}, wrk on CPU {CLIENT_CPU[-1]}" if args.pin else ""))
    syscall_columns = f" {'syscalls/req, of which futex':>29}" if count_syscalls else ""
    print(f"{'server':13} {'bare req/s':>11} {'wrapped req/s':>14} {'ratio':>7} {'bare CPU us/req':>13} "
          f"{'wrapped CPU us/req':>16} {'CPU ratio':>10} {'bare p99':>9} {'wrapped p99':>12}{syscall_columns}"
          "  rounds (bare/wrapped req/s)")
    worst = float("inf")
    for server in args.servers.split(","):
        rates = {"bare": [], "wrapped": []}
        cpu = {"bare": [0.0, 0], "wrapped": [0.0, 0]}  # CPU seconds, requests
        calls = {"bare": [0, 0], "wrapped": [0, 0]}  # syscalls, futex calls
        p99 = {}
        for round_number in range(args.rounds):
            # Fresh servers every round: a threaded server settles into a
            # thread hand-off pattern that lasts as long as the process and
            # moves its rate by several percent either way (one pair of gunicorn
            # gthread processes read 89% for wrapped / bare over three rounds,
            # the next pair 105%, an A/A pair 106%).
            order = ("bare", "wrapped") if round_number % 2 == 0 else ("wrapped", "bare")
            processes = {app: start(server, "bare" if app == "bare" else second, 1 if app == "bare" else args.layers)
                         for app in order}
            try:
                for app in order:  # warm-up
                    wrk(processes[app][1], 2, args.connections)
                for app in order:
                    pid = processes[app][0].pid
                    before = cpu_seconds(pid)
                    with SyscallCount(pid) if count_syscalls else contextlib.nullcontext() as counted:
                        rate, p99[app], requests = wrk(processes[app][1], args.duration, args.connections)
                    cpu[app][0] += cpu_seconds(pid) - before
                    cpu[app][1] += requests
                    if counted is not None:
                        calls[app][0] += counted.counts[0]
                        calls[app][1] += counted.counts[1]
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
        syscalls = ""
        if count_syscalls:
            per_request = {app: (calls[app][0] / cpu[app][1], calls[app][1] / cpu[app][1]) for app in calls}
            syscalls = f" {'%.2f (%.2f) / %.2f (%.2f)' % (per_request['bare'] + per_request['wrapped']):>29}"
        print(f"{server:13} {bare:11.0f} {wrapped:14.0f} {ratio:7.1%} {cpu_bare:13.1f} {cpu_wrapped:16.1f} "
              f"{cpu_bare / cpu_wrapped:10.1%} {p99['bare']:>9} {p99['wrapped']:>12}{syscalls}  {rounds}", flush=True)
        if args.layers > 1:
            print(f"{'':13} CPU added per layer: {(cpu_wrapped - cpu_bare) / args.layers:.2f} us/request", flush=True)
    return 0 if worst >= 0.97 else 1


if __name__ == "__main__":
    sys.exit(main())
