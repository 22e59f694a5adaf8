"""Per-folder manifest: metadata a curator states for some files, overriding what ingest reads.

``<folder>/manifest.yaml`` holds ``documents: [{file, region, title, issuer, date, script}, ...]``.
Every key is optional; a file without an entry is ingested from its text alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.yamlfile import read_yaml

from ingest.errors import IngestError

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml")
OVERRIDE_KEYS = ("region", "title", "issuer", "date", "script", "doc_number")


@dataclass
class Manifest:
    entries: dict[str, dict] = field(default_factory=dict)  # file name -> overrides
    path: Path | None = None

    def for_file(self, name: str | Path) -> dict:
        """Overrides for one file (by its name), only the keys the manifest sets."""
        return dict(self.entries.get(Path(name).name, {}))

    def __len__(self) -> int:
        return len(self.entries)


def load_manifest(folder: str | Path) -> Manifest:
    """The manifest of a folder, or an empty one when the folder has none."""
    folder = Path(folder)
    for name in MANIFEST_NAMES:
        path = folder / name
        if path.is_file():
            return parse_manifest(path)
    return Manifest()


def parse_manifest(path: str | Path) -> Manifest:
    path = Path(path)
    try:
        data = read_yaml(path) or {}
    except yaml.YAMLError as exc:
        raise IngestError(path.name, f"manifest is not valid YAML: {exc}") from exc
    items = data.get("documents", []) if isinstance(data, dict) else data
    entries: dict[str, dict] = {}
    for item in items or []:
        if not isinstance(item, dict) or not item.get("file"):
            raise IngestError(path.name, f"manifest entry without a file name: {item!r}")
        entries[Path(str(item["file"])).name] = {
            k: (str(item[k]) if item[k] is not None else None) for k in OVERRIDE_KEYS if k in item}
    return Manifest(entries=entries, path=path)
