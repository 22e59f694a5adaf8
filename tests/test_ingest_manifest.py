"""The manifest only overrides: files without an entry still ingest, from their text alone."""
from __future__ import annotations

import shutil
from pathlib import Path

from ingest.manifest import Manifest, load_manifest
from ingest.pipeline import ingest_bytes, ingest_file, ingest_paths

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
XIAMEN = "000_4db036ec0a2b74b7.txt"


def test_corpus_manifest_lists_all_five_files():
    manifest = load_manifest(CORPUS)
    assert sorted(manifest.entries) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert manifest.for_file(XIAMEN)["region"] == "厦门"
    assert manifest.for_file("001_633e55d7782fd199.txt")["date"] is None


def test_manifest_title_overrides_the_text(tmp_path):
    shutil.copy(CORPUS / XIAMEN, tmp_path / "plan.txt")
    (tmp_path / "manifest.yaml").write_text(
        "documents:\n  - file: plan.txt\n    title: 自定标题\n", encoding="utf-8")
    record = ingest_file(tmp_path / "plan.txt")
    assert record.title == "自定标题"
    assert record.date == "2020-05-11"  # keys the manifest leaves out are read from the text


def test_document_without_entry_gets_its_region_from_the_text(tmp_path):
    shutil.copy(CORPUS / XIAMEN, tmp_path / "unlisted.txt")
    (tmp_path / "notes.md").write_text("not a policy", encoding="utf-8")
    [record] = ingest_paths([tmp_path])
    assert record.region == "厦门"
    assert record.title.startswith("厦门市人民政府办公厅关于印发")
    assert len([m for m in record.measures if m.kind == "measure"]) == 19


def test_overrides_on_bytes_and_region_resolution():
    data = (CORPUS / XIAMEN).read_bytes()
    record = ingest_bytes(data, "x.txt", {"region": "泉州市", "date": "2020年6月1日", "issuer": "某办"})
    assert record.region == "泉州" and record.date == "2020-06-01" and record.issuer == "某办"
    # agencies follow the region given; one printed with a place's name (厦门海关) stays that place's
    assert all(m.region == "泉州" and all(a.region == "泉州" or a.printed.startswith(a.region) for a in m.agencies)
               for m in record.measures)
    plain = ingest_file(CORPUS / XIAMEN, Manifest())
    assert plain.id == record.id  # ids depend on the bytes only
