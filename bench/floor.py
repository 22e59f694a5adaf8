"""The serving floor: a FastAPI route that does no work, under the same uvicorn and clients.

Whatever latency this shows under 16 clients is the cost of HTTP, the event loop, the thread
pool and the client itself sharing the machine's cores, before any graph query runs.

``app`` is the floor the benchmark reports. The other apps split it into its layers, for
``uvicorn bench.floor:<name>`` runs by hand (bench/FIXES.md, "serving floor by layer"):
``async_app`` (the same route as ``async def``: no thread pool), ``starlette_sync`` /
``starlette_async`` (Starlette without FastAPI's validation and serialisation) and ``raw_app``
(a bare ASGI callable: uvicorn alone).
"""
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

app = FastAPI()


@app.get("/floor")
def floor() -> dict:  # a sync route, like the API's: it runs in the same thread pool
    return {"ok": True}


async_app = FastAPI()


@async_app.get("/floor")
async def floor_async() -> dict:  # runs on the event loop: no thread pool hand-off
    return {"ok": True}


def _starlette_sync(request):
    return JSONResponse({"ok": True})


async def _starlette_async(request):
    return JSONResponse({"ok": True})


starlette_sync = Starlette(routes=[Route("/floor", _starlette_sync)])
starlette_async = Starlette(routes=[Route("/floor", _starlette_async)])

_BODY = b'{"ok":true}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())]


async def raw_app(scope, receive, send):
    """A bare ASGI app: what uvicorn (uvloop + httptools) costs with nothing above it."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})
