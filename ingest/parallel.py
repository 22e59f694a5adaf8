"""How many forked worker processes a CPU-bound bulk step of a CLI ingest may use.

Parsing files and linking measures are pure computation over data the parent already holds, so
forked workers share it copy-on-write and send back only their results. Only a command-line run
asks for workers: a server never forks (its other threads may hold locks a child would inherit).
"""
from __future__ import annotations

import multiprocessing
import os

MAX_WORKERS = 4


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_for(items: int, asked: int, minimum: int) -> int:
    """``asked``: 1 = this process only, 0 = one worker per core (at most MAX_WORKERS), n = n.
    Fewer than ``minimum`` items are not worth a fork."""
    if asked == 1 or items < minimum or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if asked > 1:
        return asked
    return max(1, min(MAX_WORKERS, usable_cores()))


def fork_pool(workers: int):
    return multiprocessing.get_context("fork").Pool(workers)
