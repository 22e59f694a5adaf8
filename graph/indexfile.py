"""The derived index files kept beside the database (similarity, text): one way to write and read them.

Written whole to a temporary file and renamed, so a crash mid-write never leaves a truncated
index; read back only if the file says it holds the expected format.
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any


def save_index(path: str | Path, version: int, fields: dict[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump({"format": version, **fields}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def load_index(path: str | Path, version: int, what: str) -> dict[str, Any]:
    """The fields saved by save_index; ``what`` names the index in the error for another file."""
    with open(path, "rb") as fh:
        blob = pickle.load(fh)  # only ever our own files, written by save_index()
    if not isinstance(blob, dict) or blob.get("format") != version:
        raise ValueError(f"{path}: not a {what} of format {version}")
    return blob
