"""Appending a batch to posting lists, shared by the similarity and text indexes."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def runs(keys: np.ndarray, owners: np.ndarray) -> Iterator[tuple[int, bytes]]:
    """(key, its owners as int32 bytes) for each run of equal ``keys``, which must be sorted.

    An index appends a batch with one extend per key, not one append per (key, owner) entry.
    """
    if not len(keys):
        return
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    owners = owners.astype(np.int32, copy=False)
    for key, a, b in zip(keys[starts].tolist(), starts.tolist(), ends.tolist()):
        yield key, owners[a:b].tobytes()
