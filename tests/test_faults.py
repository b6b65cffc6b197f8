"""Faults never half-answer: a busy, read-only or full database gives "réessayez", records
nothing, and the same command sent again later is applied exactly once."""

import sqlite3

import pytest

from commands.engine import Engine
from commands.types import Message
from storage.db import open_db
from storage.importing import import_plan, load_example
from tests.conftest import NOW, REGISTRY, SYLVIE, snapshot


@pytest.fixture
def file_db(tmp_path):
    database = open_db(tmp_path / "pst.db")
    import_plan(database, load_example())
    database.execute("PRAGMA busy_timeout = 50")
    return database


@pytest.fixture
def file_engine(file_db, directory):
    return Engine(file_db, directory, REGISTRY, clock=lambda: NOW)


def update(engine, event_id="$maj"):
    return engine.handle(Message(sender=SYLVIE, text="!maj 23 fait", event_id=event_id))


def assert_retry_and_nothing_recorded(reply, db, before):
    assert reply.refused and reply.transient
    assert "rien n'a été enregistré" in reply.text and "Réessayez" in reply.text
    assert snapshot(db) == before


def test_a_busy_database_asks_to_retry_then_the_same_event_is_applied_once(
    file_db, file_engine, tmp_path
):
    other = sqlite3.connect(tmp_path / "pst.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock (e.g. an import)
    before = snapshot(file_db)
    assert_retry_and_nothing_recorded(update(file_engine), file_db, before)
    other.execute("ROLLBACK")
    reply = update(file_engine)
    assert not reply.refused and reply.text == "Action 23 : à démarrer → fait, 100 %."
    assert update(file_engine).text == reply.text  # replayed before delivery: stored reply
    file_engine.delivered("$maj")
    assert update(file_engine) is None
    statuses = [
        e["new_status"] for e in file_db.query("select * from updates where action_number = 23")
    ]
    assert statuses == ["fait"]


def test_reads_go_on_while_another_writer_holds_the_lock(file_db, file_engine, tmp_path):
    other = sqlite3.connect(tmp_path / "pst.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    reply = file_engine.handle(Message(sender=SYLVIE, text="!action 23"))
    other.execute("ROLLBACK")
    assert not reply.refused and reply.text.startswith("Action 23 —")


def test_a_read_only_database_asks_to_retry_and_records_nothing(file_db, file_engine):
    file_db.execute("PRAGMA query_only = 1")
    before = snapshot(file_db)
    assert_retry_and_nothing_recorded(update(file_engine), file_db, before)
    file_db.execute("PRAGMA query_only = 0")
    assert not update(file_engine).refused


def test_a_full_database_asks_to_retry_and_records_nothing(file_db, file_engine):
    pages = file_db.execute("PRAGMA page_count").fetchone()[0]
    file_db.execute(f"PRAGMA max_page_count = {pages}")
    before = snapshot(file_db)
    note = "x" * 1000
    replies = [
        file_engine.handle(Message(sender=SYLVIE, text=f"!note 23 {note}", event_id=f"${i}"))
        for i in range(40)
    ]
    full = [reply for reply in replies if reply.transient]
    assert full, "the database never filled up"
    assert all(r.refused and "Réessayez" in r.text for r in full)
    applied = [reply for reply in replies if not reply.refused]
    notes = file_db.execute("select count(*) from updates where kind = 'note'").fetchone()[0]
    assert notes == len(applied)
    assert snapshot(file_db)["actions"] != before["actions"] or not applied
