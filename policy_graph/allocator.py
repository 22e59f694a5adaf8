"""Run the server on jemalloc when it is installed (Linux).

Under glibc's malloc the server's resident memory climbed 20-40 % with each round of 16
concurrent readers and an upload, although what the process kept alive did not grow: glibc
gives each worker thread its own arena and does not hand freed memory in them back to the
system, so every burst of requests left the arenas it touched at their high-water mark.
jemalloc with a background thread returns freed pages within about a second; the same load
then stays within 10 % (RELIABILITY.md, Load). The allocator has to be in place before the
interpreter starts, so ``policy-graph serve`` re-executes itself once with it preloaded.
"""
from __future__ import annotations

import os
import sys
from ctypes.util import find_library
from pathlib import Path

# Free pages go back to the system about a second after they were last used (background
# thread); "muzzy" (lazily freed) pages are not kept at all.
MALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"
_MARK = "POLICY_GRAPH_JEMALLOC_EXEC"  # set on the re-executed process: never loop


def jemalloc_loaded(pid: int | str = "self") -> bool:
    """Whether jemalloc is mapped into the process (``pid`` or this one)."""
    try:
        return "jemalloc" in Path(f"/proc/{pid}/maps").read_text(errors="replace")
    except OSError:
        return False


def find_jemalloc() -> str | None:
    return find_library("jemalloc") if sys.platform.startswith("linux") else None


def reexec_with_jemalloc() -> str:
    """Replace this process by the same command with jemalloc preloaded, when that is possible.

    Returns (only when it does not re-execute) a line saying which allocator runs.
    """
    if jemalloc_loaded():
        return "allocator: jemalloc"
    library = find_jemalloc()
    if library is None:
        return ("allocator: glibc malloc (jemalloc not found: install libjemalloc2, or memory "
                "grows under concurrent load; see RELIABILITY.md)")
    if os.environ.get(_MARK):
        return f"allocator: glibc malloc (preloading {library} failed)"
    env = dict(os.environ)
    env["LD_PRELOAD"] = " ".join(filter(None, [library, env.get("LD_PRELOAD")]))
    env.setdefault("MALLOC_CONF", MALLOC_CONF)
    # pyarrow (the loader's batches) otherwise allocates from a mimalloc of its own, which keeps
    # what it frees and holds ~20 MiB that jemalloc's purge never sees (RELIABILITY.md, Load).
    env.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    env[_MARK] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
    raise AssertionError("unreachable")  # pragma: no cover
