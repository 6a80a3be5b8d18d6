"""Inject a registry's failures into a real web service.

`ASGIMiddleware` and `WSGIMiddleware` ask the registry, for every request,
which effects apply to it (by route, method, component and tags) and apply
them as docs/effects.md ("The Python middleware") describes: waits first,
then the first terminal effect (error, throttle, drop, hang, timeout,
disk_full), then what shapes the response (truncate, bandwidth, stale_read).
Data effects the middleware cannot apply itself (cache_miss, clock_offset,
lost_write, ...) reach the application as `scope["syslab.effects"]` (ASGI) or
`environ["syslab.effects"]` (WSGI), a list of `syslab.Effect`.

A response that had effects carries `x-syslab-effects: scenario:kind,...`.
With nothing to apply the request goes straight to the app: one ctypes call
and a dictionary look-up per request, no header, no wrapping.

Requests are matched by their path; pass `route_of` to map a path to its
route template ("/orders/{id}") when paths carry identifiers.

A middleware is given a registry, or opens its own from store options
(`store="redis://...", workspace="team-a"`), so that every worker of a fleet
shares one enabled set. With `control_prefix="/_syslab"` it also answers the
control API and /metrics there (syslab.control), before any decision: those
requests are never faulted and never reach the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import socket
import threading
import time
from http import HTTPStatus
from typing import Any, Callable, Iterable, Iterator, Optional

from ._native import SyslabError
from .control import DRAIN_BYTES, MAX_BODY_BYTES, ControlMount
from .decision import Decider, Effect
from .probes import PROBE_KINDS, ProbeShape, canary_line, canary_log, report
from .registry import Registry

_log = logging.getLogger("syslab.middleware")

_WAITS = {"delay", "lock_wait", "queue_wait", "retry"}  # `seconds` each, added up
_TERMINAL = {"error", "throttle", "drop", "hang", "timeout", "disk_full"}
_STALLS = {"hang", "timeout", "drop"}  # wait their own `seconds` before answering (or closing)
_PACE_STEP = 0.05  # bandwidth: one chunk every 50 ms
_FANOUT_BACKLOG_LIMIT = 10.0  # seconds of fanout CPU work queued at most; more is skipped


def burn_cpu(seconds: float) -> None:
    """Keeps the calling thread busy for `seconds` of wall time (cpu_burn, fanout)."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass


class _Plan:
    """What to do to one request, computed from its effects (docs/effects.md, "Applying a decision")."""

    def __init__(self, effects: list[Effect]):
        self.effects = effects
        self.wait = 0.0
        self.cpu = 0.0
        self.terminal: Optional[Effect] = None
        self.truncate: Optional[float] = None
        self.bandwidth: Optional[float] = None
        self.age: Optional[float] = None
        self.capacity: Optional[float] = None
        self.retain: list[tuple[str, int]] = []
        self.fanout = 0.0
        self.canaries: list[int] = []
        self.probe: Optional[ProbeShape] = None
        for e in effects:
            kind = e.kind
            if kind in PROBE_KINDS:
                if self.probe is None:
                    self.probe = ProbeShape()
                self.probe.add(e)
            elif kind == "log_canary":
                self.canaries.append(int(e.amount))
            elif kind in _WAITS:
                self.wait += e.seconds
            elif kind == "extra_queries":  # no database to query: sleep amount x seconds
                self.wait += e.amount * e.seconds
            elif kind == "cpu_burn":
                self.cpu += e.seconds
            elif kind in _TERMINAL:
                if self.terminal is None:
                    self.terminal = e
            elif kind == "truncate":
                self.truncate = min(1.0 if self.truncate is None else self.truncate, max(0.0, e.amount))
            elif kind == "bandwidth" and e.amount > 0:
                self.bandwidth = min(self.bandwidth or float("inf"), e.amount)
            elif kind == "stale_read":
                self.age = max(self.age or 0.0, e.seconds)
            elif kind == "capacity":
                self.capacity = min(1.0 if self.capacity is None else self.capacity, max(0.0, e.amount))
            elif kind == "memory_retention" and e.amount > 0:
                self.retain.append((e.scenario, int(e.amount)))
            elif kind == "fanout":
                self.fanout += e.amount * e.seconds
        self.header = ",".join(f"{e.scenario}:{e.kind}" for e in effects)

    def answer(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """The response of the terminal effect: status, extra headers, JSON body."""
        e = self.terminal
        assert e is not None
        headers: list[tuple[str, str]] = []
        if e.kind == "throttle":
            status = e.status or 429
            headers.append(("retry-after", str(max(0, int(round(e.seconds))))))
        elif e.kind in ("hang", "timeout"):
            status = 504
        elif e.kind == "disk_full":
            status = e.status or 507
        elif e.kind == "drop":  # fallback where the server does not let us close the connection
            status = 502
        else:
            status = e.status or 500
        body = json.dumps({"error": f"injected {e.kind}", "scenario": e.scenario}).encode()
        return status, headers, body


def _pool_limit(fraction: float, pool_size: int) -> int:
    return max(1, int(fraction * pool_size))


class _Retention:
    """memory_retention: bytes kept per scenario until the scenario is no longer
    enabled, which a daemon thread checks once a second while anything is kept."""

    def __init__(self, registry: Registry):
        self._registry = registry
        self._kept: dict[str, list[bytes]] = {}
        self._lock = threading.Lock()
        self._watching = False

    def keep(self, scenario: str, size: int) -> None:
        block = b"\xa5" * size  # written, so the pages are really resident
        with self._lock:
            self._kept.setdefault(scenario, []).append(block)
            if not self._watching:
                self._watching = True
                threading.Thread(target=self._watch, name="syslab-retention", daemon=True).start()

    @property
    def kept_bytes(self) -> int:
        with self._lock:
            return sum(len(b) for blocks in self._kept.values() for b in blocks)

    def _watch(self) -> None:
        while True:
            time.sleep(1.0)
            try:
                enabled = set(self._registry.enabled())
            except ValueError:  # the registry was closed
                enabled = set()
            with self._lock:
                for name in [n for n in self._kept if n not in enabled]:
                    del self._kept[name]
                if not self._kept:
                    self._watching = False
                    return


class _Fanout:
    """fanout: `amount x seconds` of CPU work run off the request path, on one
    background thread; at most _FANOUT_BACKLOG_LIMIT seconds are queued."""

    def __init__(self):
        self._lock = threading.Condition()
        self._backlog = 0.0
        self._running = False
        self.done = 0.0  # seconds of work run so far

    @property
    def backlog(self) -> float:
        with self._lock:
            return self._backlog

    def schedule(self, seconds: float) -> None:
        with self._lock:
            self._backlog = min(_FANOUT_BACKLOG_LIMIT, self._backlog + seconds)
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, name="syslab-fanout", daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._lock:
                step = min(self._backlog, 0.01)
                self._backlog -= step
                if step <= 0:
                    self._running = False
                    return
            burn_cpu(step)
            self.done += step


def _open_registry(registry: Optional[Registry], store: Optional[str], workspace: Optional[str],
                   on_store_down: Optional[str]) -> Registry:
    """The registry given, or one opened with the store options given."""
    options = {k: v for k, v in (("store", store), ("workspace", workspace), ("on_store_down", on_store_down))
               if v is not None}
    if registry is not None:
        if options:
            raise ValueError("pass either a registry or store options (store, workspace, on_store_down), not both")
        return registry
    if not options:
        return Registry()
    if "store" not in options:
        raise ValueError("workspace and on_store_down need a store URL (store='redis://...')")
    return Registry(**options)


def _workspace_of(registry: Registry) -> str:
    store = registry.status().get("store")
    return store.get("workspace", "default") if isinstance(store, dict) else "default"


class _Injector:
    """What both middlewares share: the registry (given, or opened from store
    options), the decider, the route mapping, the control mount, and the state
    effects keep across requests (capacity, retained memory, fanout)."""

    def __init__(self, registry: Optional[Registry], component: str, tags: Iterable[str],
                 route_of: Optional[Callable[[str], str]], pool_size: int, store: Optional[str],
                 workspace: Optional[str], on_store_down: Optional[str], control_prefix: Optional[str],
                 jwt_secret: Optional[str], metrics_open: bool, insecure: bool, probe_parameter: str = "q"):
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        registry = _open_registry(registry, store, workspace, on_store_down)
        self.registry = registry
        self.control = None if control_prefix is None else ControlMount(
            registry, control_prefix, workspace=_workspace_of(registry), jwt_secret=jwt_secret,
            metrics_open=metrics_open, insecure=insecure)
        self.decide = Decider(registry, component=component, tags=tags)
        self.route_of = route_of
        self.pool_size = pool_size
        self.probe_parameter = probe_parameter
        self.retention = _Retention(registry)
        self.fanout = _Fanout()

    def start_background(self, plan: _Plan) -> None:
        for serial in plan.canaries:
            canary_log.warning("%s", canary_line(serial))
        for scenario, size in plan.retain:
            self.retention.keep(scenario, size)
        if plan.fanout > 0:
            self.fanout.schedule(plan.fanout)


def _decision_failed(error: SyslabError) -> list:
    # A scenario that fails (a Lua error, say) must not take the service down:
    # the request is served untouched and the failure logged.
    _log.error("syslab decision failed, request served without effects: %s", error)
    return []


def _uvicorn_transport(send: Callable) -> Any:
    """The asyncio transport behind uvicorn's `send` (a bound method of its
    request-response cycle), or None under other servers."""
    owner = getattr(send, "__self__", None)
    transport = getattr(owner, "transport", None)
    return transport if isinstance(transport, asyncio.BaseTransport) else None


async def _close_transport(transport: asyncio.BaseTransport) -> None:
    transport.close()
    # Let connection_lost run, so the server sees a disconnect rather than an
    # app that returned without answering (which it would answer with a 500).
    await asyncio.sleep(0)


class ASGIMiddleware:
    """ASGI middleware: `app = ASGIMiddleware(app, registry, component="backend")`,
    or `ASGIMiddleware(app, store="redis://...", workspace="team-a")` to open a
    registry bound to a store. `pool_size` is the normal number of concurrent
    requests a `capacity` effect shrinks. `control_prefix` mounts the control
    API there (see syslab.control for `jwt_secret`, `metrics_open`, `insecure`)."""

    def __init__(self, app: Any, registry: Optional[Registry] = None, component: str = "", tags: Iterable[str] = (),
                 route_of: Optional[Callable[[str], str]] = None, pool_size: int = 10, *,
                 store: Optional[str] = None, workspace: Optional[str] = None, on_store_down: Optional[str] = None,
                 control_prefix: Optional[str] = None, jwt_secret: Optional[str] = None, metrics_open: bool = False,
                 insecure: bool = False, probe_parameter: str = "q"):
        self.app = app
        self.injector = _Injector(registry, component, tags, route_of, pool_size, store, workspace, on_store_down,
                                  control_prefix, jwt_secret, metrics_open, insecure, probe_parameter)
        self.registry = self.injector.registry
        self._decide = self.injector.decide.route
        self._route_of = route_of
        self._control = self.injector.control
        self._control_prefix = None if self._control is None else self._control.prefix  # a cheap first check
        self._busy = 0
        self._capacity_changed: Optional[asyncio.Condition] = None

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if self._control_prefix is not None and path.startswith(self._control_prefix) and self._control.owns(path):
            await self._serve_control(scope, receive, send)
            return
        try:
            effects = self._decide(path if self._route_of is None else self._route_of(path), scope["method"])
        except SyslabError as error:
            effects = _decision_failed(error)
        if not effects:
            await self.app(scope, receive, send)
            return
        await self._inject(_Plan(effects), dict(scope, **{"syslab.effects": effects}), receive, send)

    async def _serve_control(self, scope: dict, receive: Callable, send: Callable) -> None:
        mount = self._control
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        response = mount.body_refused(headers.get(b"content-length"))
        if response is None:
            body = await _read_asgi_body(receive)
            if body is None:
                response = mount.too_large()
            else:  # off the event loop: a store-bound enable waits for the store's acknowledgement
                response = await asyncio.get_running_loop().run_in_executor(
                    None, mount.handle, scope["method"], scope["path"], headers.get(b"authorization"), body)
        status, extra, body = response
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in extra]})
        await send({"type": "http.response.body", "body": body})

    async def _inject(self, plan: _Plan, scope: dict, receive: Callable, send: Callable) -> None:
        self.injector.start_background(plan)
        if plan.probe is not None:
            scope, send = self._probed(plan.probe, scope, send)
        if plan.cpu > 0:  # on a worker thread: the event loop keeps serving others
            await asyncio.get_running_loop().run_in_executor(None, burn_cpu, plan.cpu)
        if plan.wait > 0:
            await asyncio.sleep(plan.wait)
        header = (b"x-syslab-effects", plan.header.encode())
        if plan.terminal is not None:
            await self._answer(plan, send, header)
            return
        shaped = self._shaped_send(plan, send, header) if (plan.truncate is not None or plan.bandwidth) else \
            self._headed_send(plan, send, header)
        if plan.capacity is None:
            await self.app(scope, receive, shaped)
            return
        async with self._pool_slot(_pool_limit(plan.capacity, self.injector.pool_size)):
            await self.app(scope, receive, shaped)

    def _probed(self, probe: ProbeShape, scope: dict, send: Callable) -> tuple[dict, Callable]:
        """The request as the probe presents it, and a `send` that reports the status answered."""
        headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope.get("headers", ())]
        query = probe.query(scope.get("query_string", b"").decode("latin-1"), self.injector.probe_parameter)
        scope = dict(scope, headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in probe.headers(headers)],
                     query_string=query.encode("latin-1"))
        registry = self.registry

        async def reporting_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                report(registry, probe.scenarios, int(message["status"]), _log)
            await send(message)

        return scope, reporting_send

    async def _answer(self, plan: _Plan, send: Callable, header: tuple) -> None:
        effect = plan.terminal
        if effect.kind in _STALLS and effect.seconds > 0:
            await asyncio.sleep(effect.seconds)
        if effect.kind == "drop":
            _log.info("dropped a request for %s (status %s)", effect.scenario, effect.status or "-")
            transport = _uvicorn_transport(send)
            if transport is not None:
                await _close_transport(transport)
                return
        status, extra, body = plan.answer()
        headers = [(k.encode(), v.encode()) for k, v in extra]
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), header]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _extra_headers(plan: _Plan, header: tuple) -> list:
        extra = [header]
        if plan.age is not None:
            extra.append((b"age", str(int(plan.age)).encode()))
        return extra

    def _headed_send(self, plan: _Plan, send: Callable, header: tuple) -> Callable:
        extra = self._extra_headers(plan, header)

        async def headed_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", ())) + extra)
            await send(message)

        return headed_send

    def _shaped_send(self, plan: _Plan, send: Callable, header: tuple) -> Callable:
        """Truncates and/or paces the body. Truncation keeps the declared
        Content-Length and closes the connection where the server lets us
        (uvicorn); elsewhere it drops Content-Length and ends the body early."""
        extra = self._extra_headers(plan, header)
        transport = _uvicorn_transport(send) if plan.truncate is not None else None
        held: list[bytes] = []
        closed = False

        async def paced(body: bytes, more_body: bool) -> None:
            if not plan.bandwidth or not body:
                await send({"type": "http.response.body", "body": body, "more_body": more_body})
                return
            step = max(1, int(plan.bandwidth * _PACE_STEP))
            for start in range(0, len(body), step):
                piece = body[start:start + step]
                await asyncio.sleep(len(piece) / plan.bandwidth)
                await send({"type": "http.response.body", "body": piece,
                            "more_body": more_body or start + step < len(body)})

        async def shaped_send(message: dict) -> None:
            nonlocal closed
            if closed:
                return
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if plan.truncate is not None and transport is None:
                    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                await send(dict(message, headers=headers + extra))
            elif message["type"] == "http.response.body":
                if plan.truncate is None:
                    await paced(message.get("body", b""), message.get("more_body", False))
                    return
                held.append(message.get("body", b""))  # truncation needs the whole body's length
                if message.get("more_body", False):
                    return
                body = b"".join(held)
                body = body[: int(len(body) * plan.truncate)]
                if transport is None:
                    await paced(body, False)
                else:
                    await paced(body, True)
                    closed = True
                    await _close_transport(transport)
            else:
                await send(message)

        return shaped_send

    @contextlib.asynccontextmanager
    async def _pool_slot(self, limit: int):
        if self._capacity_changed is None:
            self._capacity_changed = asyncio.Condition()
        changed = self._capacity_changed
        async with changed:
            await changed.wait_for(lambda: self._busy < limit)
            self._busy += 1
        try:
            yield
        finally:
            async with changed:
                self._busy -= 1
                changed.notify_all()


class WSGIMiddleware:
    """WSGI middleware: `app = WSGIMiddleware(app, registry, component="backend")`,
    or with store options instead of a registry, as ASGIMiddleware."""

    def __init__(self, app: Any, registry: Optional[Registry] = None, component: str = "", tags: Iterable[str] = (),
                 route_of: Optional[Callable[[str], str]] = None, pool_size: int = 10, *,
                 store: Optional[str] = None, workspace: Optional[str] = None, on_store_down: Optional[str] = None,
                 control_prefix: Optional[str] = None, jwt_secret: Optional[str] = None, metrics_open: bool = False,
                 insecure: bool = False, probe_parameter: str = "q"):
        self.app = app
        self.injector = _Injector(registry, component, tags, route_of, pool_size, store, workspace, on_store_down,
                                  control_prefix, jwt_secret, metrics_open, insecure, probe_parameter)
        self.registry = self.injector.registry
        self._decide = self.injector.decide.route
        self._route_of = route_of
        self._control = self.injector.control
        self._control_prefix = None if self._control is None else self._control.prefix  # a cheap first check
        self._busy = 0
        self._capacity_changed = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if self._control_prefix is not None and path.startswith(self._control_prefix) and self._control.owns(path):
            return self._serve_control(environ, start_response)
        try:
            effects = self._decide(path if self._route_of is None else self._route_of(path),
                                   environ.get("REQUEST_METHOD", ""))
        except SyslabError as error:
            effects = _decision_failed(error)
        if not effects:
            return self.app(environ, start_response)
        environ["syslab.effects"] = effects
        return self._inject(_Plan(effects), environ, start_response)

    def _serve_control(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        mount = self._control
        response = mount.body_refused(environ.get("CONTENT_LENGTH"))
        if response is None:
            body = _read_wsgi_body(environ)
            response = mount.too_large() if body is None else mount.handle(
                environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), environ.get("HTTP_AUTHORIZATION"),
                body)
        status, headers, body = response
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]

    def _inject(self, plan: _Plan, environ: dict, start_response: Callable) -> Iterable[bytes]:
        self.injector.start_background(plan)
        if plan.probe is not None:
            start_response = self._probed(plan.probe, environ, start_response)
        if plan.cpu > 0:
            burn_cpu(plan.cpu)
        if plan.wait > 0:
            time.sleep(plan.wait)
        header = ("X-Syslab-Effects", plan.header)
        if plan.terminal is not None:
            return self._answer(plan, environ, start_response, header)
        extra = [header] + ([("Age", str(int(plan.age)))] if plan.age is not None else [])
        # Truncation keeps the declared Content-Length where the server then
        # closes the connection: gunicorn (we shut its socket), waitress (it
        # closes after too few bytes). Elsewhere the length is dropped.
        sock = environ.get("gunicorn.socket")
        keeps_length = sock is not None or environ.get("SERVER_SOFTWARE", "").startswith("waitress")

        def shaped_start(status: str, headers: list, exc_info: Any = None) -> Any:
            if plan.truncate is not None and not keeps_length:
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            return start_response(status, list(headers) + extra, exc_info)

        if plan.capacity is None:
            chunks = self.app(environ, shaped_start)
            if plan.truncate is None and not plan.bandwidth:
                return chunks
            body = _drain(chunks)
        else:
            with self._pool_slot(_pool_limit(plan.capacity, self.injector.pool_size)):
                body = _drain(self.app(environ, shaped_start))
        if plan.truncate is not None:
            body = body[: int(len(body) * plan.truncate)]
        return self._paced(body, plan.bandwidth, sock if plan.truncate is not None else None)

    @staticmethod
    def _paced(body: bytes, rate: Optional[float], sock: Optional[socket.socket]) -> Iterator[bytes]:
        if not rate or not body:
            yield body
        else:
            step = max(1, int(rate * _PACE_STEP))
            for start in range(0, len(body), step):
                piece = body[start:start + step]
                time.sleep(len(piece) / rate)
                yield piece
        if sock is not None:  # truncated under gunicorn: the rest never comes
            sock.shutdown(socket.SHUT_RDWR)

    def _probed(self, probe: ProbeShape, environ: dict, start_response: Callable) -> Callable:
        """Reshapes `environ` as the probe presents the request; returns a
        `start_response` that reports the status answered."""
        headers = [(k[5:].replace("_", "-").lower(), v) for k, v in environ.items() if k.startswith("HTTP_")]
        for key in [k for k in environ if k.startswith("HTTP_")]:
            del environ[key]
        for name, value in probe.headers(headers):
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        environ["QUERY_STRING"] = probe.query(environ.get("QUERY_STRING", ""), self.injector.probe_parameter)
        registry = self.registry
        reported = []

        def reporting_start(status: str, headers: list, exc_info: Any = None) -> Any:
            if not reported:  # once, even if an error replaces the response (exc_info)
                reported.append(True)
                report(registry, probe.scenarios, int(status.split(" ", 1)[0]), _log)
            return start_response(status, headers, exc_info)

        return reporting_start

    def _answer(self, plan: _Plan, environ: dict, start_response: Callable, header: tuple) -> Iterable[bytes]:
        effect = plan.terminal
        if effect.kind in _STALLS and effect.seconds > 0:
            time.sleep(effect.seconds)
        if effect.kind == "drop":
            _log.info("dropped a request for %s (status %s)", effect.scenario, effect.status or "-")
            sock = environ.get("gunicorn.socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
                # gunicorn's workers treat EPIPE as a client that went away: no
                # response, no error log.
                raise BrokenPipeError(errno.EPIPE, "connection dropped by syslab")
        # A WSGI app may not send `Connection: close` (PEP 3333 hop-by-hop
        # headers; waitress rejects it): elsewhere a drop answers 502.
        status, extra, body = plan.answer()
        start_response(f"{status} Injected", extra + [("Content-Type", "application/json"),
                                                      ("Content-Length", str(len(body))), header])
        return [body]

    @contextlib.contextmanager
    def _pool_slot(self, limit: int):
        with self._capacity_changed:
            self._capacity_changed.wait_for(lambda: self._busy < limit)
            self._busy += 1
        try:
            yield
        finally:
            with self._capacity_changed:
                self._busy -= 1
                self._capacity_changed.notify_all()


def _drain(chunks: Iterable[bytes]) -> bytes:
    try:
        return b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


async def _read_asgi_body(receive: Callable) -> Optional[bytes]:
    """A control request's body; None past MAX_BODY_BYTES (the rest is read
    and dropped up to DRAIN_BYTES, see syslab.control)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks) if size <= MAX_BODY_BYTES else None
        if size > DRAIN_BYTES:
            return None


def _read_wsgi_body(environ: dict) -> Optional[bytes]:
    """A control request's body (a Content-Length is checked beforehand);
    None past MAX_BODY_BYTES. Without a length, only a server that marks its
    input terminated (chunked bodies under gunicorn) is read to the end."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read(DRAIN_BYTES + 1)
    else:
        return b""
    return None if len(body) > MAX_BODY_BYTES else body
