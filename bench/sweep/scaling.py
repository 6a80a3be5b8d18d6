#!/usr/bin/env python3
"""Sweep scaling: points per second of wall time for a CPU-bound grid on 1, 2,
... threads of the library's pool (syslab.sweep.local) and on 1, 2, ...
single-threaded Dask worker processes (syslab.sweep.run on a LocalCluster),
with scaling efficiency = rate(n) / (n x rate(1)). Figures only; nothing is
asserted. The cluster's start-up is not timed (it is paid once per session).

    python3 bench/sweep/scaling.py [--points 16] [--duration 60s] [--max-threads N] [--max-workers N]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bindings" / "python"))

from syslab import sweep  # noqa: E402


def test(duration: str) -> dict:
    return {
        "system": {"template": "api-gateway-microservices",
                   "nodes": {"gateway": {"servers": 512}, "orders-db": {"servers": 32}},
                   "edges": {"orders->orders-db": {"pool": {"size": 20, "wait_timeout": "2s"}}}},
        "workload": {"executor": "constant-arrival-rate", "rate": 1000, "duration": duration},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=16)
    parser.add_argument("--duration", default="60s", help="virtual duration of each run (default 60s at 1000/s)")
    parser.add_argument("--max-threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds per figure")
    args = parser.parse_args()
    grid = {"workload.rate": [1000 + i for i in range(args.points)]}
    t = test(args.duration)
    print(f"sweep scaling: {args.points} points of api-gateway-microservices, 1000 requests/s for {args.duration} "
          f"each; {os.cpu_count()} CPUs; best of {args.rounds}")

    def best(run) -> tuple:
        """(wall, this process's CPU seconds) of the fastest round."""
        rounds = []
        for _ in range(args.rounds):
            started, cpu = time.monotonic(), time.process_time()
            rows = run()
            rounds.append((time.monotonic() - started, time.process_time() - cpu))
            assert len(rows) == args.points and not rows.attrs["cancelled"]
        return min(rounds)

    reference = None
    # CPU seconds per point (all threads of this process) show contention between
    # threads even on a loaded machine, where wall-clock efficiency cannot.
    print(f"\n{'':24}{'wall':>8}{'points/s':>10}{'efficiency':>12}{'CPU s/point':>13}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    base = None
    for threads in range(1, args.max_threads + 1):
        wall, cpu = best(lambda: sweep.local(t, grid, threads=threads))
        rate = args.points / wall
        base = base or rate
        print(f"{'library, ' + str(threads) + ' thread(s)':24}{wall:>7.2f}s{rate:>10.2f}{rate / (threads * base):>12.2f}"
              f"{cpu / args.points:>13.3f}")
        if threads == 1:
            reference = sweep.local(t, grid, threads=1)

    from distributed import Client, LocalCluster
    base = None
    for workers in range(1, args.max_workers + 1):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            sweep.run(t, {"workload.rate": [999]}, client=client)  # warm the workers (import, library load)
            wall, _ = best(lambda: sweep.run(t, grid, client=client, jobs_per_task=1))
            same = sweep.run(t, grid, client=client).equals(reference)   # NaN (unlimited nodes) equal to NaN
        rate = args.points / wall
        base = base or rate
        print(f"{'Dask, ' + str(workers) + ' worker(s)':24}{wall:>7.2f}s{rate:>10.2f}{rate / (workers * base):>12.2f}"
              f"   rows {'equal' if same else 'DIFFER from'} the library's")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
