#!/usr/bin/env python3
"""Microseconds per request added by the middleware with no scenario enabled,
measured in-process against stub ASGI and WSGI apps (no server, no sockets):
the stub alone, then wrapped, interleaved over several rounds (best round kept)."""

import asyncio
import sys
import time

from syslab import Registry
from syslab.middleware import ASGIMiddleware, WSGIMiddleware

REQUESTS = 100_000
ROUNDS = 5

ASGI_START = {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
ASGI_BODY = {"type": "http.response.body", "body": b"ok"}


async def asgi_stub(scope, receive, send):
    await send(ASGI_START)
    await send(ASGI_BODY)


def wsgi_stub(environ, start_response):
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]


async def time_asgi(app, n):
    scope = {"type": "http", "path": "/api/orders", "method": "GET"}

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        pass

    start = time.perf_counter()
    for _ in range(n):
        await app(scope, receive, send)
    return (time.perf_counter() - start) / n * 1e6


def time_wsgi(app, n):
    environ = {"PATH_INFO": "/api/orders", "REQUEST_METHOD": "GET"}

    def start_response(status, headers, exc_info=None):
        pass

    start = time.perf_counter()
    for _ in range(n):
        for _chunk in app(environ, start_response):
            pass
    return (time.perf_counter() - start) / n * 1e6


def main():
    registry = Registry(seed=1)
    asgi = ASGIMiddleware(asgi_stub, registry, component="backend")
    wsgi = WSGIMiddleware(wsgi_stub, registry, component="backend")
    best = {}
    for _ in range(ROUNDS):
        for name, measure in [("asgi bare", lambda: asyncio.run(time_asgi(asgi_stub, REQUESTS))),
                              ("asgi wrapped", lambda: asyncio.run(time_asgi(asgi, REQUESTS))),
                              ("wsgi bare", lambda: time_wsgi(wsgi_stub, REQUESTS)),
                              ("wsgi wrapped", lambda: time_wsgi(wsgi, REQUESTS))]:
            best[name] = min(best.get(name, float("inf")), measure())
    print(f"in-process, no scenario enabled, best of {ROUNDS} x {REQUESTS} requests (target: at most 2 us added)")
    print(f"{'':6} {'bare us/req':>12} {'wrapped us/req':>15} {'added us':>9}")
    worst = 0.0
    for kind in ("asgi", "wsgi"):
        bare, wrapped = best[f"{kind} bare"], best[f"{kind} wrapped"]
        worst = max(worst, wrapped - bare)
        print(f"{kind:6} {bare:12.2f} {wrapped:15.2f} {wrapped - bare:9.2f}")
    return 0 if worst <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
