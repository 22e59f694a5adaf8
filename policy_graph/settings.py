"""Settings from the environment (prefix POLICY_GRAPH_) or CLI flags."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from policy_graph.limits import NODES

REPO_ROOT = Path(__file__).resolve().parent.parent
DB_BUFFER_POOL_MIB = 512  # measured on the 100k graph: bench/FIXES.md, "Server memory"
MIN_BUFFER_POOL_MIB = 64
DATA_DIR = REPO_ROOT / "data"
CORPUS_DIR = DATA_DIR / "corpus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICY_GRAPH_", extra="ignore")

    backend: str = Field("ladybug", description="ladybug | neo4j")
    db: Path = Field(REPO_ROOT / "var" / "policy.lbdb", description="LadybugDB database file")
    data_dir: Path = DATA_DIR
    token: str | None = Field(None, description="bearer token required for writes")
    max_upload_bytes: int = 10 * 1024 * 1024
    jemalloc: bool = Field(True, description="`serve` re-executes itself on jemalloc when it is installed "
                                             "(policy_graph/allocator.py)")
    query_timeout_ms: int = 10_000
    db_connections: int = Field(4, ge=1, description="LadybugDB queries run at once; more wait their "
                                                      "turn (each running query holds working memory)")
    # LadybugDB's buffer pool caches the database's pages and holds running queries' working memory,
    # and never hands back what it touched; its own default is ~80 % of the machine's memory, so a
    # server kept every page its readers ever reached. An upload's transaction must fit in it: a
    # 9.1 MB document (14,447 measures) failed with "the buffer pool is full" at 256 MiB and
    # landed at 512 (bench/FIXES.md, "Server memory").
    db_buffer_pool_mib: int = Field(DB_BUFFER_POOL_MIB, ge=0,
                                    description="LadybugDB buffer pool of `policy-graph serve`, MiB (0: "
                                                "LadybugDB's default, ~80 % of RAM; else at least "
                                                f"{MIN_BUFFER_POOL_MIB}); ingest and the other commands keep "
                                                "LadybugDB's default")
    max_nodes: int = Field(NODES, ge=1, description="default node cap of a page's drawing")
    # HTTP limits in front of the app (api/http_limits.py); the connection caps are also kept
    # below the process's descriptor limit at start-up.
    http_max_head_bytes: int = Field(64 * 1024, ge=1024, description="request line + headers; over: 431")
    http_max_request_line: int = Field(8 * 1024, ge=256, description="over: 414")
    http_head_timeout: float = Field(10.0, gt=0, description="seconds to send a request head; over: 408")
    http_body_timeout: float = Field(60.0, gt=0, description="seconds to send a request body; over: 408")
    # Longer than clients keep an idle connection (httpx 5 s, aiohttp 15 s): a server closing one at
    # the moment its client reuses it fails that request (RELIABILITY.md, "Under attack").
    http_keep_alive_timeout: float = Field(30.0, gt=0, description="an idle kept-alive connection closes")
    http_max_connections: int = Field(4096, ge=1)
    http_max_connections_per_client: int = Field(256, ge=1, description="open connections from one address")
    # Cost limits on the expensive reads (api/limits.py).
    expensive_per_client: int = Field(2, ge=1, description="expensive requests in flight per client; over: 429")
    # One: a drawing is mostly Python (the interpreter's lock), and on two cores a second one at
    # the same time took the core everything else needed (RELIABILITY.md, issue 19 table).
    expensive_slots: int = Field(1, ge=1, description="expensive requests running at once in the server "
                                                      "(keep below db_connections)")
    expensive_queue_seconds: float = Field(5.0, gt=0, description="wait for a slot at most this; then 503")
    request_budget_seconds: float = Field(8.0, gt=0, description="an expensive request's queries in all; "
                                                                 "then 503")
    # The answer cache (api/answers.py): encoded GET answers under /api/ kept per graph version.
    answer_cache_mib: float = Field(64, ge=0, description="memory for repeated answers, MiB (0: off); one "
                                                          "answer may take at most a sixteenth of it")
    # The text index's readers in a server (graph/textindex.py TextIndexFile).
    text_index_cache_mib: float = Field(32, ge=0, description="SQLite page cache of the server's text index "
                                                              "readers, all of them together, MiB (0: SQLite's "
                                                              "default, ~2 MiB each, with no bound in all)")
    neo4j_uri: str | None = Field(None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER")
    neo4j_password: str | None = Field(None, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str | None = Field(None, validation_alias="NEO4J_DATABASE")

    @field_validator("db_buffer_pool_mib")
    @classmethod
    def _pool_fits_a_query(cls, mib: int) -> int:
        # a pool of a few MiB cannot hold one statement's working memory (4 MiB: "the buffer pool
        # is full" on a 20,000-row write); 64 MiB answers the founding corpus as the engine's
        # default does and takes an upload (tests/test_buffer_pool.py)
        if 0 < mib < MIN_BUFFER_POOL_MIB:
            raise ValueError(f"0 (LadybugDB's default) or at least {MIN_BUFFER_POOL_MIB} MiB, got {mib}")
        return mib

    def http_limits(self):
        from api.http_limits import HttpLimits

        return HttpLimits(max_head_bytes=self.http_max_head_bytes,
                          max_request_line=self.http_max_request_line,
                          head_timeout=self.http_head_timeout, body_timeout=self.http_body_timeout,
                          keep_alive_timeout=self.http_keep_alive_timeout,
                          max_connections=self.http_max_connections,
                          max_connections_per_client=self.http_max_connections_per_client)

    @property
    def similarity_index_path(self) -> Path:
        """The similarity linker's index file, beside the database (graph.linker)."""
        base = self.db if self.backend == "ladybug" else self.data_dir.parent / "var" / "neo4j"
        return Path(str(base) + ".simindex")

    @property
    def text_index_path(self) -> Path:
        """The text index (graph.textindex), beside the similarity index."""
        return text_index_beside(self.similarity_index_path)

    def store_options(self, *, serving: bool = False) -> dict:
        """The store's options; ``serving``: for the long-lived server, whose memory is bounded
        (a one-shot command, the ingest above all, keeps the engine's defaults)."""
        if self.backend == "neo4j":
            return {"uri": self.neo4j_uri, "user": self.neo4j_user,
                    "password": self.neo4j_password, "database": self.neo4j_database,
                    "query_timeout_ms": self.query_timeout_ms}
        return {"path": self.db, "query_timeout_ms": self.query_timeout_ms,
                "connections": self.db_connections,
                "buffer_pool_mib": self.db_buffer_pool_mib if serving else None}


def text_index_beside(similarity_index: Path) -> Path:
    """Where the text index of a graph lives (graph.textindex, an SQLite FTS5 file), given its
    similarity index file."""
    return similarity_index.with_suffix(".fts")


def get_settings(**overrides) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
