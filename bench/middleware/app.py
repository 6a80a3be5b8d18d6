"""The apps bench/middleware/throughput.py serves: one Starlette (ASGI) and one
plain WSGI app answering "ok" on /api/orders, each bare and wrapped in the
middleware over a registry with nothing enabled. SYSLAB_BENCH_LAYERS=N wraps
the app N times (one decision per layer), so the middleware's own cost stands
out of the noise: the added CPU time per request, divided by N."""

import os

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from syslab import Registry
from syslab.middleware import ASGIMiddleware, WSGIMiddleware


async def orders(request):
    return PlainTextResponse("ok")


def wsgi_orders(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


registry = Registry(seed=1)
layers = int(os.environ.get("SYSLAB_BENCH_LAYERS", "1"))
asgi_bare = Starlette(routes=[Route("/api/orders", orders)])
asgi_wrapped = Starlette(routes=[Route("/api/orders", orders)])
wsgi_bare = wsgi_orders
wsgi_wrapped = wsgi_orders
for _ in range(layers):
    asgi_wrapped = ASGIMiddleware(asgi_wrapped, registry, component="backend")
    wsgi_wrapped = WSGIMiddleware(wsgi_wrapped, registry, component="backend")
