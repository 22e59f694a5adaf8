"""Run one CPU-bound step of an upload in a fresh child process, and take back its result.

The server answers reads from the threads of one process. Parsing a document and linking its
measures are pure Python: run in the server, they held the interpreter's lock away from the
readers (a 600-measure upload took 31 s beside 16 readers, 10-12 s in a child) and their
millions of short-lived objects left Python's arenas part-empty among the readers' objects.
A child starts clean, hands back its result by pickle and exits, so what it allocated goes
back to the system whole. It is spawned, never forked: a fork of a threaded process inherits
locks that other threads held at that moment.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
Runner = Callable[..., Any]  # in_process or in_child: runner(fn, *args) -> fn(*args)


class ChildDied(RuntimeError):
    """The child process ended without an answer (killed, out of memory, crashed)."""


def in_process(fn: Callable[..., T], /, *args: Any) -> T:
    """The same call in this process: what a command-line ingest uses."""
    return fn(*args)


def in_child(fn: Callable[..., T], /, *args: Any) -> T:
    """``fn(*args)`` in a spawned process; its exceptions are raised here as they were raised there.
    ``fn`` and its arguments must pickle (a module-level function, plain data)."""
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            return pool.submit(fn, *args).result()
    except BrokenProcessPool as exc:
        raise ChildDied(f"the worker process for {getattr(fn, '__name__', fn)} ended without "
                        f"an answer ({exc})") from exc
