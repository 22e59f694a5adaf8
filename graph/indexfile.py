"""The writers of the derived index files kept beside the database (similarity, text).

Each index is written whole to a file of its own and renamed over the old one, so a crash mid-write
never leaves a truncated index. Each temporary file has a name of its own (two writers never share
one), and a writer that reads, extends and rewrites an index holds that index's lock file for the
whole cycle, so a second writer waits instead of overwriting it half-way. What a killed writer leaves behind (``<index>.pending-*``,
``<index>.*.tmp``) is removed by ``sweep_stale`` when the server starts.
"""
from __future__ import annotations

import fcntl
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


def pending_path(path: str | Path) -> Path:
    """A fresh name for the next version of ``path``, made before it replaces ``path``."""
    path = Path(path)
    return path.with_name(f"{path.name}.pending-{os.getpid()}-{secrets.token_hex(4)}")


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def writer_lock(path: str | Path, wait: bool = True) -> Iterator[bool]:
    """Hold the exclusive lock of the index at ``path`` (an flock: the kernel drops it when the
    holder dies). Yields False, without waiting, when ``wait`` is off and another writer has it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def sweep_stale(path: str | Path) -> list[Path]:
    """Remove the pending and temporary files a killed writer of ``path`` left; nothing while a
    live writer holds the lock (its files are not stale). Returns what was removed."""
    path = Path(path)
    if not path.parent.is_dir():
        return []
    removed = []
    with writer_lock(path, wait=False) as held:
        if not held:
            return []
        for leftover in path.parent.glob(path.name + ".*"):
            name = leftover.name[len(path.name):]
            if name.startswith(".pending") or name.endswith(".tmp"):
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    if removed:
        log.warning("removed %d file(s) a killed index writer left: %s", len(removed),
                    ", ".join(p.name for p in removed))
    return removed
