#!/usr/bin/env python3
"""A parameter sweep on a Dask cluster: how big must the orders database's
connection pool be, at which load, while connection-pool-exhaustion holds
each connection 100 ms?

    python3 scripts/examples/sweep.py [--workers N] [--json rows.json] [--replicas R] [--seed S]

The grid is pool_size (the scenario's connections) x the arrival rate on the
built-in api-gateway-microservices system: 12 points, each a 30 s load test
in virtual time with the scenario on from 10 s to 20 s. The points run as
tasks on a dask.distributed LocalCluster of N worker processes (default 2);
each run's seed derives from the sweep's seed and the point, so the numbers
are the same on any number of workers, and equal those of
syslab.sweep.local(...) in one process. Needs `pip install "dask[distributed]" pandas`.
"""

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bindings" / "python"))

from syslab import sweep  # noqa: E402  (after the path above)

POOL = "scenarios.connection-pool-exhaustion.params.pool_size"
RATE = "workload.rate"

TEST = {
    "system": {
        "template": "api-gateway-microservices",
        "nodes": {"gateway": {"servers": 512}, "orders": {"servers": 64}, "orders-db": {"servers": 32}},
        "edges": {"orders->orders-db": {"pool": {"size": 20, "wait_timeout": "2s"}, "timeout": "3s"}},
    },
    "workload": {"executor": "constant-arrival-rate", "rate": 100, "duration": "30s"},
    "scenarios": [{"name": "connection-pool-exhaustion", "at": "10s", "duration": "10s",
                   "params": {"pool_size": 10, "hold_ms": 100, "acquire_timeout_ms": 1000,
                              "target": {"tags": ["orders-db"]}}}],
}
GRID = {POOL: [5, 10, 20, 40], RATE: [100, 200, 300]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the LocalCluster (default 2)")
    parser.add_argument("--json", metavar="FILE", help="write the rows to FILE as a JSON list")
    parser.add_argument("--replicas", type=int, default=1, help="seeded runs per point (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="the sweep's seed (default 1)")
    args = parser.parse_args()
    if args.workers < 1 or args.replicas < 1:
        parser.error("--workers and --replicas must be at least 1")

    from distributed import Client, LocalCluster

    # silence_logs: the workers' heartbeats racing the scheduler's shutdown are not news.
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        started = time.monotonic()
        rows = sweep.run(TEST, GRID, replicas=args.replicas, client=client, seed=args.seed)
        wall = time.monotonic() - started

    if hasattr(rows, "to_dict"):
        records = rows.to_dict("records")
    else:
        records = list(rows)
    print(f"connection-pool-exhaustion on orders-db (hold 100 ms, from 10 s to 20 s of 30 s), "
          f"{len(records)} runs on {args.workers} Dask worker(s) in {wall:.1f} s")
    print()
    header = f"{'pool':>5} {'rate/s':>7} {'rep':>4} {'p50 ms':>9} {'p99 ms':>9} {'failed':>8} {'req/s':>8} {'pool wait ms':>13} {'orders-db util':>15}"
    print(header)
    print("-" * len(header))
    for r in records:
        print(f"{r[POOL]:>5} {r[RATE]:>7} {r['replica']:>4} {r['p50_ms']:>9.1f} {r['p99_ms']:>9.1f} "
              f"{r['failure_rate'] * 100:>7.2f}% {r['throughput']:>8.1f} {r['pool_wait_ms.orders->orders-db']:>13.2f} "
              f"{r['utilisation.orders-db'] * 100:>14.1f}%")
    print()
    # The smallest pool that kept failures under 1% at each rate (every replica).
    for rate in GRID[RATE]:
        ok = [p for p in GRID[POOL]
              if all(r["failure_rate"] < 0.01 for r in records if r[RATE] == rate and r[POOL] == p)]
        answer = f"pool_size {min(ok)}" if ok else f"none of {GRID[POOL]}"
        print(f"at {rate:>3}/s: failures under 1% from {answer}")

    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1) + "\n")
        print(f"\nrows written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
