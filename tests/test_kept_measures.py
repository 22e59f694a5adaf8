"""Each measure's detail (/api/measures/{id}), kept by the ingest in the text index: what it sends
is byte for byte what the graph gives, encoded as the API's MeasureDetail model does, and every
ingest, upload, re-ingest or start leaves it current or unused."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from fixtures.counting import Counting, RefusesLater
from graph.store import open_store
from graph.textindex import TextIndex
from policy_graph import lookups
from policy_graph.research import Trace


def _ids_by_document(store) -> list[str]:
    ids = []
    for doc in store.run("documents_titles", {}):
        ids += [r["id"] for r in store.run("measure_details_own", {"documents": [doc["id"]]})]
    return ids


def _copy(index: TextIndex, tmp_path: Path) -> Path:
    """A copy of the corpus's text index file, for a test that writes to it or locks it."""
    return Path(shutil.copy2(index.path, tmp_path / "g.fts"))


def _models_bytes(store, measure_id: str) -> bytes:
    """The detail computed from the graph now, as FastAPI would encode it for the route's model."""
    from api.models import MeasureDetail

    return MeasureDetail(**lookups.measure_detail(Trace(store), measure_id)).model_dump_json().encode()


def _every_kept_detail_is_the_graphs(store, index: TextIndex) -> int:
    ids = _ids_by_document(store)
    for mid in ids:
        assert index.detail(mid) == _models_bytes(store, mid), mid
    return len(ids)


def test_every_nodes_kept_detail_is_the_models_encoding_of_the_graphs(corpus):
    store, index = corpus
    kinds = {r["kind"] for r in store.run("measure_details_own",
                                          {"documents": [d["id"] for d in store.run("documents_titles", {})]})}
    assert {"measure"} < kinds  # safeguards and the other kinds are kept too
    assert _every_kept_detail_is_the_graphs(store, index) > 100


def test_a_kept_detail_is_one_lookup_and_the_graph_path_sends_the_same_bytes(corpus):
    store, index = corpus
    for mid in _ids_by_document(store)[:40]:
        counting = Counting(store)
        kept = lookups.measure_detail_json(Trace(counting, text_index=index), mid)
        assert counting.asked == []
        assert kept == lookups.measure_detail_json(Trace(store), mid) == _models_bytes(store, mid)
    assert lookups.measure_detail_json(Trace(store, text_index=index), "no-such-measure") is None


def test_the_api_sends_the_kept_detail_and_404s_an_unknown_measure(api, corpus):
    store, _ = corpus
    for mid in _ids_by_document(store)[::17]:
        got = api.get(f"/api/measures/{mid}")
        assert got.status_code == 200 and got.headers["content-type"] == "application/json"
        assert got.content == _models_bytes(store, mid)
    missing = api.get("/api/measures/no-such-measure")
    assert missing.status_code == 404 and "no-such-measure" in missing.json()["detail"]


def test_an_upload_keeps_its_documents_details_and_leaves_the_others(corpus_db, tmp_path):
    from fixtures.hostile import copy_graph, synth_documents
    from policy_graph.service import ingest_into, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    fts = text_index_path(simindex)
    with sqlite3.connect(fts) as raw:
        before = dict(raw.execute("SELECT id, n FROM detail"))
    store = open_store("ladybug", path=db)
    try:
        report = ingest_into(store, synth_documents(tmp_path / "new", 120, seed=5)[:2], index_path=simindex)
        assert report.documents and not report.errors
        with sqlite3.connect(fts) as raw:
            after = dict(raw.execute("SELECT id, n FROM detail"))
        new = {m.id for doc in report.documents for m in doc.measures}
        assert set(after) == set(before) | new
        # only the new documents' details were written: the others are the rows kept before
        assert all(after[mid] == n for mid, n in before.items())
        index = TextIndex.load(fts)
        assert index.adoption_stamp("answer:measure") == index.last_number()
        _every_kept_detail_is_the_graphs(store, index)
        index.close()
    finally:
        store.close()


def test_a_reingest_keeps_its_documents_details_again_and_only_those(corpus_db, tmp_path):
    """A re-ingest writes measures the index held (with the rules of the day: new agencies, a new
    date): that document's details are dropped with them and computed again from the graph,
    while the other documents' (which read none of its facts) are served as they were, even
    meanwhile."""
    from conftest import CORPUS
    from fixtures.hostile import copy_graph
    from policy_graph.service import expand_paths, ingest_into, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    fts = text_index_path(simindex)
    again = expand_paths([CORPUS])[0]
    store = open_store("ladybug", path=db)
    try:
        report = ingest_into(store, [again], index_path=simindex)  # the first file, again
        assert not report.errors
        doc = report.documents[0].id
        with sqlite3.connect(fts) as raw:  # as an older extraction would have left them
            raw.execute("UPDATE detail SET body = CAST('{\"older\":true}' AS BLOB)")
            before = dict(raw.execute("SELECT id, n FROM detail WHERE document != ?", (doc,)))
        report = ingest_into(store, [again], index_path=simindex)
        assert not report.errors
        index = TextIndex.load(fts)
        ids = [r["id"] for r in store.run("measure_details_own", {"documents": [doc]})]
        assert ids and all(index.detail(mid) == _models_bytes(store, mid) for mid in ids)
        with sqlite3.connect(fts) as raw:
            others = raw.execute("SELECT id, n, body FROM detail WHERE document != ?", (doc,)).fetchall()
        assert {mid: n for mid, n, _ in others} == before  # not computed again
        assert all(body == b'{"older":true}' for _, _, body in others)
        assert index.adoption_stamp("answer:measure") == index.last_number()
        index.close()
    finally:
        store.close()


def test_measures_written_again_drop_their_documents_details_only(corpus, tmp_path):
    store, current = corpus
    path = _copy(current, tmp_path)
    index = TextIndex(path)
    some = next(iter(index.measures([index._db.execute("SELECT id FROM measure LIMIT 1").fetchone()[0]]).values()))
    mine = [r["id"] for r in store.run("measure_details_own", {"documents": [some["document"]]})]
    other = next(mid for mid in _ids_by_document(store) if mid not in mine)
    index.add([{**some, "agencies": {"lead": [{"name": "新机关", "printed": "新机关", "region": None}], "support": []}}])
    assert all(index.detail(mid) is None for mid in mine)  # the graph answers them until kept again
    assert index.detail(other) == _models_bytes(store, other)
    index.close()


def test_details_a_killed_writer_left_older_are_not_used_and_a_start_keeps_them(corpus_db, tmp_path):
    from fixtures.hostile import copy_with_older_answers
    from policy_graph.service import repair_indexes

    db, simindex, fts = copy_with_older_answers(corpus_db, tmp_path / "g", "measure")
    store = open_store("ladybug", path=db)
    try:
        mid = _ids_by_document(store)[0]
        index = TextIndex.load(fts)
        assert index.detail(mid) is None
        counting = Counting(store)
        assert lookups.measure_detail_json(Trace(counting, text_index=index), mid) == _models_bytes(store, mid)
        assert counting.asked == ["measure_detail"]  # read from the graph
        index.close()
        assert repair_indexes(store, simindex) == []  # nothing rebuilt: the details kept again
        index = TextIndex.load(fts)
        _every_kept_detail_is_the_graphs(store, index)
        index.close()
    finally:
        store.close()


def test_a_documents_details_are_replaced_whole(corpus, tmp_path):
    """Kept again for a document, its details replace all its older ones: a measure it no longer
    holds is not sent from the index."""
    store, current = corpus
    path = _copy(current, tmp_path)
    index = TextIndex(path)
    doc = store.run("documents_titles", {})[0]["id"]
    ids = [r["id"] for r in store.run("measure_details_own", {"documents": [doc]})]
    index.set_details(iter([(ids[0], doc, b'{"id":"kept"}', b'[]')]), [doc])
    assert index.detail(ids[0]) == b'{"id":"kept"}'
    assert all(index.detail(mid) is None for mid in ids[1:])
    other = next(mid for mid in _ids_by_document(store) if mid not in ids)
    assert index.detail(other) is not None
    index.close()


def test_a_statement_refused_half_way_keeps_none_of_the_details(corpus, tmp_path, monkeypatch, caplog):
    from fixtures.hostile import index_with_older_answers
    from policy_graph.service import keep_measure_details

    store, current = corpus
    path = index_with_older_answers(Path(current.path), tmp_path / "g.fts", "measure")
    with sqlite3.connect(path) as raw:
        before = raw.execute("SELECT id, body FROM detail ORDER BY id").fetchall()
    refusing = RefusesLater(store, "measure_details_themes")
    monkeypatch.setattr(lookups, "DETAILS_BATCH", 1)  # one document a statement: refused at the second
    keep_measure_details(refusing, path)
    assert refusing.calls == 2
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT id, body FROM detail ORDER BY id").fetchall() == before
        stamp, last = raw.execute("SELECT (SELECT measures FROM adoption_state WHERE kind = 'answer:measure'), "
                                  "(SELECT max(n) FROM measure)").fetchone()
    assert stamp == last - 1
    assert "measures' details not kept" in caplog.text


@pytest.mark.parametrize("opened", [True, False], ids=["reader-open", "reader-opens-under-the-lock"])
def test_a_writers_lock_on_the_index_does_not_stall_the_server(corpus_db, corpus, tmp_path, opened):
    """The kept detail is read on the event loop: while a writer's commit holds the index file,
    the server goes on answering, whether the loop's reader was open before or opens under the
    lock, and the measure is answered from a thread (from the graph, or once the lock is gone)
    with the same bytes."""
    import threading
    import time

    import httpx

    from fixtures.hostile import serving_uploads

    store, _ = corpus
    first, mid = _ids_by_document(store)[3:5]  # another measure, not one the answer cache holds
    with serving_uploads(corpus_db, tmp_path / "g") as srv, httpx.Client(base_url=srv.base_url, timeout=60) as c:
        if opened:
            assert c.get(f"/api/measures/{first}").content == _models_bytes(store, first)
        lock = sqlite3.connect(tmp_path / "g" / (corpus_db.name + ".fts"), isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        answered = {}
        asking = threading.Thread(target=lambda: answered.update(r=c.get(f"/api/measures/{mid}")))
        try:
            asking.start()
            time.sleep(0.5)  # so the measure is being answered when the next requests come
            with httpx.Client(base_url=srv.base_url, timeout=5) as other:
                # an event loop blocked on the lock would hold these past their timeout
                assert other.get("/api/health").status_code == 200
                assert other.get("/api/regions").status_code == 200
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        asking.join(30)
        assert answered["r"].status_code == 200 and answered["r"].content == _models_bytes(store, mid)
        assert c.get(f"/api/measures/{first}").content == _models_bytes(store, first)


def test_a_reader_that_must_not_wait_gives_none_while_a_writer_holds_the_file(corpus, tmp_path):
    store, current = corpus
    path = _copy(current, tmp_path)
    mid = _ids_by_document(store)[0]
    index = TextIndex.load(path, wait=False)
    kept = index.detail(mid)
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        assert index.detail(mid) is None
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert index.detail(mid) == kept and kept is not None
    index.close()
