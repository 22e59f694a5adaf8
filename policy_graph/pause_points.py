"""Named moments of an ingest where a test can hold it: read while an upload writes, kill a
worker while it parses. A test acts on the event, not on a guess of how long a phase takes.

Inert unless ``POLICY_GRAPH_TEST_PAUSE_DIR`` is set (no deployment sets it; the check is one
dictionary lookup). With it set, a process reaching phase P while ``<dir>/P.pause`` exists writes
its pid to ``<dir>/P.paused`` and waits until ``P.pause`` is removed; without ``P.pause`` it
goes on at once. The variable is inherited by the spawned upload workers, so the phases that run
in a child pause in the child (whose pid the marker then names).

Phases, in the order an ingest reaches them:
    parse       a file is about to be read and its measures extracted (the upload's child)
    write       the document's rows are written, its transaction not yet committed
    link        the document has committed; its similar-to links are about to be computed (child)
    pending     the extended similarity index is written beside the live one, its edges are in
                the graph, it is not yet in place
    text-index  the text index is about to be extended (child)
    checkpoint  everything has committed; the closing CHECKPOINT is next

(A command-line batch plans its links in a fork while it loads, and reaches ``text-index`` before
``link``: the text index needs only the committed measures. Its ``link`` pause is in its own
process, after the load, like the others.)

And one of the server's reads:
    expensive   an expensive read (api/limits.py) holds its slot and is about to run
"""
from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "POLICY_GRAPH_TEST_PAUSE_DIR"
PHASES = ("parse", "write", "link", "pending", "text-index", "checkpoint", "expensive")
_POLL_SECONDS = 0.02


def enabled() -> bool:
    """Whether a test may hold this process at all (callers on an event loop check this before
    they hand ``pause`` to a thread)."""
    return bool(os.environ.get(ENV))


def pause(phase: str) -> None:
    """Hold here while a test has armed ``phase`` (see the module's description)."""
    folder = os.environ.get(ENV)
    if not folder:
        return
    armed = Path(folder) / f"{phase}.pause"
    if not armed.exists():
        return
    marker = Path(folder) / f"{phase}.paused"
    partial = marker.with_name(f"{marker.name}.{os.getpid()}")
    partial.write_text(str(os.getpid()))
    os.replace(partial, marker)  # the test never reads half a pid
    while armed.exists():
        time.sleep(_POLL_SECONDS)
