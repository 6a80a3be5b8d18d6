"""The fleet, end to end: four processes share one Redis store and workspace,
and one control call to `syslab serve` switches them all.

The fleet (started once for this module, stopped at its end):
- redis-server with an append-only file fsynced on every write;
- `syslab serve --redis URL` with a JWT secret; the tests call it with
  tokens minted by `syslab token`;
- two uvicorn workers (`uvicorn --workers 2 app:app`, app.py): ASGIMiddleware
  bound to the store; a few client threads keep requesting /api/orders, and
  each answer says which worker decided, when, and what it applied;
- decider.c, compiled here with -Wall -Wextra -Werror against syslab.h, and
  decider.lua under syslab-lua: each decides in a loop and prints one
  timestamped line per decision.

Every decision of every process is collected with its time (taken where the
decision was made), so the checks below are about what each process did and
when, and the figures printed are measured lags.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

FLEET = Path(__file__).resolve().parent
ROOT = FLEET.parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from live_servers import BUILD, Redis, Serve, free_port, stop, token, wait_for  # noqa: E402

WORKSPACE = "default"  # what serve's /api/sim/* routes act on
SWITCH_WITHIN = 1.0  # seconds: the acceptance criterion
TTL = 30.0
EXPIRY_MARGIN = 0.5  # seconds after the TTL by which every process must have dropped it
CLIENT_THREADS = 4
OUTAGE = 2.0  # seconds redis-server stays down


@dataclass(frozen=True)
class Decision:
    at: float  # Unix seconds, taken by the process that decided
    member: str  # "c", "lua" or "uvicorn:<pid>"
    connected: bool  # its registry said the store was connected
    effects: str  # "scenario:kind,..." or "-"


class Record:
    """Every decision of every process, in arrival order."""

    def __init__(self):
        self.lock = threading.Lock()
        self.decisions: list[Decision] = []
        self.problems: list[str] = []

    def add(self, decision: Decision) -> None:
        with self.lock:
            self.decisions.append(decision)

    def problem(self, text: str) -> None:
        with self.lock:
            if len(self.problems) < 20:
                self.problems.append(text)

    def of(self, member: str, since: float = 0.0, until: float = float("inf")) -> list[Decision]:
        with self.lock:
            return sorted((d for d in self.decisions if d.member == member and since <= d.at < until),
                          key=lambda d: d.at)

    def members(self) -> set[str]:
        with self.lock:
            return {d.member for d in self.decisions}


class LineDecider:
    """decider.c or decider.lua: one parsed stdout line per decision."""

    def __init__(self, name: str, command: list[str], record: Record):
        self.name = name
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        bufsize=1, cwd=ROOT)
        threading.Thread(target=self._read, args=(record,), daemon=True).start()

    def _read(self, record: Record) -> None:
        for line in self.process.stdout:
            try:
                at, connected, effects = line.split()
                record.add(Decision(float(at), self.name, connected == "1", effects))
            except ValueError:
                record.problem(f"{self.name}: unreadable line {line!r}")

    def stop(self) -> str:
        stop(self.process)
        return self.process.stderr.read()


class UvicornWorkers:
    """`uvicorn --workers 2` on the store, and client threads requesting
    /api/orders on fresh connections so that both workers answer."""

    def __init__(self, redis_url: str, record: Record):
        self.port = free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python"),
                   SYSLAB_LIBRARY=str(BUILD / "libsyslab.so"), SYSLAB_STORE=redis_url, SYSLAB_WORKSPACE=WORKSPACE)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--workers", "2", "--host", "127.0.0.1", "--port", str(self.port),
             "--app-dir", str(FLEET), "--no-access-log", "--log-level", "warning", "app:app"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.stopping = threading.Event()
        self.record = record
        self.clients = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENT_THREADS)]
        for client in self.clients:
            client.start()

    def _client(self) -> None:
        while not self.stopping.is_set():
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection.request("GET", "/api/orders", headers={"Connection": "close"})
                response = connection.getresponse()
                response.read()
                effects = response.getheader("x-syslab-effects") or "-"
                if (response.status != 200) != ("error-burst:error" in effects):
                    self.record.problem(f"uvicorn answered {response.status} with effects {effects}")
                self.record.add(Decision(float(response.getheader("x-decided-at")),
                                         f"uvicorn:{response.getheader('x-worker-pid')}",
                                         response.getheader("x-store-connected") == "1", effects))
            except ConnectionRefusedError:
                time.sleep(0.05)  # still starting
            except (OSError, http.client.HTTPException, TypeError) as error:
                self.record.problem(f"uvicorn request failed: {error!r}")
                time.sleep(0.05)
            finally:
                connection.close()
            time.sleep(0.005)

    def worker_pids(self) -> set[int]:
        """Children of the uvicorn master (its workers, and multiprocessing's helpers if any)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(p) for p in children.read_text().split()} if children.exists() else set()

    def stop(self) -> str:
        self.stopping.set()
        for client in self.clients:
            client.join(timeout=15)
        stop(self.process, seconds=15)
        return self.process.stderr.read()


class Fleet:
    def __init__(self):
        self.record = Record()
        self.redis = self.serve = self.workers = None
        self.deciders: list[LineDecider] = []

    def start(self, scratch: Path) -> None:
        self.redis = Redis(scratch)
        self.serve = Serve(self.redis.url)
        self.operator = token("operator", WORKSPACE)
        self.viewer = token("viewer", WORKSPACE)
        decider = scratch / "decider"
        subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", f"-I{ROOT / 'Include'}",
                        str(FLEET / "decider.c"), f"-L{BUILD}", "-lsyslab", f"-Wl,-rpath,{BUILD}", "-o", str(decider)],
                       check=True)
        self.deciders = [LineDecider("c", [str(decider), self.redis.url, WORKSPACE], self.record),
                         LineDecider("lua", [str(BUILD / "syslab-lua"), str(FLEET / "decider.lua"), self.redis.url,
                                             WORKSPACE], self.record)]
        self.workers = UvicornWorkers(self.redis.url, self.record)

    def members(self) -> list[str]:
        return sorted(self.record.members())

    def stop(self) -> None:
        """Stops whatever started."""
        errors = ([self.workers.stop()] if self.workers else []) + [d.stop() for d in self.deciders]
        for server in (self.serve, self.redis):
            if server is not None:
                server.stop()
        for text in errors:
            if text.strip():
                print(text[-2000:])

    def control(self, path: str, body: dict | None = None) -> float:
        """POSTs to serve as the operator; returns the time it was sent. Fails unless 200."""
        sent = time.time()
        status, answer = self.serve.call("POST", path, self.operator, body)
        assert status == 200, f"POST {path}: {status} {answer}"
        return sent

    def all_show(self, since: float, predicate, seconds: float, what: str) -> dict[str, float]:
        """Waits until every member made a decision at or after `since` for which
        predicate holds; returns each member's first such decision time."""
        first: dict[str, float] = {}

        def everyone():
            for member in self.members():
                if member not in first:
                    hit = next((d for d in self.record.of(member, since) if predicate(d)), None)
                    if hit:
                        first[member] = hit.at
            return len(first) == len(self.members())

        wait_for(f"every process to show {what} (so far: {first})", everyone, seconds)
        return first


@pytest.fixture(scope="module")
def fleet():
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="syslab-fleet-") as scratch:
        fleet = Fleet()
        try:
            fleet.start(Path(scratch))
            def four_members_connected():
                members = fleet.members()
                workers = [m for m in members if m.startswith("uvicorn:")]
                return len(workers) == 2 and {"c", "lua"} <= set(members) and all(
                    fleet.record.of(m)[-1].connected for m in members)

            wait_for("both uvicorn workers, the C program and the Lua script to decide", four_members_connected, 60)
            pids = {int(m.split(":")[1]) for m in fleet.members() if m.startswith("uvicorn:")}
            assert pids <= fleet.workers.worker_pids(), "the answering pids are the uvicorn master's workers"
            print(f"\nfleet: {', '.join(fleet.members())} up in {time.monotonic() - started:.1f} s")
            yield fleet
        finally:
            fleet.stop()
    assert not fleet.record.problems, fleet.record.problems


def faulted(decision: Decision) -> bool:
    return "error-burst:error" in decision.effects


def serve_connected(fleet: Fleet) -> bool:
    status, answer = fleet.serve.call("GET", "/api/sim/status", fleet.viewer)
    return status == 200 and answer.get("store", {}).get("connected") is True


def reset_and_settle(fleet: Fleet) -> None:
    since = fleet.control("/api/sim/reset")
    fleet.all_show(since, lambda d: d.effects == "-" and d.connected, 5, "no effects after a reset")


def test_one_fleet_one_switch(fleet):
    started = time.monotonic()
    reset_and_settle(fleet)
    members = fleet.members()
    sent = fleet.control("/api/sim/enable", {"name": "error-burst", "params": {"probability": 1}, "ttl_seconds": TTL})
    acknowledged = time.time()
    first = fleet.all_show(sent, faulted, 5, "error-burst")
    wait_for("the TTL to pass", lambda: time.time() > acknowledged + TTL + EXPIRY_MARGIN + 1.0, TTL + 5, step=0.2)
    assert fleet.members() == members, "no process joined or left"

    print(f"\nswitch: POST /api/sim/enable sent at 0, acknowledged after {acknowledged - sent:.4f} s; TTL {TTL:g} s")
    problems = []
    for member in members:
        before = fleet.record.of(member, sent - 1, sent + SWITCH_WITHIN)
        last_healthy = max((d.at for d in before if not faulted(d) and d.at < first[member]), default=None)
        on = fleet.record.of(member, sent + SWITCH_WITHIN, sent + TTL - 0.5)
        healthy_while_on = [d for d in on if not faulted(d)]
        last_faulted = max(d.at for d in fleet.record.of(member, sent) if faulted(d))
        after = fleet.record.of(member, acknowledged + TTL + EXPIRY_MARGIN)
        lag = first[member] - sent
        print(f"  {member:16} first error-burst at +{lag:.4f} s (last healthy decision before it: "
              f"{'none in the second before' if last_healthy is None else f'{last_healthy - sent:+.4f} s'}); "
              f"{len(on)} decisions while on, {len(healthy_while_on)} healthy; last error-burst at "
              f"{last_faulted - sent:+.3f} s, TTL end {TTL:g} s; {len(after)} decisions after")
        if lag > SWITCH_WITHIN:
            problems.append(f"{member}: error-burst showed {lag:.3f} s after the enable")
        if not on:
            problems.append(f"{member}: no decisions while error-burst was on")
        if healthy_while_on:
            problems.append(f"{member}: {len(healthy_while_on)} decisions without error-burst while it was on, "
                            f"first at +{healthy_while_on[0].at - sent:.3f} s")
        if last_faulted > acknowledged + TTL + EXPIRY_MARGIN:
            problems.append(f"{member}: error-burst still applied {last_faulted - acknowledged - TTL:.3f} s after its TTL")
        if not after:
            problems.append(f"{member}: no decisions after the TTL to check")
    print(f"  worst switch lag {max(first[m] - sent for m in members):.4f} s; the test took "
          f"{time.monotonic() - started:.1f} s")
    assert not problems, problems


def test_redis_survives_a_crash(fleet):
    started = time.monotonic()
    reset_and_settle(fleet)
    members = fleet.members()
    # Acknowledged, then redis-server killed at once: nothing was saved but the append-only file.
    fleet.control("/api/sim/enable", {"name": "error-burst", "params": {"probability": 1}})
    killed = time.time()
    fleet.redis.kill9()
    noticed = fleet.all_show(killed, lambda d: not d.connected, 15, "the store disconnected")
    status, answer = fleet.serve.call("POST", "/api/sim/enable", fleet.operator, {"name": "fixed-latency"})
    assert status == 503, f"an enable while Redis is down: {status} {answer}"
    # Down long enough for a few reconnection attempts (the backoff starts at 0.1 s and doubles).
    wait_for("the outage to last", lambda: time.time() > killed + OUTAGE, OUTAGE + 5, step=0.1)

    restarted = time.time()
    fleet.redis.restart()
    reconnected = fleet.all_show(restarted, lambda d: d.connected, 20, "the store connected again")
    all_back = max(reconnected.values())
    wait_for("serve to reconnect", lambda: serve_connected(fleet), 20)
    serve_back = time.time()
    # Two resyncs (1 s apart) after everyone reconnected: a set Redis had lost would be empty by then.
    wait_for("two resyncs", lambda: time.time() > all_back + 2.5, 10, step=0.1)

    status, answer = fleet.serve.call("GET", "/api/sim/status", fleet.viewer)
    problems = [] if status == 200 and [e["name"] for e in answer["enabled"]] == ["error-burst"] else \
        [f"serve's status after the restart: {status} {answer}"]
    print(f"\ncrash: redis-server killed -9 at 0 right after an acknowledged enable, restarted at "
          f"+{restarted - killed:.3f} s; serve connected again at +{serve_back - killed:.3f} s")
    for member in members:
        during = fleet.record.of(member, noticed[member], restarted)
        if not during:
            problems.append(f"{member}: no decisions while Redis was down")
        after = fleet.record.of(member, all_back + 0.5)
        missing = [d for d in after if not faulted(d)]
        print(f"  {member:16} saw the store down at +{noticed[member] - killed:.3f} s, decided {len(during)} times "
              f"while it was, connected again at +{reconnected[member] - killed:.3f} s; "
              f"{len(after)} decisions after everyone reconnected, "
              f"{len(missing)} without error-burst")
        if not after:
            problems.append(f"{member}: no decisions after the restart")
        if missing:
            problems.append(f"{member}: the acknowledged enable was missing after the restart, "
                            f"first at +{missing[0].at - killed:.3f} s")
    # uvicorn replaces a worker that dies with a new pid; none appeared, and the others still run.
    assert fleet.members() == members, "no process was replaced"
    assert all(d.process.poll() is None for d in fleet.deciders), "the C program and the Lua script still run"

    # Resumed: a change made through serve after the restart reaches every process again.
    sent = fleet.control("/api/sim/disable", {"name": "error-burst"})
    cleared = fleet.all_show(sent, lambda d: d.effects == "-", 5, "error-burst disabled")
    lags = {m: cleared[m] - sent for m in members}
    print("  after the restart, a disable reached " +
          ", ".join(f"{m} in {lag:.4f} s" for m, lag in lags.items()) + f"; the test took {time.monotonic() - started:.1f} s")
    problems += [f"{m}: the disable after the restart arrived after {lag:.3f} s" for m, lag in lags.items()
                 if lag > SWITCH_WITHIN]
    assert not problems, problems
