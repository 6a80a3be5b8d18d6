"""The web service of the fleet test (Tests/fleet), run as `uvicorn --workers 2
app:app`: in every worker, ASGIMiddleware is bound to the Redis store
(SYSLAB_STORE, SYSLAB_WORKSPACE) and opens its own registry there, so the
store's enabled set decides every request in every worker.

A thin wrapper outside the middleware stamps each response, faulted or not,
with the worker that answered and when it decided:
  x-worker-pid       the worker's pid
  x-decided-at       Unix seconds when the request entered the middleware
  x-store-connected  1 or 0: the worker's registry is connected to Redis
The middleware adds x-syslab-effects (scenario:kind,...) when it applied any.
"""

import os
import time

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from syslab.middleware import ASGIMiddleware


async def orders(request):
    return PlainTextResponse("orders")


service = ASGIMiddleware(Starlette(routes=[Route("/api/orders", orders)]), component="backend",
                         store=os.environ["SYSLAB_STORE"], workspace=os.environ["SYSLAB_WORKSPACE"])
registry = service.registry


async def app(scope, receive, send):
    if scope["type"] != "http":
        return await service(scope, receive, send)
    connected = registry.status()["store"]["connected"]
    decided_at = time.time()  # the middleware decides next, with no await in between

    async def stamped_send(message):
        if message["type"] == "http.response.start":
            message = {**message, "headers": [
                *message.get("headers", []),
                (b"x-worker-pid", str(os.getpid()).encode()),
                (b"x-decided-at", f"{decided_at:.6f}".encode()),
                (b"x-store-connected", b"1" if connected else b"0")]}
        await send(message)

    await service(scope, receive, stamped_send)
