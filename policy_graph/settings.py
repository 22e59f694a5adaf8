"""Settings from the environment (prefix POLICY_GRAPH_) or CLI flags.

Plain Python on purpose: pydantic-settings (with asyncio, dotenv and importlib.metadata under it)
and building its model class cost ~0.1 s CPU at every CLI start (beyond pydantic itself, which
typer imports anyway) to read a dozen environment variables.
The rules are pydantic-settings' as this project used them: a keyword argument beats the
environment, which beats the default; variable names match case-insensitively; values are
coerced to the field's type and a value that does not fit is an error, not a silent default;
unknown keyword arguments are ignored.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
CORPUS_DIR = DATA_DIR / "corpus"
ENV_PREFIX = "POLICY_GRAPH_"

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(str(value).strip())


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


# name -> (coerce, default, environment variable or None for ENV_PREFIX + NAME, minimum)
_FIELDS: dict[str, tuple[Callable[[Any], Any], Any, str | None, int | None]] = {
    "backend": (str, "ladybug", None, None),  # ladybug | neo4j
    "db": (Path, REPO_ROOT / "var" / "policy.lbdb", None, None),  # LadybugDB database file
    "data_dir": (Path, DATA_DIR, None, None),
    "token": (_optional_str, None, None, None),  # bearer token required for writes
    "max_upload_bytes": (_int, 10 * 1024 * 1024, None, None),
    # `serve` re-executes itself on jemalloc when it is installed (policy_graph/allocator.py)
    "jemalloc": (_bool, True, None, None),
    "query_timeout_ms": (_int, 10_000, None, None),
    # LadybugDB queries run at once; more wait their turn (each running query holds working memory)
    "db_connections": (_int, 4, None, 1),
    "max_limit": (_int, 500, None, None),
    "max_depth": (_int, 3, None, None),
    "max_hops": (_int, 6, None, None),
    "max_nodes": (_int, 200, None, None),
    "neo4j_uri": (_optional_str, None, "NEO4J_URI", None),
    "neo4j_user": (str, "neo4j", "NEO4J_USER", None),
    "neo4j_password": (_optional_str, None, "NEO4J_PASSWORD", None),
    "neo4j_database": (_optional_str, None, "NEO4J_DATABASE", None),
}
_SECRETS = {"token", "neo4j_password"}


class Settings:
    backend: str
    db: Path
    data_dir: Path
    token: str | None
    max_upload_bytes: int
    jemalloc: bool
    query_timeout_ms: int
    db_connections: int
    max_limit: int
    max_depth: int
    max_hops: int
    max_nodes: int
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str | None

    def __init__(self, **values: Any) -> None:
        env = {k.upper(): v for k, v in os.environ.items()}
        for name, (coerce, default, env_name, minimum) in _FIELDS.items():
            key = env_name or ENV_PREFIX + name.upper()
            if name in values:
                raw, source = values[name], name
            elif key in env:
                raw, source = env[key], key
            else:
                setattr(self, name, default)
                continue
            try:
                value = None if raw is None and coerce is _optional_str else coerce(raw)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"setting {source}: {exc}") from None
            if minimum is not None and value < minimum:
                raise ValueError(f"setting {source}: must be at least {minimum}, got {value}")
            setattr(self, name, value)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={'***' if n in _SECRETS and getattr(self, n) else repr(getattr(self, n))}"
                          for n in _FIELDS)
        return f"Settings({shown})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and all(getattr(self, n) == getattr(other, n) for n in _FIELDS)

    def store_options(self) -> dict:
        if self.backend == "neo4j":
            return {"uri": self.neo4j_uri, "user": self.neo4j_user,
                    "password": self.neo4j_password, "database": self.neo4j_database,
                    "query_timeout_ms": self.query_timeout_ms}
        return {"path": self.db, "query_timeout_ms": self.query_timeout_ms,
                "connections": self.db_connections}


def get_settings(**overrides) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
