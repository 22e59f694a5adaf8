"""Expensive answers begun on the event loop, and moved to a thread when they are not quick.

A research route used to run its whole answer in the thread pool. The hand-off there and back,
and the interpreter lock passed between the loop's thread and the worker, cost ~0.5 ms of server
CPU a request (paths at 100k measures: 2.2 against 1.7 ms): as much as an answer the ingest
kept costs to read. So such a route begins its answer on the event loop, on the loop's own
reader of the text index (TextIndexFile.checked: it never waits for a writer's lock), for at
most INLINE_SECONDS. A graph statement, a read that would wait (a writer's lock, the measures'
keys read again after an ingest), or any step past that time stops it (graph.store.OffTheLoop;
SQLite interrupts a long statement), and the answer is worked out again from the start in the
thread pool, as before. Answers only read, so beginning again changes nothing but the time.

The loop is so held at most INLINE_SECONDS and one step: about what a worker thread in Python
held it for anyway, the interpreter's switch interval being 5 ms (RELIABILITY.md).
"""
from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from api.deps import checked_text_index, trace_for
from graph.store import GraphStore, OffTheLoop, inline_until
from policy_graph.research import Trace

INLINE_SECONDS = 0.005
_STOPPED = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_INTERRUPT)  # a writer's lock; out of time (progress handler)

T = TypeVar("T")


async def inline_first(request: Request, store: GraphStore, answer: Callable[[Trace], T]) -> T:
    """``answer`` of a Trace, worked out on the event loop when the text index gives it quickly,
    otherwise in the thread pool."""
    index = checked_text_index(request)
    carried = None
    if index is not None:
        # one turn of the loop first: a cheap request that came in meanwhile is begun before
        # this answer holds the loop, not after it
        await asyncio.sleep(0)
        token = inline_until.set(time.monotonic() + INLINE_SECONDS)
        try:
            return answer(Trace(store, text_index=index))
        except OffTheLoop as stop:
            carried = stop.carried
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in _STOPPED:
                raise
        finally:
            inline_until.reset(token)
    return await on_a_thread(request, store, answer, carried)


async def on_a_thread(request: Request, store: GraphStore, answer: Callable[[Trace], T], carried: Any = None) -> T:
    """``answer`` worked out in the thread pool, on that thread's reader of the text index, with
    what an attempt on the loop ``carried`` (Trace.carried)."""
    return await run_in_threadpool(lambda: answer(trace_for(request, store, carried)))
