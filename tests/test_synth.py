"""The synthetic corpus: deterministic, in the founding genre, and read back exactly by ingest.

The generator's manifest says what a correct ingest must find. When one of these tests fails,
either the generator wrote something outside the genre or the pipeline misreads the genre; the
failure message names the document and the measure so that either can be checked by eye.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from ingest.regions import load_gazetteer
from bench.synth import MANIFEST_NAME, TEMPLATES, Manifest, generate

# At most 60 measures a document: 400 measures make at least 7 documents, enough for every template.
N_MEASURES, SEED = 400, 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Manifest, dict]:
    out = tmp_path_factory.mktemp("synth")
    manifest = generate(N_MEASURES, SEED, out)
    records = {Path(r.path).name: r for r in ingest_paths([out])}
    return manifest, records


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_writes_identical_files_and_another_seed_does_not(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(60, 1, a)
    generate(60, 1, b)
    generate(60, 2, c)
    files_a, files_b = _files(a), _files(b)
    files_a.pop(MANIFEST_NAME), files_b.pop(MANIFEST_NAME)
    assert files_a == files_b
    assert Manifest.load(a / MANIFEST_NAME).documents == Manifest.load(b / MANIFEST_NAME).documents
    assert {k: v for k, v in _files(c).items() if k != MANIFEST_NAME} != files_a


def test_manifest_counts_add_up_and_documents_hold_20_to_60_measures(tmp_path):
    manifest = generate(1000, 3, tmp_path)
    counts = [d.measure_count for d in manifest.documents]
    assert sum(counts) == 1000
    assert all(20 <= c <= 60 for c in counts), counts
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == sorted(d.file for d in manifest.documents)
    assert len({d.region for d in manifest.documents}) > 10


def test_every_template_and_both_scripts_are_exercised(corpus):
    manifest, _ = corpus
    assert {d.template for d in manifest.documents} == set(TEMPLATES)
    assert {d.script for d in manifest.documents} == {"simplified", "traditional"}


def test_documents_name_one_gazetteer_region_and_only_its_agencies(corpus):
    manifest, _ = corpus
    gazetteer = load_gazetteer()
    for doc in manifest.documents:
        assert doc.region in gazetteer, doc.region
        allowed = {doc.region} | {c for c in gazetteer.children(doc.region)}
        for m in doc.measures:
            for name in m.lead + m.support:
                named = gazetteer.mentioned(name)
                assert set(named) <= allowed, (doc.file, m.label, name, named)


def test_ingest_finds_exactly_the_generated_measures(corpus):
    manifest, records = corpus
    assert set(records) == {d.file for d in manifest.documents}
    for doc in manifest.documents:
        got = [m.label for m in records[doc.file].measures if m.kind == "measure"]
        want = [m.label for m in doc.measures if m.kind == "measure"]
        assert got == want, f"{doc.file} ({doc.template}): {len(got)} measures found, {len(want)} generated"


def test_ingest_finds_exactly_the_generated_lead_and_support_agencies(corpus):
    manifest, records = corpus
    gazetteer = load_gazetteer()
    for doc in manifest.documents:
        # a province's notice names the city governments that lead; everything else is the region's own
        home = {doc.region, *gazetteer.children(doc.region)}
        found = [m for m in records[doc.file].measures if m.kind == "measure"]
        for got, want in zip(found, [m for m in doc.measures if m.kind == "measure"]):
            lead = {a.printed for a in got.agencies if a.role == "lead"}
            support = {a.printed for a in got.agencies if a.role == "support"}
            assert (lead, support) == (set(want.lead), set(want.support)), f"{doc.file} {want.label}"
            assert {a.region for a in got.agencies if a.role != "mention"} <= home, \
                f"{doc.file} {want.label}: agencies belong to the issuing region"


def test_ingest_reads_each_documents_region_and_date(corpus):
    manifest, records = corpus
    wrong = [(d.file, d.template, records[d.file].region, d.region, records[d.file].date, d.date)
             for d in manifest.documents
             if (records[d.file].region, records[d.file].date) != (d.region, d.date)]
    assert not wrong, wrong


def test_ingest_finds_the_stated_replications(corpus):
    manifest, records = corpus
    missing = []
    for doc in manifest.documents:
        found = [m for m in records[doc.file].measures if m.kind == "measure"]
        for got, want in zip(found, [m for m in doc.measures if m.kind == "measure"]):
            have = {(r.from_region, r.to_region, r.kind) for r in got.replications}
            for rep in want.replications:
                if not rep.get("optional") and (rep["from"], rep["to"], rep["kind"]) not in have:
                    missing.append((doc.file, want.label, rep, sorted(have)))
    stated = sum(1 for d in manifest.documents for m in d.measures for r in m.replications if not r.get("optional"))
    assert stated > 20
    assert not missing, f"{len(missing)} of {stated} replications missed, e.g. {missing[:3]}"


def test_a_bulk_ingest_parsed_in_forked_workers_gives_the_records_of_one_process(tmp_path):
    from policy_graph.service import PARALLEL_MIN_FILES, parse_files

    generate(1600, 3, tmp_path)
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01binary" * 50)
    files = sorted(tmp_path.glob("*.txt"))
    assert len(files) >= PARALLEL_MIN_FILES

    def parsed(workers: int) -> list:
        out = []
        for file, record, error in parse_files(files, workers=workers):
            if record is not None:
                record.timings = None  # clocks differ run to run
            out.append((file.name, record, error))
        return out

    one, two = parsed(1), parsed(2)
    assert one == two
    assert [name for name, record, error in two if record is None] == ["broken.txt"]
