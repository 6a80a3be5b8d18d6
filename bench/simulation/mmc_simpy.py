"""M/M/c in SimPy, the reference for bench/simulation/run.sh: the same model
as scripts/examples/mmc.lua (Poisson arrivals, c servers, FIFO), written the
idiomatic SimPy way (a process per customer, a Resource for the servers).
Prints one JSON object like mmc.lua: mean_wq, mean_w, n, wall_s.

    python3 mmc_simpy.py --lam 350 --mu 100 --c 4 --n 200000 --seed 1
"""

import argparse
import json
import random
import time

import simpy


def run(lam: float, mu: float, c: int, n: int, seed: int) -> dict:
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    waits, times = [], []

    def customer(env):
        arrived = env.now
        with servers.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(mu))
        times.append(env.now - arrived)

    def source(env):
        for _ in range(n):
            env.process(customer(env))
            yield env.timeout(rng.expovariate(lam))

    env.process(source(env))
    started = time.perf_counter()
    env.run()
    wall = time.perf_counter() - started
    return {"mean_wq": sum(waits) / len(waits), "mean_w": sum(times) / len(times), "n": n, "wall_s": wall}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lam", type=float, default=350)
    parser.add_argument("--mu", type=float, default=100)
    parser.add_argument("--c", type=int, default=4)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args.lam, args.mu, args.c, args.n, args.seed)))
