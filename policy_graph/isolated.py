"""Run one CPU-bound step of an upload in a fresh child process, and take back its result.

The server answers reads from the threads of one process. Parsing a document and linking its
measures are pure Python: run in the server, they held the interpreter's lock away from the
readers (a 600-measure upload took 31 s beside 16 readers, 10-12 s in a child) and their
millions of short-lived objects left Python's arenas part-empty among the readers' objects.
A child starts clean, hands back its result by pickle and exits, so what it allocated goes
back to the system whole. It is spawned, never forked: a fork of a threaded process inherits
locks that other threads held at that moment.

A child must not outlive the server: one orphaned by a SIGKILL went on for 18 minutes holding
915 MB, then wrote an index file under a restarted server's feet. The kernel kills it when its
parent dies (Linux's parent-death signal, set first thing in the child).
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
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


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Runs first in every child: SIGKILL it when the process that spawned it dies, and end it
    now if that already happened (the signal is only armed for a parent alive at this point)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:
        os._exit(1)


def in_child(fn: Callable[..., T], /, *args: Any) -> T:
    """``fn(*args)`` in a spawned process; its exceptions are raised here as they were raised there.
    ``fn`` and its arguments must pickle (a module-level function, plain data)."""
    context = multiprocessing.get_context("spawn")
    try:
        # The parent-death signal follows the thread that spawned the child; this thread waits
        # for the answer below, so it outlives the child.
        with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            return pool.submit(fn, *args).result()
    except BrokenProcessPool as exc:
        raise ChildDied(f"the worker process for {getattr(fn, '__name__', fn)} ended without "
                        f"an answer ({exc})") from exc
