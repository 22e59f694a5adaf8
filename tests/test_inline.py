"""Answers begun on the event loop (api/inline.py): a graph statement, a read past the loop's
time or a long statement sends the answer to a thread, where it is worked out again, the same."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from api import inline
from graph.store import OffTheLoop, inline_until
from graph.textindex import TextIndex, TextIndexFile
from policy_graph import research

# ~10^5 steps of SQLite's virtual machine: longer than a loop reader looks at the clock
_LONG = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c"


def test_a_graph_statement_never_runs_on_the_loop(corpus):
    store, _ = corpus
    params = {"kind": "measure", "region": "", "document": ""}
    token = inline_until.set(time.monotonic() + 60)
    try:
        with pytest.raises(OffTheLoop):
            store.run("measure_count", params)
    finally:
        inline_until.reset(token)
    assert store.run("measure_count", params)[0]["total"] > 0  # off the loop, as always


def test_a_loop_reader_stops_a_long_statement_once_its_time_is_up(corpus_db):
    loop_reader = TextIndex.load(str(corpus_db) + ".fts", wait=False)
    thread_reader = TextIndex.load(str(corpus_db) + ".fts")
    try:
        assert loop_reader._db.execute(_LONG).fetchone() == (100000,)  # not on the loop: no limit
        token = inline_until.set(time.monotonic() - 1)
        try:
            with pytest.raises(sqlite3.OperationalError) as stopped:
                loop_reader._db.execute(_LONG).fetchone()
            assert stopped.value.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT
            # a thread's reader never meets the loop's limit
            assert thread_reader._db.execute(_LONG).fetchone() == (100000,)
        finally:
            inline_until.reset(token)
        assert loop_reader._db.execute(_LONG).fetchone() == (100000,)  # the reader goes on answering
    finally:
        loop_reader.close()
        thread_reader.close()


def _request(corpus, corpus_db, warm: bool):
    store, index = corpus
    holder = TextIndexFile(str(corpus_db) + ".fts", lambda: len(index))
    assert holder.get() is not None  # checked against the graph once, as a server's first reader does
    if warm:
        holder.warm()  # the measures' keys, as a server reads them as it starts
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(text_index=holder))), store


@pytest.fixture
def request_for(corpus, corpus_db):
    return _request(corpus, corpus_db, warm=True)


def _answered(request, store, answer):
    """(result, the threads each attempt ran on, the loop's thread)."""
    ran: list[int] = []

    def attempt(trace):
        ran.append(threading.get_ident())
        return answer(trace)

    async def main():
        return await inline.inline_first(request, store, attempt), threading.get_ident()

    result, loop_thread = asyncio.run(main())
    return result, ran, loop_thread


def test_an_answer_the_text_index_gives_is_worked_out_on_the_loop(request_for):
    request, store = request_for
    found, ran, loop_thread = _answered(request, store, lambda trace: research.search(trace, ["知识产权"], 20))
    assert ran == [loop_thread]
    assert found[1] > 0 and found == research.search(research.Trace(store, text_index=request.app.state.text_index.get()),
                                                     ["知识产权"], 20)


def test_an_answer_that_needs_the_graph_is_worked_out_again_on_a_thread(request_for):
    request, store = request_for
    params = {"kind": "measure", "region": "", "document": ""}

    def answer(trace):
        trace.text_index.search(["知识产权"], 5)  # some work on the loop first
        return trace.run("measure_count", params)

    rows, ran, loop_thread = _answered(request, store, answer)
    assert ran[0] == loop_thread and len(ran) == 2 and ran[1] != loop_thread
    assert rows == store.run("measure_count", params)


def test_an_answer_past_the_loops_time_is_worked_out_again_on_a_thread(request_for, monkeypatch):
    request, store = request_for
    monkeypatch.setattr(inline, "INLINE_SECONDS", -1.0)  # every step is past it
    found, ran, loop_thread = _answered(request, store, lambda trace: research.search(trace, ["知识产权"], 20))
    assert ran[0] == loop_thread and len(ran) == 2 and ran[1] != loop_thread
    assert found[1] > 0


def test_an_error_of_the_answer_itself_is_not_retried(request_for):
    request, store = request_for
    ran = []

    def answer(trace):
        ran.append(1)
        raise LookupError("no such region")

    with pytest.raises(LookupError):
        asyncio.run(inline.inline_first(request, store, answer))
    assert ran == [1]


def test_the_measures_keys_are_read_off_the_loop(corpus, corpus_db):
    request, store = _request(corpus, corpus_db, warm=False)  # a file no question has read yet
    found, ran, loop_thread = _answered(request, store, lambda trace: research.search(trace, ["知识产权"], 20))
    assert ran[0] == loop_thread and len(ran) == 2 and ran[1] != loop_thread
    assert found[1] > 0


def test_a_long_statement_on_the_loop_is_stopped_and_asked_again_on_a_thread(request_for, monkeypatch):
    request, store = request_for
    monkeypatch.setattr(inline, "INLINE_SECONDS", 0.001)
    found, ran, loop_thread = _answered(request, store, lambda trace: trace.text_index._db.execute(_LONG).fetchone())
    assert found == (100000,)
    assert ran[0] == loop_thread and len(ran) == 2 and ran[1] != loop_thread


def test_the_loop_never_waits_for_a_writers_lock(request_for, corpus_db):
    request, store = request_for
    _answered(request, store, lambda trace: research.search(trace, ["知识产权"], 20))  # the loop's reader is open
    writer = sqlite3.connect(str(corpus_db) + ".fts", check_same_thread=False)
    writer.execute("BEGIN EXCLUSIVE")  # as an ingest's commit holds the file
    released = threading.Timer(0.3, writer.rollback)
    released.start()
    try:
        t0 = time.monotonic()
        found, ran, loop_thread = _answered(request, store, lambda trace: research.search(trace, ["知识产权"], 20))
    finally:
        released.join()
        writer.close()
    # the loop's reader was refused at once; the thread's waited for the lock, then answered
    assert ran[0] == loop_thread and len(ran) == 2 and ran[1] != loop_thread
    assert found[1] > 0 and time.monotonic() - t0 >= 0.3


def test_a_text_question_in_few_measures_is_answered_on_the_loop(request_for):
    request, store = request_for
    body, ran, loop_thread = _answered(request, store, lambda trace: research.adopters_json(trace, "知识产权"))
    assert ran == [loop_thread]
    assert body == research.adopters_json(research.Trace(store, text_index=request.app.state.text_index.get()), "知识产权")


def test_a_text_question_in_many_measures_moves_to_a_thread(request_for, monkeypatch):
    request, store = request_for
    index = request.app.state.text_index.get()
    whole = research.adopters(research.Trace(store, text_index=index), "知识产权", per_region=5)
    assert whole["kind"] == "text"
    hits = sum(r["measure_count"] for r in whole["regions"])
    monkeypatch.setattr(research, "LOOP_HITS_MAX", hits - 1)  # one more than the loop may show
    matched = []
    real = TextIndex.hit_numbers
    monkeypatch.setattr(TextIndex, "hit_numbers", lambda self, h: matched.append(1) or real(self, h))
    body, ran, loop_thread = _answered(request, store, lambda trace: research.adopters_json(trace, "知识产权", per_region=5))
    assert ran[0] == loop_thread and len(ran) == 2 and ran[1] != loop_thread
    assert matched == [1]  # the thread went on from the hits the loop matched
    monkeypatch.setattr(TextIndex, "hit_numbers", real)
    assert body == research.adopters_json(research.Trace(store, text_index=index), "知识产权", per_region=5)
    monkeypatch.setattr(research, "LOOP_HITS_MAX", hits)  # as many as it may show: stays
    _, ran, loop_thread = _answered(request, store, lambda trace: research.adopters_json(trace, "知识产权", per_region=5))
    assert ran == [loop_thread]


def test_hits_carried_from_another_state_of_the_index_are_matched_again(corpus, corpus_db):
    store, _ = corpus
    holder = TextIndexFile(str(corpus_db) + ".fts", lambda: 1)
    index = TextIndex.load(str(corpus_db) + ".fts")
    try:
        index.version = holder._file_stamp()
        terms = ("知识产权",)
        right = research.adopters_json(research.Trace(store, text_index=index), "知识产权")
        wrong = np.array([], dtype=np.int64)  # what another state of the file might have matched
        for version, used in ((index.version, True), (None, False), ((0, 0, 0, b""), False)):
            trace = research.Trace(store, text_index=index, carried=research.CarriedHits(terms, wrong, version))
            body = research.adopters_json(trace, "知识产权")
            assert (body != right) == used  # used only when it was matched in the reader's own state
    finally:
        index.close()
