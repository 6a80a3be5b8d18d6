"""Parameter sweeps from Python: the in-process sweep, the same rows from a
real dask.distributed LocalCluster of two worker processes, cancellation by
closing the client, bad grids, and the bisection and knee helpers."""

import os
import threading

import pytest

import syslab
from syslab import sweep

distributed = pytest.importorskip("distributed", reason="pip install -r bindings/python/requirements-test.txt")
pandas = pytest.importorskip("pandas")

TEST = {
    "system": {
        "topology": {"name": "shop", "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                     "edges": [{"from": "api", "to": "db"}]},
        "nodes": {"db": {"servers": 4, "service": {"kind": "exponential", "mean": "5ms"}}},
        "edges": {"api->db": {"pool": {"size": 4, "wait_timeout": "500ms"}}},
    },
    "workload": {"executor": "constant-arrival-rate", "rate": 200, "duration": "5s"},
    "scenarios": [{"name": "slow-db-query", "at": "2s", "duration": "1s", "params": {"target": {"tags": ["db"]}}}],
    "options": {"seed": 11},
}
GRID = {"workload.rate": [100, 200, 300], "system.nodes.db.servers": [2, 4, 8]}

# A run of twenty hours at 2000 requests/s: minutes of work, never meant to finish.
LONG = {
    "system": {"topology": {"name": "one", "nodes": [{"id": "api", "kind": "backend"}]},
               "nodes": {"api": {"servers": 64, "service": "5ms"}}},
    "workload": {"executor": "constant-arrival-rate", "rate": 2000, "duration": "1s"},
    "options": {"max_requests": 1000000000},
}


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster of two single-threaded worker processes."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local_cluster:
        yield local_cluster


def records(frame):
    return frame.to_dict("records")


def test_local_rows_are_the_same_on_any_thread_count():
    one = sweep.local(TEST, GRID, replicas=2, threads=1)
    two = sweep.local(TEST, GRID, replicas=2, threads=2)
    assert isinstance(one, pandas.DataFrame)
    assert len(one) == 18 and not one.attrs["cancelled"]
    assert list(one.columns[:5]) == ["point", "replica", "seed", "system.nodes.db.servers", "workload.rate"]
    assert records(one) == records(two)
    for column in ["p50_ms", "p95_ms", "p99_ms", "failure_rate", "throughput", "utilisation.db", "pool_wait_ms.api->db"]:
        assert column in one.columns
    # Two database servers at 300/s are much busier than eight.
    busy = one[(one["system.nodes.db.servers"] == 2) & (one["workload.rate"] == 300)]["utilisation.db"].mean()
    idle = one[(one["system.nodes.db.servers"] == 8) & (one["workload.rate"] == 300)]["utilisation.db"].mean()
    assert busy > idle


def test_dask_rows_equal_the_in_process_sweep(cluster):
    local_rows = sweep.local(TEST, GRID, replicas=2)
    with distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        dask_rows = sweep.run(TEST, GRID, replicas=2, client=client, jobs_per_task=1)
        assert dask_rows.attrs["workers"] == 2 and dask_rows.attrs["tasks"] == 18
        # Bigger slices per task: the same rows again.
        chunked = sweep.run(TEST, GRID, replicas=2, client=client, jobs_per_task=5)
    assert not dask_rows.attrs["cancelled"]
    assert records(dask_rows) == records(local_rows)
    assert records(chunked) == records(local_rows)


def test_dask_default_is_a_local_cluster_of_its_own():
    grid = {"workload.rate": [100, 250]}
    rows = sweep.run(TEST, grid)
    assert rows.attrs["workers"] == (os.cpu_count() or 1)
    assert records(rows) == records(sweep.local(TEST, grid))


def test_without_pandas_rows_are_a_list_of_dicts(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    rows = sweep.local(TEST, {"workload.rate": [100, 200]})
    assert isinstance(rows, list) and len(rows) == 2 and rows.cancelled is False
    assert rows[0]["workload.rate"] == 100 and rows[0]["point"] == 1


def test_closing_the_client_stops_the_sweep_and_returns_finished_rows(cluster):
    grid = [{"path": "workload.duration", "values": ["1s", "2s", "20h", "21h", "22h"]}]
    expected = sweep.local(LONG, {"workload.duration": ["1s", "2s"]})
    client = distributed.Client(cluster)
    two_done = threading.Event()
    outcome = {}

    def progress(done, total):
        if done >= 2:
            two_done.set()

    def target():
        outcome["rows"] = sweep.run(LONG, grid, client=client, jobs_per_task=1, progress=progress)

    runner = threading.Thread(target=target)
    runner.start()
    assert two_done.wait(120), "the two short runs never finished"
    client.close()
    runner.join(60)
    assert not runner.is_alive(), "the sweep did not return after client.close()"
    rows = outcome["rows"]
    assert rows.attrs["cancelled"] is True and rows.attrs["jobs"] == 5
    assert list(rows["workload.duration"]) == ["1s", "2s"]
    assert rows[["p99_ms", "requests", "seed"]].to_dict("records") == expected[["p99_ms", "requests", "seed"]].to_dict("records")
    # The workers let go of the long runs: a new client's task gets a worker at once.
    with distributed.Client(cluster) as fresh:
        futures = [fresh.submit(lambda i: i * 2, i, pure=False) for i in range(2)]
        distributed.wait(futures, timeout=60)  # a worker still on a 20-hour run would take minutes
        assert fresh.gather(futures) == [0, 2]


def test_local_progress_can_cancel():
    rows = sweep.local(TEST, GRID, threads=1, progress=lambda done, total: done < 2)
    assert rows.attrs["cancelled"] is True
    assert 2 <= len(rows) < 9
    full = sweep.local(TEST, GRID, threads=2)
    for row in records(rows):
        assert row == records(full)[row["point"] - 1]


@pytest.mark.parametrize("grid, status, text", [
    ({}, syslab.EINVAL, "grid is empty"),
    ({"workload.rate": []}, syslab.EINVAL, "empty list of values"),
    ({"workload.rat": [1]}, syslab.EINVAL, "unknown field 'rat' in workload"),
    ({"system.nodes.cache.servers": [1]}, syslab.ENOTFOUND, "which is not a node"),
    ({"system.nodes.db.servers": ["many"]}, syslab.ETYPE, "grid point 1"),
    ({"workload.rate": 5}, syslab.ETYPE, "must map to a list"),
    ({"options.seed": [1]}, syslab.EINVAL, "use replicas"),
])
def test_bad_grids_raise_before_anything_runs(grid, status, text):
    for call in (lambda: sweep.local(TEST, grid), lambda: sweep.plan(TEST, grid)):
        with pytest.raises(syslab.SyslabError) as info:
            call()
        assert info.value.status == status and text in info.value.message


def test_bad_grid_on_dask_raises_before_a_cluster_starts(monkeypatch):
    def no_cluster(*args, **kwargs):
        raise AssertionError("a LocalCluster was started for a bad grid")
    monkeypatch.setattr(distributed, "LocalCluster", no_cluster)
    with pytest.raises(syslab.SyslabError, match="empty list"):
        sweep.run(TEST, {"workload.rate": []})


def test_smallest_and_knee():
    single = {
        "system": {"topology": {"name": "one", "nodes": [{"id": "api", "kind": "backend"}]},
                   "nodes": {"api": {"servers": 1, "service": "10ms"}}},
        "workload": {"executor": "constant-arrival-rate", "rate": 330, "duration": "10s"},
    }
    found = sweep.smallest(single, "system.nodes.api.servers", [1, 2, 3, 4, 5, 6, 8], "p99_ms < 100", replicas=2)
    assert 4 <= found["value"] <= 8
    full = sweep.local(single, {"system.nodes.api.servers": [1, 2, 3, 4, 5, 6, 8]}, replicas=2)
    met = full.groupby("system.nodes.api.servers")["p99_ms"].max() < 100
    assert found["value"] == min(v for v, ok in met.items() if ok)
    with pytest.raises(syslab.SyslabError, match="condition"):
        sweep.smallest(single, "system.nodes.api.servers", [1], "fast")

    curve = sweep.local(single, {"system.nodes.api.servers": [4], "workload.rate": [100, 200, 250, 300, 330, 360, 380, 395]})
    knee = sweep.knee(curve, "workload.rate", "p99_ms")
    assert knee is not None and 300 <= knee["x"] <= 395
    assert sweep.knee([{"x": 1, "y": 1}, {"x": 2, "y": 2}, {"x": 3, "y": 3}], "x", "y") is None
    with pytest.raises(syslab.SyslabError, match="at least 3"):
        sweep.knee(curve.head(2), "workload.rate", "p99_ms")


def test_the_sweep_example_runs_its_grid_on_two_workers(tmp_path):
    """scripts/examples/sweep.py as a user runs it: a LocalCluster of two
    worker processes, at least 12 points, a table on stdout, rows as JSON."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    rows_file = tmp_path / "rows.json"
    done = subprocess.run([sys.executable, str(root / "scripts/examples/sweep.py"), "--workers", "2",
                           "--json", str(rows_file)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(rows_file.read_text())
    rows = rows["rows"] if isinstance(rows, dict) else rows
    points = {(r["scenarios.connection-pool-exhaustion.params.pool_size"], r["workload.rate"]) for r in rows}
    assert len(points) >= 12
    assert all(r["p99_ms"] > 0 and 0 <= r["failure_rate"] <= 1 for r in rows)
    assert f"{len(rows)} runs on 2 Dask worker(s)" in done.stdout and "p99 ms" in done.stdout
