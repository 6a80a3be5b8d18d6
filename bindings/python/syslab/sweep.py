"""Parameter sweeps: one load test over a grid of values, on this machine's
threads or on a Dask cluster (docs/sweep.md).

    from syslab import sweep
    test = {"system": {"template": "api-gateway-microservices"},
            "workload": {"executor": "constant-arrival-rate", "rate": 200, "duration": "20s"}}
    grid = {"workload.rate": [100, 200, 400], "system.nodes.orders-db.servers": [4, 8]}
    rows = sweep.local(test, grid, replicas=2)           # the library's thread pool
    rows = sweep.run(test, grid, replicas=2)             # a dask.distributed LocalCluster
    rows = sweep.run(test, grid, client=Client("tcp://scheduler:8786"))

Both return a pandas DataFrame (a list of dicts where pandas is absent), one
row per point and replica, in the same order and with the same figures: each
run's seed derives from the sweep's seed, the point and the replica, so where
a run happens does not change what it measures. `rows.attrs["cancelled"]`
(or `rows.cancelled` for a list) says whether the sweep stopped early.

A bad test or grid raises SyslabError before anything runs. Workers of a
remote cluster need this package and libsyslab.so (SYSLAB_LIBRARY) installed.
"""

from __future__ import annotations

import ctypes
import json
import logging
import math
import os
from typing import Any, Callable, Iterable, Optional

from ._native import check, declare, take_string

_out = ctypes.POINTER(ctypes.c_void_p)
PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)
_plan = declare("syslab_sweep_plan", ctypes.c_int, _out, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p)
_run = declare("syslab_sweep_run", ctypes.c_int, _out, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
               PROGRESS, ctypes.c_void_p)
_smallest = declare("syslab_sweep_smallest", ctypes.c_int, _out, ctypes.c_char_p)
_knee = declare("syslab_sweep_knee", ctypes.c_int, _out, ctypes.c_char_p)

Progress = Callable[[int, int], Optional[bool]]


class Rows(list):
    """Rows as a list of dicts (when pandas is absent), with what the sweep said about itself."""

    cancelled = False
    jobs = 0


def _json_text(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value, allow_nan=False).encode()


def _call(function: Any, *args: Any) -> Any:
    out = ctypes.c_void_p()
    check(function(ctypes.byref(out), *args))
    return json.loads(take_string(out))


def _options(replicas: int, threads: Optional[int] = None, seed: Optional[int] = None, **more: Any) -> dict:
    options: dict = {"replicas": replicas, **more}
    if threads is not None:
        options["threads"] = threads
    if seed is not None:
        options["seed"] = seed
    return options


def plan(test: Any, grid: Any, replicas: int = 1, seed: Optional[int] = None) -> dict:
    """Checks a sweep without running it: {"points", "replicas", "jobs", "seed", "grid", ...}."""
    return _call(_plan, _json_text(test), _json_text(grid), _json_text(_options(replicas, seed=seed)))


def _sweep_json(test: bytes, grid: bytes, options: dict, progress: Optional[Progress] = None) -> dict:
    """One syslab_sweep_run call; `progress(done, total)` returning False cancels."""
    failure: list = []

    def relay(_user: Any, done: int, total: int) -> int:
        try:
            return 1 if progress(done, total) is False else 0
        except BaseException as exc:  # KeyboardInterrupt included: stop the runs, raise it after
            failure.append(exc)
            return 1

    callback = PROGRESS(relay) if progress is not None else PROGRESS()
    result = _call(_run, test, grid, _json_text(options), callback, None)
    if failure and not isinstance(failure[0], KeyboardInterrupt):
        raise failure[0]
    return result


def _dask_task_cancelled() -> Optional[Callable[[], bool]]:
    """Inside a Dask task: a check that says when the scheduler has let go of
    this task (its client closed or cancelled it), so a long simulation stops
    instead of occupying the worker. None outside a worker."""
    try:
        from distributed import get_worker
        worker = get_worker()
        key = worker.get_current_task()
    except Exception:  # not running as a Dask task
        return None

    def cancelled() -> bool:
        task = worker.state.tasks.get(key)
        return task is None or task.state in ("cancelled", "released", "forgotten")
    return cancelled


def run_jobs(test: bytes, grid: bytes, options: dict) -> list:
    """What a Dask task runs: a slice of the sweep's jobs (options first_job,
    job_count), on one thread. Returns the slice's rows."""
    cancelled = _dask_task_cancelled()
    progress = (lambda done, total: not cancelled()) if cancelled is not None else None
    return _sweep_json(test, grid, options, progress)["rows"]


def _table(rows: list, grid: dict, cancelled: bool, jobs: int, **attrs: Any) -> Any:
    """A DataFrame (point, replica, seed, the grid's paths, then the figures) or Rows."""
    try:
        import pandas
    except ImportError:
        table = Rows(rows)
        table.cancelled, table.jobs = cancelled, jobs
        for key, value in attrs.items():
            setattr(table, key, value)
        return table
    first = ["point", "replica", "seed"] + [axis["path"] for axis in grid]
    rest: list = []
    for row in rows:
        rest += [key for key in row if key not in first and key not in rest]
    frame = pandas.DataFrame(rows, columns=first + rest)
    frame.attrs.update(cancelled=cancelled, jobs=jobs, **attrs)
    return frame


def local(test: Any, grid: Any, replicas: int = 1, threads: Optional[int] = None, seed: Optional[int] = None,
          progress: Optional[Progress] = None) -> Any:
    """Runs the sweep in this process on the library's thread pool (threads:
    one per processor by default). `progress(done, total)` is called now and
    then on this thread; returning False cancels, and Ctrl-C does too: the
    rows that finished come back, with attrs["cancelled"] True."""
    interrupted: list = []

    def relay(done: int, total: int) -> Optional[bool]:
        try:
            return progress(done, total) if progress is not None else None
        except KeyboardInterrupt:
            interrupted.append(True)
            return False

    result = _sweep_json(_json_text(test), _json_text(grid), _options(replicas, threads, seed), relay)
    return _table(result["rows"], result["grid"], result["cancelled"], result["jobs"],
                  threads=result["threads"], wall_seconds=result["wall_seconds"], interrupted=bool(interrupted))


def run(test: Any, grid: Any, replicas: int = 1, client: Any = None, seed: Optional[int] = None,
        jobs_per_task: Optional[int] = None, progress: Optional[Progress] = None) -> Any:
    """Runs the sweep on a dask.distributed Client: `client`, or a LocalCluster
    of one single-threaded worker process per processor, closed afterwards.
    Each task runs a slice of the jobs (`jobs_per_task`, by default about four
    tasks per worker). The rows equal local()'s. Closing the client, Ctrl-C or
    `progress` returning False stops the sweep: unfinished tasks are cancelled
    and the rows that finished come back with attrs["cancelled"] True."""
    from distributed import Client, LocalCluster, wait

    test_text, grid_text = _json_text(test), _json_text(grid)
    sweep_plan = _call(_plan, test_text, grid_text, _json_text(_options(replicas, seed=seed)))  # raises before anything runs
    total = sweep_plan["jobs"]

    own_cluster = None
    if client is None:
        own_cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(own_cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = jobs_per_task or max(1, math.ceil(total / (workers * 4)))
        slices = [(first, min(size, total - first)) for first in range(0, total, size)]
        futures = [client.submit(run_jobs, test_text, grid_text,
                                 _options(replicas, 1, sweep_plan["seed"], first_job=first, job_count=count),
                                 pure=False)
                   for first, count in slices]
        done_rows: dict = {}
        finished_jobs = 0
        cancelled = False
        pending = set(range(len(futures)))

        def closed() -> bool:
            return client.status in ("closing", "closed")

        try:
            while pending and not cancelled:
                if closed():
                    cancelled = True
                    break
                try:
                    wait([futures[i] for i in pending], timeout=0.2, return_when="FIRST_COMPLETED")
                except Exception:  # the wait timed out, or the client went away meanwhile
                    pass
                for i in sorted(pending):
                    status = futures[i].status
                    if status == "finished":
                        try:
                            done_rows[i] = futures[i].result()
                        except Exception:
                            if closed():  # closed between the status and the result
                                cancelled = True
                                break
                            raise
                        finished_jobs += slices[i][1]
                        pending.discard(i)
                    elif status in ("cancelled", "lost") or closed():
                        cancelled = True
                        break
                    elif status == "error":
                        futures[i].result()  # raises the task's error
                if not cancelled and progress is not None and progress(finished_jobs, total) is False:
                    cancelled = True
        except KeyboardInterrupt:
            cancelled = True
        finally:
            if pending and not closed():
                try:
                    client.cancel([futures[i] for i in pending])
                except Exception:  # a client closing under us has cancelled them already
                    pass
        rows = [row for i in sorted(done_rows) for row in done_rows[i]]
        return _table(rows, sweep_plan["grid"], cancelled or len(rows) < total, total,
                      workers=workers, tasks=len(slices))
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()


def _records(rows: Any) -> list:
    """Rows from a DataFrame or a list, as JSON-safe dicts (NaN -> None)."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    clean = []
    for row in rows:
        clean.append({key: (None if isinstance(value, float) and math.isnan(value) else
                            value.item() if hasattr(value, "item") else value)
                      for key, value in row.items()})
    return clean


def smallest(test: Any, path: str, values: Iterable[Any], condition: str, replicas: int = 1,
             threads: Optional[int] = None, seed: Optional[int] = None) -> dict:
    """The smallest of `values` (in increasing order, the condition staying met
    once met) at which every replica meets `condition`, e.g. "p99_ms < 250";
    found by bisection, runs on this process's threads.
    Returns {"value" (None when none meets it), "index" (from 1), "steps": [...]}."""
    search = {"test": test, "path": path, "values": list(values), "condition": condition,
              **_options(replicas, threads, seed)}
    return _call(_smallest, _json_text(search))


def knee(rows: Any, x: str, y: str) -> Optional[dict]:
    """The knee of a latency-load curve in sweep rows (x e.g. "workload.rate",
    y e.g. "p99_ms"; replicas are averaged): {"x", "y", "index"}, or None."""
    return _call(_knee, _json_text({"rows": _records(rows), "x": x, "y": y}))
