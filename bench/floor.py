"""The serving floor: a FastAPI route that does no work, under the same uvicorn and clients.

Whatever latency this shows under 16 clients is the cost of HTTP, the event loop, the thread
pool and the client itself sharing the machine's cores, before any graph query runs.
"""
from fastapi import FastAPI

app = FastAPI()


@app.get("/floor")
def floor() -> dict:  # a sync route, like the API's: it runs in the same thread pool
    return {"ok": True}
