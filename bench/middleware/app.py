"""The apps bench/middleware/throughput.py serves: one Starlette (ASGI) and one
plain WSGI app answering "ok" on /api/orders, each bare and wrapped in the
middleware over a registry with nothing enabled."""

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
asgi_bare = Starlette(routes=[Route("/api/orders", orders)])
asgi_wrapped = ASGIMiddleware(Starlette(routes=[Route("/api/orders", orders)]), registry, component="backend")
wsgi_bare = wsgi_orders
wsgi_wrapped = WSGIMiddleware(wsgi_orders, registry, component="backend")
