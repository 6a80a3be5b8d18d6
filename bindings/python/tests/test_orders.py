"""syslab.orders: the CQRS / event-sourcing order store through ctypes: commands,
queries, conflicts, the four event-sourcing scenarios, the saga, hostile input,
and a child process killed with SIGKILL losing nothing it acknowledged."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import syslab
from syslab import Registry, SyslabError

ADDRESS = {"line1": "1 Main St", "city": "Lyon", "postcode": "69001", "country": "FR"}


def order(order_id, amount=2500, sku="book", quantity=1):
    return {"order_id": order_id, "customer_id": "c-1", "amount": amount, "currency": "EUR",
            "address": ADDRESS, "sku": sku, "quantity": quantity}


def place(store, order_id, amount=2500, **extra):
    fields = order(order_id, amount)
    del fields["order_id"]
    fields.update(extra)
    return store.place(order_id, **fields)


def integrity_ok(path):
    """The file checked by SQLite itself, from another connection."""
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_commands_queries_and_conflicts(tmp_path):
    path = str(tmp_path / "orders.db")
    with syslab.orders.open(path, snapshot_every=2) as store:
        assert place(store, "o-1")["version"] == 1
        assert store.pay("o-1", expected_version=1)["version"] == 2
        with pytest.raises(SyslabError) as conflict:
            store.ship("o-1", expected_version=1)
        assert conflict.value.status == syslab.ECONFLICT
        store.ship("o-1")
        assert store.order("o-1")["status"] == "shipped"
        assert [e["type"] for e in store.history("o-1")] == ["OrderPlaced", "PaymentCaptured", "OrderShipped"]
        assert store.analytics()[0]["revenue"] == 2500
        assert store.lag()["order_summary"]["lag_events"] == 0
        assert store.status()["snapshots"] == 1
        assert "orders_events_appended_total 3\n" in store.metrics_text()
        assert store.integrity() == "ok"
    assert integrity_ok(path)


def test_hostile_input_is_refused_clearly(tmp_path):
    with syslab.orders.open(str(tmp_path / "orders.db")) as store:
        cases = [
            (lambda: place(store, "neg", amount=-1), syslab.ERANGE),
            (lambda: place(store, "frac", amount=1.5), syslab.ERANGE),
            (lambda: place(store, "bad id"), syslab.EINVAL),
            (lambda: place(store, "x", currency="euro"), syslab.EINVAL),
            (lambda: place(store, "y", address={"line1": "", "city": "c", "postcode": "p", "country": "FR"}), syslab.EINVAL),
            (lambda: store.pay("ghost"), syslab.EINVAL),
            (lambda: store.execute({"command": "explode", "order_id": "o"}), syslab.ENOTFOUND),
            (lambda: store.execute(b'{"command": "pay", "order_id": "\xff"}'), syslab.EUTF8),
            (lambda: store.query({"query": "everything"}), syslab.ENOTFOUND),
            (lambda: store.rebuild("nope"), syslab.ENOTFOUND),
            (lambda: store.saga({"order_id": "s"}), syslab.EINVAL),
        ]
        for call, status in cases:
            with pytest.raises(SyslabError) as error:
                call()
            assert error.value.status == status, error.value
    with pytest.raises(SyslabError) as error:
        syslab.orders.open("/nonexistent-folder/orders.db")
    assert error.value.status == syslab.EIO
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all " * 100)
    with pytest.raises(SyslabError) as error:
        syslab.orders.open(str(garbage))
    assert error.value.status == syslab.ECORRUPT
    with pytest.raises(SyslabError) as error:
        syslab.orders.open(str(tmp_path / "o.db"), snapshot_every=0)
    assert error.value.status == syslab.ERANGE
    store = syslab.orders.open(str(tmp_path / "closed.db"))
    store.close()
    with pytest.raises(ValueError):
        store.lag()


def test_event_replay_lag_then_recovery(tmp_path):
    with Registry(seed=1) as registry, syslab.orders.open(str(tmp_path / "o.db"), registry, projection_budget_ms=5) as store:
        registry.enable("event-replay-lag", {"apply_delay_ms": 20})
        for i in range(3):
            place(store, f"o-{i}")
        lag = store.lag()["order_summary"]
        assert lag["lag_events"] == 3 and lag["lag_seconds"] >= 0
        assert store.order("o-0") is None and store.state("o-0")["status"] == "placed"
        registry.disable("event-replay-lag")
        store.catch_up()
        assert store.lag()["order_summary"]["lag_events"] == 0 and store.order("o-0")["status"] == "placed"


def test_event_ordering_issue_is_caught_by_version(tmp_path):
    with Registry(seed=4) as registry, syslab.orders.open(str(tmp_path / "o.db"), registry, projections="manual") as store:
        for i in range(30):
            place(store, f"o-{i}")
            store.pay(f"o-{i}")
            store.ship(f"o-{i}")
        registry.enable("event-ordering-issue", {"reorder_probability": 0.5})
        progress = store.catch_up()
        assert progress["order_summary"]["out_of_order"] > 0
        summaries, analytics = store.orders(), store.analytics()
        registry.disable("event-ordering-issue")
        store.rebuild()
        assert store.orders() == summaries and store.analytics() == analytics
        assert all(s["status"] == "shipped" for s in summaries)


def test_snapshot_corruption_falls_back_to_replay(tmp_path):
    with Registry(seed=2) as registry, syslab.orders.open(str(tmp_path / "o.db"), registry, snapshot_every=1) as store:
        registry.enable("snapshot-corruption", {"on": "both"})
        for i in range(5):
            place(store, f"o-{i}")
            store.pay(f"o-{i}")
        # One checksum failure per order, at its second command; the orders are still right.
        assert "orders_snapshot_corruptions_total 5\n" in store.metrics_text()
        assert all(store.state(f"o-{i}")["status"] == "paid" for i in range(5))


def test_saga_compensation_failure_dead_letters_and_flags(tmp_path):
    with Registry(seed=2) as registry, syslab.orders.open(str(tmp_path / "o.db"), registry, saga_backoff_ms=1) as store:
        store.set_stock("book", 0)
        assert store.saga(order("s-1"))["status"] == "compensated"
        registry.enable("saga-compensation-failure")
        saga = store.saga(order("s-2"))
        assert saga["status"] == "dead_lettered"
        summary = store.order("s-2")
        assert summary["flagged"] and summary["status"] == "paid"
        text = store.metrics_text()
        assert 'orders_sagas_finished_total{outcome="dead_lettered"} 1' in text
        assert "orders_saga_failure_ratio 1\n" in text


CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    import syslab
    store = syslab.orders.open(sys.argv[1])
    address = {"line1": "1 Main St", "city": "Lyon", "postcode": "69001", "country": "FR"}
    i = 0
    while True:
        store.place(f"k-{i}", customer_id="c", amount=100 + i, currency="EUR", address=address, sku="book")
        print(i, flush=True)
        i += 1
""")


def test_a_child_killed_with_sigkill_loses_nothing_it_acknowledged(tmp_path):
    path = str(tmp_path / "crash.db")
    package = str(Path(syslab.__file__).resolve().parents[1])
    child = subprocess.Popen([sys.executable, "-c", CHILD, path, package], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ))
    acknowledged = -1
    for line in child.stdout:
        acknowledged = int(line)
        if acknowledged >= 100:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    acknowledged = max([acknowledged] + [int(line) for line in child.stdout.read().split()])
    assert acknowledged >= 100
    with syslab.orders.open(path) as store:
        assert all(store.state(f"k-{i}") is not None for i in range(acknowledged + 1))
        store.catch_up()
        before = store.orders(limit=100000)
        store.rebuild()
        assert store.orders(limit=100000) == before
        assert store.integrity() == "ok"
    assert integrity_ok(path)
