"""Read the project's YAML data files with libyaml's parser when PyYAML has it.

The gazetteer alone takes 1.5 s through the pure-Python parser and about a tenth of that
through libyaml: most of a cold ingest of a few documents was reading its dictionaries.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: str | Path) -> Any:
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
