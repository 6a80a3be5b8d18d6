"""The service the server tests run under uvicorn (ASGI), gunicorn and waitress
(WSGI): the same routes behind ASGIMiddleware or WSGIMiddleware, and
/_control, outside the middleware, to enable scenarios in the server's own
registry (POST {"enable": [[name, params], ...]}; every call resets first).
The middleware mounts its control API under /_syslab, checking tokens signed
with SYSLAB_JWT_SECRET (the test harness sets it).

Routes: /hello (100 bytes), /big (20,000 bytes), /slow (sleeps 0.2 s),
/effects (the kinds the app received in syslab.effects, as JSON), /health,
/pid (the worker's process id).
"""

import asyncio
import json
import os
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from syslab import Registry
from syslab.middleware import ASGIMiddleware, WSGIMiddleware

HELLO = b"0123456789" * 10
BIG = b"abcdefghij" * 2000

# SYSLAB_TEST_STORE (a redis:// URL) and SYSLAB_TEST_WORKSPACE bind the
# registry to a store: then every worker of the server shares its enabled set.
_store = {k: v for k, v in (("store", os.environ.get("SYSLAB_TEST_STORE")),
                            ("workspace", os.environ.get("SYSLAB_TEST_WORKSPACE"))) if v}
registry = Registry(seed=7, **_store)
# One Lua scenario per effect kind the built-in catalogue cannot hand out on demand.
registry.load_lua_string("""
local effects = {
  ["t-throttle"] = {kind = "throttle", status = 429, seconds = 7},
  ["t-drop"] = {kind = "drop", status = 499},
  ["t-hang"] = {kind = "hang", seconds = 0.2},
  ["t-timeout"] = {kind = "timeout", seconds = 0.2},
  ["t-disk-full"] = {kind = "disk_full", status = 507},
  ["t-truncate"] = {kind = "truncate", amount = 0.5},
  ["t-bandwidth"] = {kind = "bandwidth", amount = 40000},
  ["t-cpu-burn"] = {kind = "cpu_burn", seconds = 0.2},
  ["t-extra-queries"] = {kind = "extra_queries", amount = 4, seconds = 0.05},
  ["t-retry"] = {kind = "retry", amount = 2, seconds = 0.2},
  ["t-capacity"] = {kind = "capacity", amount = 0.1},
  ["t-stale-read"] = {kind = "stale_read", seconds = 30},
  ["t-cache-miss"] = {kind = "cache_miss"},
}
for name, effect in pairs(effects) do
  registry:define{name = name, category = "custom", summary = "test: " .. effect.kind,
                  effects = {effect.kind}, apply = function() return effect end}
end
""", "server-test-scenarios")


def control(body: bytes) -> None:
    registry.reset()
    for name, params in json.loads(body or b"{}").get("enable", []):
        registry.enable(name, params)


# -- ASGI (Starlette) --------------------------------------------------------

async def hello(request: Request):
    return PlainTextResponse(HELLO)


async def big(request: Request):
    return PlainTextResponse(BIG)


async def slow(request: Request):
    await asyncio.sleep(0.2)
    return PlainTextResponse(b"slow")


async def effects(request: Request):
    return JSONResponse([e.kind for e in request.scope.get("syslab.effects", ())])


async def pid(request: Request):
    return PlainTextResponse(str(os.getpid()))


_asgi_service = ASGIMiddleware(Starlette(routes=[
    Route("/hello", hello), Route("/big", big), Route("/slow", slow), Route("/effects", effects),
    Route("/health", hello), Route("/pid", pid)]), registry, component="backend", control_prefix="/_syslab")


async def asgi_app(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == "/_control":
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        control(body)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    await _asgi_service(scope, receive, send)


# -- WSGI --------------------------------------------------------------------

def _wsgi_routes(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/slow":
        time.sleep(0.2)
        body = b"slow"
    elif path == "/big":
        body = BIG
    elif path == "/effects":
        body = json.dumps([e.kind for e in environ.get("syslab.effects", ())]).encode()
    elif path == "/pid":
        body = str(os.getpid()).encode()
    else:
        body = HELLO
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


_wsgi_service = WSGIMiddleware(_wsgi_routes, registry, component="backend", control_prefix="/_syslab")


def wsgi_app(environ, start_response):
    if environ["PATH_INFO"] == "/_control":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        control(environ["wsgi.input"].read(length))
        start_response("204 No Content", [])
        return [b""]
    return _wsgi_service(environ, start_response)
