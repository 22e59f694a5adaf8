"""The `policy-graph` command line."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from graph.store import GraphStore, StoreError, open_store
from policy_graph import limits
from policy_graph.settings import CORPUS_DIR, Settings, get_settings

app = typer.Typer(help="policy-graph: a cross-region policy comparison knowledge graph.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # messages stay greppable, unbroken

DbOpt = typer.Option(None, "--db", help="LadybugDB database file (env POLICY_GRAPH_DB)")
BackendOpt = typer.Option(None, "--backend", help="ladybug | neo4j (env POLICY_GRAPH_BACKEND)")
Neo4jUriOpt = typer.Option(None, "--neo4j-uri", help="bolt/neo4j URI (env NEO4J_URI)")


def settings_for(db: Optional[Path], backend: Optional[str], neo4j_uri: Optional[str] = None) -> Settings:
    try:
        settings = get_settings(db=db, backend=backend)
    except ValidationError as exc:  # a setting from the environment: name it, no traceback
        for e in exc.errors():
            field = "_".join(str(x) for x in e["loc"])
            name = field if field.isupper() else "POLICY_GRAPH_" + field.upper()  # NEO4J_* are aliases
            err.print(f"[red]error:[/red] {name}={e.get('input')!r}: {e['msg']}")
        raise typer.Exit(2) from exc
    if neo4j_uri:
        settings.neo4j_uri = neo4j_uri
    if settings.backend not in ("ladybug", "neo4j"):
        raise typer.BadParameter(f"unknown backend {settings.backend!r}", param_hint="--backend")
    return settings


def open_for(settings: Settings, read_only: bool = False) -> GraphStore:
    try:
        return open_store(settings.backend, read_only=read_only, **settings.store_options())
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def counts_table(counts: dict, title: str = "graph") -> Table:
    table = Table(title=title)
    for key in counts:
        table.add_column(key, justify="right")
    table.add_row(*(str(v) for v in counts.values()))
    return table


@app.command()
def ingest(paths: list[Path] = typer.Argument(None, help="files or folders (default: the founding corpus)"),
           db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
           neo4j_uri: Optional[str] = Neo4jUriOpt,
           if_empty: bool = typer.Option(False, "--if-empty", help="do nothing when the graph has documents")):
    """Read documents, extract measures and facts, load them into the graph."""
    from policy_graph.service import expand_paths, ingest_into

    settings = settings_for(db, backend, neo4j_uri)
    paths = paths or [CORPUS_DIR]
    files = expand_paths(paths)
    if not files:
        err.print(f"[red]error:[/red] no documents found in {', '.join(map(str, paths))}")
        raise typer.Exit(2)
    # The query time limit guards a server against costly questions. An ingest's statements are
    # sized by the loader, and a 100k-measure run stopped half-way when one passed the limit.
    settings.query_timeout_ms = 0
    store = open_for(settings)
    with store:
        try:
            from policy_graph import lookups

            if if_empty:
                # ingest_into applies the schema itself; here it is needed only to ask for the stats.
                store.apply_schema()
                if lookups.counts(store)["documents"]:
                    console.print("graph already holds documents; nothing to do")
                    return
            started = time.perf_counter()
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          console=err, transient=True) as progress:
                task = progress.add_task("ingesting", total=len(files))
                report = ingest_into(store, files, index_path=settings.similarity_index_path, workers=0,
                                     progress=lambda name: progress.update(task, advance=1, description=name))
            elapsed = time.perf_counter() - started
            counts = lookups.counts(store)
        except StoreError as exc:
            # Documents go in whole or not at all, so what landed before the failure is intact.
            err.print(f"[red]error:[/red] the graph store failed during the ingest: {exc}\n"
                      "documents loaded before the failure are complete; fix the cause and run the "
                      "same ingest again to finish (it skips what is already there)")
            raise typer.Exit(2) from exc
    console.print(counts_table({"documents": report.load.documents, "measures": report.load.measures,
                                "agencies": report.load.agencies, "relations": report.load.relations,
                                "similar-to": report.similar_edges}, title="this run"))
    console.print(counts_table(counts, title="graph now"))
    console.print(f"ingested {len(report.documents)} of {len(files)} files in {elapsed:.2f} s")
    for file, reason in report.errors:
        err.print(f"[red]refused[/red] {file}: {reason}")
    if report.errors:
        raise typer.Exit(1)


@app.command()
def serve(db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
          neo4j_uri: Optional[str] = Neo4jUriOpt,
          host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
          access_log: bool = typer.Option(False, "--access-log/--no-access-log",
                                          help="log every request (costs throughput under load)")):
    """Serve the API and the pages."""
    settings = settings_for(db, backend, neo4j_uri)
    if settings.jemalloc:
        from policy_graph.allocator import reexec_with_jemalloc

        err.print(reexec_with_jemalloc())  # returns only if this process keeps running
    import uvicorn

    from api.app import create_app
    from api.http_limits import fit_to_descriptors, guarded_protocol

    limits = fit_to_descriptors(settings.http_limits())
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=access_log,
                http=guarded_protocol(limits), timeout_keep_alive=limits.keep_alive_timeout,
                backlog=listen_backlog())


def listen_backlog() -> int:
    """The kernel's cap on pending connections (somaxconn): a flood of connects then overflows
    the queue later, and a well-behaved client's SYN is not dropped into a 1-3-7 s retry."""
    try:
        return max(2048, int(Path("/proc/sys/net/core/somaxconn").read_text()))
    except (OSError, ValueError):
        return 2048


def parse_param(raw: str) -> tuple[str, object]:
    if "=" not in raw:
        raise typer.BadParameter(f"expected k=v, got {raw!r}", param_hint="--param")
    key, value = raw.split("=", 1)
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


@app.command()
def query(name: str, param: list[str] = typer.Option([], "--param", "-p", help="k=v (v parsed as JSON if it can be)"),
          db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
          neo4j_uri: Optional[str] = Neo4jUriOpt):
    """Run a named query from queries/ and print its rows as JSON."""
    from graph.queries import UnknownQuery

    from graph.queries import declared_params, load_query

    params = dict(parse_param(p) for p in param)
    settings = settings_for(db, backend, neo4j_uri)
    try:
        needed = declared_params(load_query(name, settings.backend))
    except UnknownQuery:
        err.print(f"[red]error:[/red] no query named {name!r} in queries/")
        raise typer.Exit(2)
    missing = sorted(needed - set(params))  # named here, not as the database's parse error
    if missing:
        err.print(f"[red]error:[/red] query {name!r} needs " + ", ".join(f"-p {m}=…" for m in missing))
        raise typer.Exit(2)
    with open_for(settings, read_only=settings.backend == "ladybug") as store:
        try:
            rows = store.run(name, params)
        except UnknownQuery:
            err.print(f"[red]error:[/red] no query named {name!r} in queries/")
            raise typer.Exit(2)
        except StoreError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1)
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def stats(db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
          neo4j_uri: Optional[str] = Neo4jUriOpt,
          as_json: bool = typer.Option(False, "--json")):
    """Counts of documents, measures, agencies, regions and relations."""
    from policy_graph import lookups

    settings = settings_for(db, backend, neo4j_uri)
    with open_for(settings, read_only=settings.backend == "ladybug") as store:
        counts = lookups.counts(store)
    if as_json:
        sys.stdout.write(json.dumps(counts) + "\n")
    else:
        console.print(counts_table(counts))


@app.command()
def evaluate(as_json: bool = typer.Option(False, "--json"),
             gold: str = typer.Option("all", "--set", help="founding | devset | all"),
             full: bool = typer.Option(False, "--full", help="every metric of every document (P/R/F1, counts)"),
             disagreements: bool = typer.Option(False, "--disagreements", help="list every miss")):
    """Precision / recall / F1 of each extractor against the hand-annotated gold: the founding corpus
    (tests/gold) and the development set (tests/gold/devset), scored separately."""
    from policy_graph.evaluation import GOLD_SETS, evaluate_set, gold_set, rich_matrix, rich_table

    try:
        sets = GOLD_SETS if gold == "all" else (gold_set(gold),)
    except KeyError as exc:
        err.print(f"[red]error:[/red] {exc.args[0]}")
        raise typer.Exit(2)
    reports = {s.name: evaluate_set(s) for s in sets}
    if as_json:
        payload = {name: r.to_dict() for name, r in reports.items()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    # The matrix is 13 columns wide: give it room when the output is a file or a pipe.
    out = console if console.is_terminal else Console(width=max(console.width, 140))
    for name, report in reports.items():
        out.print(rich_matrix(report, f"{name}: F1 per document and field"))
        if full:
            out.print(rich_table(report, f"{name}: every metric"))
        if disagreements:
            for item in report.disagreements:
                out.print(item)


# -- research questions -------------------------------------------------------------
JsonOpt = typer.Option(False, "--json", help="print JSON instead of tables")
CsvOpt = typer.Option(False, "--csv", help="print the answer as CSV rows with evidence and provenance columns "
                                           "(UTF-8 with a BOM; policy_graph/tables.py)")
RowsOpt = typer.Option(False, "--rows", help="print the same rows as --csv, as a JSON list (the API's ?format=json)")


def _write_table(trace, kind: str, answer, fmt: str) -> None:
    """The answer's rows as the API's ``?format=csv|json`` sends them, byte for byte."""
    from policy_graph import tables

    sys.stdout.flush()
    sys.stdout.buffer.write(tables.render(kind, tables.rows(trace, kind, answer), fmt))
    sys.stdout.buffer.flush()


def _research_store(db, backend, neo4j_uri):
    settings = settings_for(db, backend, neo4j_uri)
    return open_for(settings, read_only=settings.backend == "ladybug")


def _region_or_exit(store: GraphStore, text: str) -> str:
    return _regions_or_exit(store, [text])[0]


def _regions_or_exit(store: GraphStore, texts: list[str]) -> list[str]:
    """The regions typed (厦门 武汉, 厦门,武汉 or 厦门、武汉), resolved as the API resolves them."""
    from policy_graph.regions import UnknownRegion, resolve_region_list

    try:
        names = resolve_region_list(store, texts)
    except UnknownRegion as exc:
        err.print(f"[red]error:[/red] unknown region {exc.text!r}")
        raise typer.Exit(2) from exc
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if not names:
        err.print("[red]error:[/red] no region given")
        raise typer.Exit(2)
    return names


def _emit(data, as_json: bool, render) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        render(data)


@app.command()
def adopters(q: str = typer.Argument(..., help="a theme or a named practice (key, Chinese in either script, "
                                               "or English: 银税互动, bank-tax interaction), or any text"),
             per_region: int = typer.Option(limits.PER_REGION, "--per-region", min=1, max=limits.PER_REGION_MAX,
                                            help="measures shown per region, earliest first"),
             limit: int = typer.Option(limits.REGIONS, "--limit", min=1, max=limits.REGIONS_MAX,
                                       help="regions shown, by first date"),
             db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
             neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
             as_rows: bool = RowsOpt):
    """Which regions adopted a practice, with what measure, when, and the sentence that shows it."""
    from policy_graph import research

    with _research_store(db, backend, neo4j_uri) as store:
        trace = research.Trace(store)
        answer = research.adopters(trace, q, limit=limit, per_region=per_region)
        if as_csv or as_rows:
            return _write_table(trace, "adopters", answer, "csv" if as_csv else "json")

    def render(a):
        theme, practice = a["theme"], a["practice"]
        if practice:
            title = (f"adopters of {practice['name_zh']} ({practice['key']}, a practice of "
                     f"{theme['name_zh']})")
        else:
            title = f"adopters of {theme['name_zh']} ({theme['key']})" if theme else f"measures mentioning {q!r}"
        shown = len(a["regions"])
        title += f": {a['region_count']} regions" + (f", first {shown} shown" if shown < a["region_count"] else "")
        console.print(_adopters_table(title, a["regions"]))
        related = a.get("related")
        if related and related["regions"]:
            console.print(_adopters_table(
                f"related: other adopters of {related['theme']['name_zh']} ({related['theme']['key']}): "
                f"{related['region_count']} regions", related["regions"]))
    _emit(answer, as_json, render)


def _agency_cell(agencies: dict, region: str) -> str:
    """lead / support agencies of the measure's own agency line, with the region when it differs."""
    def one(a):
        return a["printed"] + (f" ({a['region']})" if a["region"] and a["region"] != region else "")
    lines = [f"{role}: " + "、".join(one(a) for a in agencies.get(role) or [])
             for role in ("lead", "support") if agencies.get(role)]
    return "\n".join(lines)


def _adopters_table(title: str, regions: list[dict]) -> Table:
    table = Table(title=title, show_lines=True)
    for col in ("region", "first date", "measures", "measure", "via", "agencies", "evidence"):
        table.add_column(col)
    for r in regions:
        for i, m in enumerate(r["measures"]):
            count = f"{len(r['measures'])} of {r['measure_count']}" if r["measure_count"] > len(r["measures"]) \
                else str(r["measure_count"])
            # the first date says where it was read (落款, 文号 year, manifest …); no date is "undated"
            first = f"{r['first_date']}\n[dim]{r.get('first_date_source') or ''}[/dim]" if r["first_date"] \
                else "undated"
            table.add_row(r["region"] if i == 0 else "", first if i == 0 else "",
                          count if i == 0 else "", f"{m['title']}\n[dim]{m['id']}[/dim]", m["via"],
                          _agency_cell(m.get("agencies") or {}, r["region"]), (m["evidence"] or "")[:160])
    return table


@app.command()
def paths(from_: Optional[str] = typer.Option(None, "--from", help="region the practice left"),
          to: Optional[str] = typer.Option(None, "--to", help="region it reached"),
          max_hops: int = typer.Option(limits.HOPS, "--max-hops", min=1, max=limits.HOPS_MAX),
          limit: int = typer.Option(limits.PATHS, "--limit", min=1, max=limits.PATHS_MAX, help="paths shown"),
          db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
          neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
             as_rows: bool = RowsOpt):
    """Replication paths: where practices came from and where they went."""
    from policy_graph import research

    if not from_ and not to:
        raise typer.BadParameter("give --from and/or --to")
    with _research_store(db, backend, neo4j_uri) as store:
        src = _region_or_exit(store, from_) if from_ else None
        dst = _region_or_exit(store, to) if to else None
        trace = research.Trace(store)
        found = research.paths(trace, src, dst, max_hops, limit)
        if as_csv or as_rows:
            return _write_table(trace, "paths", found, "csv" if as_csv else "json")

    def render(items):
        table = Table(title="replication paths", show_lines=True)
        table.add_column("path")
        table.add_column("steps (measure: evidence)")
        for p in items:
            table.add_row(" → ".join(p["regions"]),
                          "\n".join(f"{s['measure_id']}: {(s['evidence'] or '')[:120]}"
                                    + (f" [dim]({s['reach']}: {s['via']})[/dim]" if s.get("via") else "")
                                    for s in p["steps"]))
        console.print(table)
    _emit({"paths": found}, as_json, lambda d: render(d["paths"]))


@app.command()
def compare(regions: list[str] = typer.Argument(..., help="two or more regions, e.g. 厦门 武汉"),
            db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
            neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
             as_rows: bool = RowsOpt):
    """Two or more regions theme by theme: shared, unique, and the most similar measure pairs."""
    from policy_graph import research

    with _research_store(db, backend, neo4j_uri) as store:
        names = _regions_or_exit(store, regions)
        if len(names) < 2:
            raise typer.BadParameter("compare needs at least two different regions")
        trace = research.Trace(store)
        answer = research.compare(trace, names)
        if as_csv or as_rows:
            return _write_table(trace, "compare", answer, "csv" if as_csv else "json")

    def render(a):
        table = Table(title=" vs ".join(a["regions"]), show_lines=True)
        table.add_column("theme")
        for r in a["regions"]:
            table.add_column(r)
        for row in a["themes"]:
            table.add_row(row["theme"]["name_zh"],
                          *("\n".join(m["title"][:40] for m in row["regions"][r]) or "—" for r in a["regions"]))
        console.print(table)
        console.print(f"shared themes: {', '.join(a['shared_themes']) or 'none'}")
        for r, keys in a["unique_themes"].items():
            console.print(f"only {r}: {', '.join(keys) or 'none'}")
        for p in a["similar_pairs"][:5]:
            console.print(f"similar ({p['score']:.2f}): {p['a_region']} {p['a_title']} ~ "
                          f"{p['b_region']} {p['b_title']} [{'、'.join(p['shared_terms'][:5])}]")
    _emit(answer, as_json, render)


@app.command()
def gaps(region: str = typer.Argument(..., help="the region to check"),
         peers: Optional[str] = typer.Option(None, "--peers", help="comma-separated peers (default: all)"),
         db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
         neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
             as_rows: bool = RowsOpt):
    """Practices peer regions have that this region lacks, ranked by how many peers have them."""
    from policy_graph import research

    with _research_store(db, backend, neo4j_uri) as store:
        name = _region_or_exit(store, region)
        peer_names = [p for p in _regions_or_exit(store, [peers]) if p != name] if peers else None
        trace = research.Trace(store)
        answer = research.gaps(trace, name, peer_names)
        if as_csv or as_rows:
            return _write_table(trace, "gaps", answer, "csv" if as_csv else "json")

    def render(a):
        table = Table(title=f"gaps of {a['region']}", show_lines=True)
        for col in ("theme", "peers", "example"):
            table.add_column(col)
        for g in a["gaps"]:
            ex = g["evidence"][0]
            table.add_row(f"{g['theme']['name_zh']}\n[dim]{g['theme']['key']}[/dim]",
                          f"{g['peer_count']}: {'、'.join(g['peers'])}", f"{ex['region']}: {ex['title']}")
        console.print(table)
    _emit(answer, as_json, render)


@app.command()
def timeline(q: str = typer.Argument(..., help="a theme, a named practice, or any text"),
             db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
             neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
             as_rows: bool = RowsOpt):
    """The adopters of a practice in date order; undated adoptions apart, each date with its source."""
    from policy_graph import research

    with _research_store(db, backend, neo4j_uri) as store:
        trace = research.Trace(store)
        answer = research.timeline(trace, q)
        if as_csv or as_rows:
            return _write_table(trace, "timeline", answer, "csv" if as_csv else "json")

    def render(a):
        table = Table(title=f"timeline of {q}", show_lines=True)
        for col in ("date", "source", "region", "via", "measure"):
            table.add_column(col)
        for e in a["events"]:
            table.add_row(e["date"], e["date_source"] or "", e["region"], e["via"], e["title"])
        for e in a["undated"]:
            table.add_row("undated", "", e["region"], e["via"], e["title"])
        console.print(table)
    _emit(answer, as_json, render)


@app.command()
def replications(from_: Optional[str] = typer.Option(None, "--from", help="the pilot region"),
                 to: Optional[str] = typer.Option(None, "--to", help="the region it is replicated to"),
                 document: Optional[str] = typer.Option(None, "--document", help="a document id"),
                 limit: int = typer.Option(100, "--limit", min=1, max=1000),
                 db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
                 neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
             as_rows: bool = RowsOpt):
    """Replication facts: which document replicates which region's practice to where."""
    from policy_graph import research

    with _research_store(db, backend, neo4j_uri) as store:
        src = _region_or_exit(store, from_) if from_ else None
        dst = _region_or_exit(store, to) if to else None
        trace = research.Trace(store)
        found = research.replications(trace, src, dst, document, limit)
        if as_csv or as_rows:
            return _write_table(trace, "replications", found, "csv" if as_csv else "json")

    def render(items):
        table = Table(title="replications", show_lines=True)
        for col in ("from", "to", "measure", "evidence"):
            table.add_column(col)
        for f in items:
            table.add_row(f["from_region"] or "", f["to_region"], f["measure_id"], (f["evidence"] or "")[:160])
        console.print(table)
    _emit({"items": found}, as_json, lambda d: render(d["items"]))


@app.command()
def search(q: str = typer.Argument(..., help="words every measure must hold (either script)"),
           limit: int = typer.Option(20, "--limit", min=1, max=limits.LIST_MAX),
           db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
           neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt):
    """Measures holding the words, and the theme or practice (or region) the words name."""
    from policy_graph import lookups, research

    settings = settings_for(db, backend, neo4j_uri)
    with open_for(settings, read_only=settings.backend == "ladybug") as store:
        answer = lookups.search(research.Trace(store), q, limit)

    def render(a):
        if a["topic"]:
            t = a["topic"]
            named = t.get("practice") or t["theme"]
            console.print(f"{q!r} names the {t['kind']} {named['name_zh']} ({named['key']}): "
                          f"{t['region_count']} regions adopted it (policy-graph adopters {named['key']})")
        for r in a["regions"]:
            console.print(f"region: {r['name']} ({r.get('full_name') or ''})")
        table = Table(title=f"measures holding {q!r}: {a['total']}", show_lines=True)
        for col in ("region", "measure", "id"):
            table.add_column(col)
        for m in a["items"]:
            table.add_row(m["region"], m["title"], m["id"])
        console.print(table)
    _emit(answer, as_json, render)


@app.command()
def region(name: str = typer.Argument(..., help="厦门, 厦门市, 廈門 or Xiamen"),
           db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
           neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt):
    """One region: its measures, its adoption by theme, replications into and out of it."""
    from policy_graph import lookups, research

    with _research_store(db, backend, neo4j_uri) as store:
        answer = lookups.region_profile(research.Trace(store), _region_or_exit(store, name))

    def render(a):
        console.print(f"{a['region']['name']}: {a['measure_count']} measures, {len(a['themes'])} themes")
        for t in a["themes"]:
            console.print(f"  {t['theme']['name_zh']} ({t['theme']['key']}): {len(t['measures'])}")
        for x in a["replicated_into"]:
            console.print(f"  into: {x['from_region']} → {x['to_region']}: {x['title']} ({x['scope']})")
        for x in a["replicated_out_of"]:
            console.print(f"  out: {x['from_region']} → {x['to_region']}: {x['title']} ({x['scope']})")
    _emit(answer, as_json, render)


@app.command()
def measures(region: Optional[str] = typer.Option(None, "--region", help="厦门, 厦门市, 廈門 or Xiamen"),
             within: Optional[str] = typer.Option(None, "--within", help="a region and every place in it"),
             level: Optional[str] = typer.Option(None, "--level", help="the region's level: province, prefecture ..."),
             theme: Optional[str] = typer.Option(None, "--theme", help="a theme (key, Chinese or English)"),
             practice: Optional[str] = typer.Option(None, "--practice", help="a named practice"),
             agency: Optional[str] = typer.Option(None, "--agency", help="an agency id (厦门|市科技局) or name"),
             role: Optional[str] = typer.Option(None, "--role", help="lead | support"),
             date_from: Optional[str] = typer.Option(None, "--from", help="YYYY, YYYY-MM or YYYY-MM-DD"),
             date_to: Optional[str] = typer.Option(None, "--to", help="YYYY, YYYY-MM or YYYY-MM-DD"),
             kind: str = typer.Option("measure", "--kind", help="measure | safeguard | all"),
             sort: str = typer.Option("document", "--sort", help="document | date | -date | region | title"),
             limit: int = typer.Option(50, "--limit", min=1, max=limits.LIST_MAX),
             offset: int = typer.Option(0, "--offset", min=0, max=limits.OFFSET_MAX),
             db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
             neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt, as_csv: bool = CsvOpt,
             as_rows: bool = RowsOpt):
    """The measure browser: measures passing every filter, with counts per facet value
    (the answer of /api/measures?…&facets=true and /viz/measures)."""
    from policy_graph import browse, research

    with _research_store(db, backend, neo4j_uri) as store:
        trace = research.Trace(store)
        try:
            filters = browse.resolve_filters(trace, region=region, within=within, level=level, theme=theme, practice=practice,
                                             agency=agency, role=role, date_from=date_from, date_to=date_to,
                                             kind=kind)
            answer = browse.browse(trace, filters, sort=sort, limit=limit, offset=offset)
        except browse.BadFilter as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        if as_csv or as_rows:
            return _write_table(trace, "measures", answer, "csv" if as_csv else "json")

    def render(a):
        table = Table(title=f"{a['total']} measures ({', '.join(f'{k}={v}' for k, v in a['filters'].items())})",
                      show_lines=True)
        for col in ("region", "date", "measure", "id"):
            table.add_column(col)
        for m in a["items"]:
            table.add_row(m["region"], m["date"] or "undated", m["title"], m["id"])
        console.print(table)
        for f in a["facets"]:
            console.print(f"{f['name']}: " + ", ".join(f"{v['label']} {v['count']}" for v in f["values"]))
    _emit(answer, as_json, render)


@app.command()
def synth(measures: int = typer.Option(1000, "--measures", min=1, help="measures to generate (20-60 per document)"),
          seed: int = typer.Option(0, "--seed", help="same seed, same files"),
          out: Path = typer.Option(..., "--out", help="folder for the documents and synth-manifest.json")):
    """Write a synthetic corpus of the founding genre, with a manifest of what it holds."""
    from bench.synth import MANIFEST_NAME, generate

    started = time.perf_counter()
    manifest = generate(measures, seed, out)
    console.print(f"wrote {len(manifest.documents)} documents with "
                  f"{sum(d.measure_count for d in manifest.documents)} measures to {out} "
                  f"in {time.perf_counter() - started:.1f} s; manifest: {out / MANIFEST_NAME}")


# -- moving data ----------------------------------------------------------------------
@app.command()
def export(fmt: str = typer.Option(..., "--format", help="graphml | csv | cypher (the graph); "
                                                      "adoptions | cascades | dyads (diffusion data, CSV)"),
           out: Path = typer.Option(..., "--out", help="a file (graphml, cypher, diffusion data) or a folder (csv)"),
           topic: list[str] = typer.Option([], "--topic", help="diffusion data: only these themes or practices "
                                                              "(default: every one)"),
           db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
           neo4j_uri: Optional[str] = Neo4jUriOpt):
    """Write the whole graph, or the diffusion data read from the research answers, from either backend."""
    from graph.export import FORMATS, export_graph
    from policy_graph import diffusion, research

    if fmt not in FORMATS and fmt not in diffusion.EXPORT_FORMATS:
        raise typer.BadParameter(f"expected one of {', '.join((*FORMATS, *diffusion.EXPORT_FORMATS))}",
                                 param_hint="--format")
    settings = settings_for(db, backend, neo4j_uri)
    with open_for(settings, read_only=settings.backend == "ladybug") as store:
        if fmt in FORMATS:
            counts = export_graph(store, fmt, out)
            console.print(f"wrote {counts.total_nodes} nodes and {counts.total_rels} relations to {out}")
            return
        try:
            rows, cut = diffusion.export(research.Trace(store), fmt, out, topic or None)
        except ValueError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    console.print(f"wrote {rows} {fmt} rows to {out}")
    if cut:
        err.print(f"[yellow]note:[/yellow] {', '.join(cut)} had more than {limits.REGIONS_MAX} adopting regions; "
                  "the first by date are written")


@app.command()
def innovativeness(topic: list[str] = typer.Option([], "--topic", help="themes or practices to average over "
                                                                      "(default: every one)"),
                   db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
                   neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt):
    """Each region's innovativeness score (README: Diffusion data) and how each topic spread."""
    from policy_graph import diffusion, research

    with _research_store(db, backend, neo4j_uri) as store:
        try:
            d = diffusion.collect(research.Trace(store), topic or None)
        except ValueError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    cascades = sorted({diffusion.cascade_id(r["level"], r["topic"]) for r in d.rows})
    answer = {"topics": cascades, "scores": diffusion.innovativeness(d),
              "spread": [diffusion.spread(d, c) for c in cascades]}

    def render(a):
        table = Table(title=f"innovativeness over {len(a['topics'])} topics")
        for col in ("rank", "region", "score", "topics adopted"):
            table.add_column(col)
        for i, s in enumerate(a["scores"], 1):
            table.add_row(str(i), s["region"], f"{s['score']:.4f}", str(s["topics_adopted"]))
        console.print(table)
        table = Table(title="how each topic spread", show_lines=True)
        for col in ("topic", "spread", "why", "evidence"):
            table.add_column(col)
        for s in a["spread"]:
            table.add_row(s["cascade"], s["spread"], s["reason"], (s["evidence"] or "")[:120])
        console.print(table)
    _emit(answer, as_json, render)


@app.command()
def curve(q: str = typer.Argument(..., help="a theme or a named practice"),
          svg: Optional[Path] = typer.Option(None, "--svg", help="also draw the curve to this SVG file"),
          db: Optional[Path] = DbOpt, backend: Optional[str] = BackendOpt,
          neo4j_uri: Optional[str] = Neo4jUriOpt, as_json: bool = JsonOpt):
    """The adoption curve of a practice: cumulative adopters over time, and how it spread."""
    from policy_graph import diffusion, research

    with _research_store(db, backend, neo4j_uri) as store:
        try:
            d = diffusion.collect(research.Trace(store), [q])
        except ValueError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    level, key, name_zh, _ = diffusion.topics([q])[0]
    cascade = diffusion.cascade_id(level, key)
    answer = {"topic": cascade, "name_zh": name_zh, "curve": diffusion.curve(d, cascade),
              "undated": sum(1 for r in d.rows if not r["first_date"]), "spread": diffusion.spread(d, cascade)}
    if svg:
        svg.write_text(diffusion.curve_svg(answer["curve"], f"{name_zh} ({cascade})"), encoding="utf-8")

    def render(a):
        table = Table(title=f"adoption curve of {a['name_zh']} ({a['topic']}); {a['undated']} undated adopters")
        for col in ("date", "region", "adopters so far"):
            table.add_column(col)
        for p in a["curve"]:
            table.add_row(p["date"], p["region"], str(p["adopters"]))
        console.print(table)
        console.print(f"spread: {a['spread']['spread']} ({a['spread']['reason']})")
    _emit(answer, as_json, render)


@app.command()
def copy(src: str = typer.Option(..., "--from", help="ladybug | neo4j"),
         dst: str = typer.Option(..., "--to", help="ladybug | neo4j"),
         db: Optional[Path] = DbOpt, neo4j_uri: Optional[str] = Neo4jUriOpt):
    """Move a whole graph between backends without re-ingesting."""
    from graph.export import copy_graph

    if src == dst:
        raise typer.BadParameter("--from and --to must differ")
    source = open_for(settings_for(db, src, neo4j_uri), read_only=src == "ladybug")
    with source, open_for(settings_for(db, dst, neo4j_uri)) as target:
        counts = copy_graph(source, target)
    console.print(f"copied {counts.total_nodes} nodes and {counts.total_rels} relations from {src} to {dst}")


def main() -> None:  # pragma: no cover - console-script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
