"""The one error ingest raises for input it refuses."""
from __future__ import annotations


class IngestError(ValueError):
    """A file that cannot be ingested. The message names the file and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}")

    def __reduce__(self):
        # (name, reason), not the joined message: so it crosses a process boundary intact
        return (type(self), (self.name, self.reason))
