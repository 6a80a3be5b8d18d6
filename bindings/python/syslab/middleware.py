"""Inject a registry's failures into a real web service.

`ASGIMiddleware` and `WSGIMiddleware` ask the registry, for every request,
which effects apply to it (by route, method, component and tags) and apply
them the way docs/effects.md describes for host services:

    delay, lock_wait, cpu_burn  wait `seconds` before handling the request
    error                       answer `status` without calling the app
    throttle                    answer `status` with `Retry-After: seconds`
    timeout, hang               wait `seconds`, then answer 504
    drop                        answer 502 without calling the app (the closest a
                                portable middleware gets to closing the socket)
    truncate                    send only `amount` (0..1) of the response body
    bandwidth                   send the body at `amount` bytes per second
    others                      listed in the `x-syslab-effects` response header
                                for the app to act on (cache_miss, stale_read, ...)

Every response carries `x-syslab-effects` naming what was applied.
Decisions go through the fixed-layout decision API (`syslab.decision.Decider`).
Requests are matched by their path; pass `route_of` to map a request to its
route template ("/orders/{id}") when paths carry identifiers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from typing import Any, Callable, Iterable, Optional

from .decision import Decider
from .registry import Registry

_WAITS = {"delay", "lock_wait", "cpu_burn"}
_STALLS = {"timeout", "hang"}


class _Plan:
    """What to do to one request, computed from its effects."""

    def __init__(self, effects: list[dict]):
        self.effects = effects
        self.wait = sum(e["seconds"] for e in effects if e["kind"] in _WAITS)
        self.response: Optional[tuple[int, list[tuple[str, str]], bytes]] = None
        self.truncate: Optional[float] = None
        self.bandwidth: Optional[float] = None
        for e in effects:
            kind = e["kind"]
            if self.response is None and kind == "error":
                self.response = (e["status"] or 500, [], self._body(e, "injected error"))
            elif self.response is None and kind == "throttle":
                retry_after = str(max(0, int(round(e["seconds"]))))
                self.response = (e["status"] or 429, [("retry-after", retry_after)], self._body(e, "injected throttle"))
            elif self.response is None and kind in _STALLS:
                self.wait += e["seconds"]
                self.response = (504, [], self._body(e, f"injected {kind}"))
            elif self.response is None and kind == "drop":
                self.response = (502, [("connection", "close")], self._body(e, "injected drop"))
            elif kind == "truncate":
                self.truncate = min(self.truncate if self.truncate is not None else 1.0, max(0.0, e["amount"]))
            elif kind == "bandwidth" and e["amount"] > 0:
                self.bandwidth = min(self.bandwidth or float("inf"), e["amount"])

    @staticmethod
    def _body(effect: dict, message: str) -> bytes:
        return json.dumps({"error": message, "scenario": effect["scenario"]}).encode()

    @property
    def header(self) -> str:
        return ",".join(f"{e['scenario']}:{e['kind']}" for e in self.effects)


class _Injector:
    """What both middlewares share: the decider and the request's route."""

    def __init__(self, registry: Registry, component: str, tags: Iterable[str],
                 route_of: Optional[Callable[[str], str]]):
        self.decide = Decider(registry)
        self.component = component
        self.tags = list(tags)
        self.route_of = route_of or (lambda path: path)

    def plan(self, path: str, method: str) -> _Plan:
        effects = self.decide(self.route_of(path), method, component=self.component, tags=self.tags)
        return _Plan([dataclasses.asdict(e) for e in effects])


class ASGIMiddleware:
    """ASGI middleware: `app = ASGIMiddleware(app, registry, component="backend")`."""

    def __init__(self, app: Any, registry: Registry, component: str = "", tags: Iterable[str] = (),
                 route_of: Optional[Callable[[str], str]] = None):
        self.app = app
        self.injector = _Injector(registry, component, tags, route_of)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        plan = self.injector.plan(scope.get("path", ""), scope.get("method", ""))
        if plan.wait > 0:
            await asyncio.sleep(plan.wait)
        header = (b"x-syslab-effects", plan.header.encode())
        if plan.response is not None:
            status, headers, body = plan.response
            raw = [(k.encode(), v.encode()) for k, v in headers]
            raw += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), header]
            await send({"type": "http.response.start", "status": status, "headers": raw})
            await send({"type": "http.response.body", "body": body})
            return

        async def shaped_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"
                           or plan.truncate is None]
                message = dict(message, headers=headers + [header])
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                if plan.truncate is not None:
                    body = body[: int(len(body) * plan.truncate)]
                    message = dict(message, body=body)
                if plan.bandwidth:
                    await asyncio.sleep(len(body) / plan.bandwidth)
            await send(message)

        await self.app(scope, receive, shaped_send)


class WSGIMiddleware:
    """WSGI middleware: `app = WSGIMiddleware(app, registry, component="backend")`."""

    def __init__(self, app: Any, registry: Registry, component: str = "", tags: Iterable[str] = (),
                 route_of: Optional[Callable[[str], str]] = None):
        self.app = app
        self.injector = _Injector(registry, component, tags, route_of)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        plan = self.injector.plan(environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", ""))
        if plan.wait > 0:
            time.sleep(plan.wait)
        header = ("X-Syslab-Effects", plan.header)
        if plan.response is not None:
            status, headers, body = plan.response
            start_response(f"{status} Injected", headers + [("Content-Type", "application/json"), header])
            return [body]

        def shaped_start(status: str, headers: list, exc_info: Any = None) -> Any:
            if plan.truncate is not None:
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            return start_response(status, headers + [header], exc_info)

        chunks = self.app(environ, shaped_start)
        if plan.truncate is None and not plan.bandwidth:
            return chunks
        body = b"".join(chunks)
        if plan.truncate is not None:
            body = body[: int(len(body) * plan.truncate)]
        if plan.bandwidth:
            time.sleep(len(body) / plan.bandwidth)
        return [body]
