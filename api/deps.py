"""Request-scoped access to the store and settings held by the app."""
from __future__ import annotations

from typing import Any

from fastapi import Request

from graph.store import GraphStore
from policy_graph.research import Trace
from policy_graph.settings import Settings


# async: FastAPI runs a plain-def dependency in the thread pool, a hand-off per request for
# reading an attribute; these never block, so they run on the event loop.
async def get_store(request: Request) -> GraphStore:
    return request.app.state.store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def text_index(request: Request):
    """The text index the server answers text questions from, or None (then they scan)."""
    holder = getattr(request.app.state, "text_index", None)
    return holder.get() if holder is not None else None


def checked_text_index(request: Request):
    """The text index when using it runs no graph statement (TextIndexFile.checked), for a route
    on the event loop; None otherwise (then ask ``text_index`` from a thread)."""
    holder = getattr(request.app.state, "text_index", None)
    return holder.checked() if holder is not None else None


def trace_for(request: Request, store: GraphStore, carried: Any = None) -> Trace:
    """The Trace every question of a request is asked through: with the text index, so text
    questions and the answers the ingest kept (themes, practices, regions) are read there; and
    what an attempt on the event loop ``carried`` (api/inline.py)."""
    return Trace(store, text_index=text_index(request), carried=carried)
