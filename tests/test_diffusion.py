"""Diffusion data (`policy-graph export --format adoptions|cascades|dyads`) and measures, on the
founding corpus in a real LadybugDB: files pandas reads back with the graph's row counts, and one
innovativeness score recomputed by hand from the adoption table."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graph.store import open_store
from policy_graph import diffusion, limits, research

REPO = Path(__file__).resolve().parent.parent
TOPIC = "ip_pledge_financing"


def _export(db: Path, fmt: str, out: Path, *topics: str) -> subprocess.CompletedProcess:
    extra = [a for t in topics for a in ("--topic", t)]
    return subprocess.run([sys.executable, "-m", "policy_graph.cli", "export", "--format", fmt, "--out", str(out),
                           "--db", str(db), *extra], capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def answer(corpus_db):
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        trace = research.Trace(store)
        return research.adopters(trace, TOPIC, limit=limits.REGIONS_MAX), diffusion.collect(trace, [TOPIC])


def test_adoptions_file_has_one_row_per_adopting_region_with_evidence(corpus_db, tmp_path, answer):
    adopters, _ = answer
    run = _export(corpus_db, "adoptions", tmp_path / "adoptions.csv", TOPIC)
    assert run.returncode == 0, run.stderr
    raw = (tmp_path / "adoptions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for the Chinese
    table = pd.read_csv(tmp_path / "adoptions.csv", encoding="utf-8-sig", dtype=str)
    assert len(table) == adopters["region_count"] > 3
    assert list(table.columns) == list(diffusion.ADOPTION_COLUMNS)
    by_region = {r["region"]: r for r in adopters["regions"]}
    assert set(table["region"]) == set(by_region)
    for row in table.itertuples():
        assert row.first_date == by_region[row.region]["first_date"] or (
            pd.isna(row.first_date) and by_region[row.region]["first_date"] is None)
        assert row.adopted_how in ("own_measure", "own_measure_scoped", "replicated_to", "pilot")
        assert isinstance(row.evidence, str) and row.evidence  # the sentence that shows it, Chinese intact
    assert "质押" in "".join(table["evidence"])
    wuhan = table[table["region"] == "武汉"].iloc[0]
    assert (wuhan["region_level"], wuhan["region_parent"], wuhan["province"]) == ("prefecture", "湖北", "湖北")
    dated = table[table["first_date"].notna()]
    assert len(dated) and dated["date_source"].isin(["signature", "doc_number_year", "page_date", "manifest"]).all()
    assert table[table["first_date"].isna()]["date_source"].isna().all()


def test_cascades_and_dyads_read_back_with_the_graphs_counts(corpus_db, tmp_path, answer):
    adopters, d = answer
    dated = [r for r in adopters["regions"] if r["first_date"]]
    run = _export(corpus_db, "cascades", tmp_path / "cascades.csv", TOPIC)
    assert run.returncode == 0, run.stderr
    cascades = pd.read_csv(tmp_path / "cascades.csv", encoding="utf-8-sig")
    assert list(cascades.columns) == ["node", "time", "cascade"]
    assert len(cascades) == len(dated)
    assert set(cascades["cascade"]) == {f"theme:{TOPIC}"}
    first = min(dated, key=lambda r: r["first_date"])
    assert cascades["time"].min() == pytest.approx(diffusion.decimal_year(first["first_date"]))
    assert int(cascades["time"].min()) == int(first["first_date"][:4])

    run = _export(corpus_db, "dyads", tmp_path / "dyads.csv", TOPIC)
    assert run.returncode == 0, run.stderr
    dyads = pd.read_csv(tmp_path / "dyads.csv", encoding="utf-8-sig")
    regions = len(adopters["regions"])
    years = max(int(r["first_date"][:4]) for r in dated) - int(first["first_date"][:4]) + 1
    assert len(dyads) == regions * (regions - 1) * years
    stated = dyads[dyads["replication_stated"] == 1]
    assert len(stated) and set(zip(stated["source"], stated["target"])) <= {
        (f["from_region"], f["to_region"]) for f in d.facts[f"theme:{TOPIC}"]}
    # a target counts as adopted from its first year on, and never before
    for row in dyads.sample(n=min(200, len(dyads)), random_state=0).itertuples():
        t_date = next(r["first_date"] for r in adopters["regions"] if r["region"] == row.target)
        assert row.target_adopted == int(bool(t_date) and int(t_date[:4]) <= row.year)


def test_unknown_export_format_and_topic_are_refused(corpus_db, tmp_path):
    bad = _export(corpus_db, "adoption", tmp_path / "x.csv")
    assert bad.returncode != 0 and "adoptions" in bad.stderr
    bad = _export(corpus_db, "adoptions", tmp_path / "x.csv", "没有这个做法")
    assert bad.returncode == 2 and "没有这个做法" in bad.stderr
    assert not (tmp_path / "x.csv").exists()


def test_one_innovativeness_score_recomputed_by_hand(answer):
    adopters, d = answer
    # by hand from the adopters answer: rank = 1 + adopters dated strictly earlier (undated last),
    # score = (n - rank + 1) / n over the one topic
    regions = adopters["regions"]
    n = len(regions)
    dated = [r for r in regions if r["first_date"]]
    second = sorted(dated, key=lambda r: r["first_date"])[len(dated) // 2]
    rank = 1 + sum(1 for r in dated if r["first_date"] < second["first_date"])
    expected = (n - rank + 1) / n
    scores = {s["region"]: s for s in diffusion.innovativeness(d)}
    assert scores[second["region"]]["score"] == pytest.approx(round(expected, 4))
    earliest = min(dated, key=lambda r: r["first_date"])
    assert scores[earliest["region"]]["score"] == 1.0
    assert list(scores) == sorted(scores, key=lambda r: (-scores[r]["score"], r))


def test_spread_is_classified_with_its_evidence(answer):
    _, d = answer
    # the founding corpus's Fujian notice replicates Xiamen's pilot province-wide
    found = diffusion.spread(d, f"theme:{TOPIC}")
    assert found["spread"] == "bottom-up" and "厦门" in found["reason"]
    assert found["evidence"] and found["measure_id"]


def test_default_export_covers_every_theme_and_practice(corpus_db, tmp_path):
    run = _export(corpus_db, "adoptions", tmp_path / "all.csv")
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(tmp_path / "all.csv", encoding="utf-8-sig", dtype=str)
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        trace = research.Trace(store)
        counts = {(level, key): research.adopters(trace, key, limit=limits.REGIONS_MAX)["region_count"]
                  for level, key, _, _ in diffusion.topics()}
    assert len(table) == sum(counts.values())
    assert table.groupby(["level", "topic"]).size().to_dict() == {k: n for k, n in counts.items() if n}
    assert {"theme", "practice"} <= set(table["level"])


def test_adoption_curve_and_its_offline_svg(corpus_db, tmp_path, answer):
    import json
    import xml.etree.ElementTree as ET

    adopters, _ = answer
    dated = sorted(r["first_date"] for r in adopters["regions"] if r["first_date"])
    run = subprocess.run([sys.executable, "-m", "policy_graph.cli", "curve", "知识产权质押融资", "--json",
                          "--svg", str(tmp_path / "curve.svg"), "--db", str(corpus_db)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    curve = json.loads(run.stdout)
    assert [p["date"] for p in curve["curve"]] == dated
    assert [p["adopters"] for p in curve["curve"]] == list(range(1, len(dated) + 1))
    assert curve["undated"] == len(adopters["regions"]) - len(dated)
    text = (tmp_path / "curve.svg").read_text(encoding="utf-8")
    svg = ET.fromstring(text)  # well-formed
    ns = "{http://www.w3.org/2000/svg}"
    assert len(svg.findall(f"{ns}circle")) == len(dated)
    assert "知识产权质押融资" in svg.find(f"{ns}title").text
    assert text.count("http") == 1  # the namespace only: nothing fetched from outside


def test_api_curve_and_innovativeness_match_the_cli(api, corpus_db):
    import json

    r = api.get("/api/diffusion/curve", params={"q": "知识产权质押融资"})
    assert r.status_code == 200, r.text
    run = subprocess.run([sys.executable, "-m", "policy_graph.cli", "curve", "知识产权质押融资", "--json",
                          "--db", str(corpus_db)], capture_output=True, text=True, cwd=REPO)
    cli = json.loads(run.stdout)
    assert r.json()["curve"] == cli["curve"] and r.json()["spread"] == cli["spread"]
    assert len(r.json()["adoptions"]) == len(cli["curve"]) + cli["undated"]
    r = api.get("/api/diffusion/innovativeness", params={"topics": "知识产权质押融资,银税互动"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["topics"] == ["practice:bank_tax_interaction", "theme:ip_pledge_financing"]
    assert all(0 < s["score"] <= 1 for s in body["scores"])
    assert api.get("/api/diffusion/curve", params={"q": "没有这个做法"}).status_code == 404
    assert api.get("/api/diffusion/innovativeness", params={"topics": ",".join(["银税互动"] * 21)}).status_code == 422


def test_api_export_downloads_the_files_the_cli_writes(api, corpus_db, tmp_path):
    """From the browser to R without code: the timeline page links each diffusion table of its
    topic, and the download is byte for byte the CLI's export file."""
    import io

    page = api.get("/viz/timeline", params={"q": "知识产权质押融资"}).text
    for table in diffusion.EXPORT_FORMATS:
        assert f'class="diffusion-{table}"' in page
        r = api.get("/api/diffusion/export", params={"table": table, "topics": "知识产权质押融资"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        assert "filename*=UTF-8''" + table in r.headers["content-disposition"]
        out = tmp_path / f"{table}.csv"
        assert _export(corpus_db, table, out, "知识产权质押融资").returncode == 0
        assert r.content == out.read_bytes()
        frame = pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig")
        columns = {"adoptions": diffusion.ADOPTION_COLUMNS, "cascades": diffusion.CASCADE_COLUMNS,
                   "dyads": diffusion.DYAD_COLUMNS}[table]
        assert len(frame) and list(frame.columns) == list(columns)
    cascades = pd.read_csv(io.BytesIO(api.get("/api/diffusion/export", params={
        "table": "cascades", "topics": "知识产权质押融资"}).content), encoding="utf-8-sig")
    assert set(cascades["cascade"]) == {"theme:ip_pledge_financing"} and cascades["time"].is_monotonic_increasing
    assert api.get("/api/diffusion/export", params={"table": "graphml", "topics": "银税互动"}).status_code == 422
    assert api.get("/api/diffusion/export", params={"table": "cascades"}).status_code == 422
    assert api.get("/api/diffusion/export", params={"table": "dyads", "topics": "没有这个做法"}).status_code == 404
