"""Checkpoints run with no query reading (graph/backends/ladybug.py, _ReadGate).

LadybugDB 0.22 keeps an upload's relationship data in memory when a checkpoint overlaps a read,
so the server's memory after an upload depended on chance (RELIABILITY.md, Load). These tests
check the ordering itself, and that readers of a real store neither fail nor hang meanwhile.
"""
from __future__ import annotations

import threading

from graph.backends.ladybug import _ReadGate
from graph.store import open_store
from policy_graph.lookups import counts
from fixtures.hostile import copy_graph

WAIT = 5.0


def test_a_checkpoint_waits_for_running_reads_and_holds_new_ones_back():
    gate = _ReadGate()
    order: list[str] = []
    reading, release_read = threading.Event(), threading.Event()
    alone_entered, release_alone = threading.Event(), threading.Event()

    def first_reader():
        with gate.reading():
            order.append("read 1 starts")
            reading.set()
            release_read.wait(WAIT)
            order.append("read 1 ends")

    def checkpoint():
        with gate.alone():
            order.append("checkpoint")
            alone_entered.set()
            release_alone.wait(WAIT)
            order.append("checkpoint ends")

    def second_reader():
        with gate.reading():
            order.append("read 2")

    threads = [threading.Thread(target=first_reader)]
    threads[0].start()
    assert reading.wait(WAIT)
    threads.append(threading.Thread(target=checkpoint))
    threads[1].start()
    # the checkpoint has claimed the gate and now waits for read 1: it must not have entered
    assert gate.wait_until(lambda g: g._owner is not None, WAIT)
    assert not alone_entered.is_set()
    release_read.set()
    assert alone_entered.wait(WAIT)
    threads.append(threading.Thread(target=second_reader))
    threads[2].start()
    # read 2 has reached the gate and is held there while the checkpoint runs
    assert gate.wait_until(lambda g: g._waiting == 1, WAIT)
    assert "read 2" not in order
    release_alone.set()
    for t in threads:
        t.join(WAIT)
    assert order == ["read 1 starts", "read 1 ends", "checkpoint", "checkpoint ends", "read 2"]


def test_the_thread_running_alone_may_enter_again():
    gate = _ReadGate()
    with gate.alone():
        with gate.alone():
            pass
    with gate.reading():  # and the gate is open afterwards
        pass


def test_readers_keep_answering_while_a_store_checkpoints(corpus_db, tmp_path):
    db = copy_graph(corpus_db, tmp_path)
    with open_store("ladybug", path=db) as store:
        expected = counts(store)
        stop = threading.Event()
        answers: list[dict] = []
        errors: list[BaseException] = []

        def reader():
            while not stop.is_set():
                try:
                    answers.append(counts(store))
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)
                    return

        readers = [threading.Thread(target=reader) for _ in range(4)]
        for t in readers:
            t.start()
        try:
            for _ in range(5):
                store.checkpoint()
        finally:
            stop.set()
            for t in readers:
                t.join(WAIT)
        assert not any(t.is_alive() for t in readers)
        assert errors == []
        assert answers and all(a == expected for a in answers)
