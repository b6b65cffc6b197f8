"""A read writes nothing and waits for no disk: on a full disk reads still answer, a write says
"réessayez" and changes nothing; a replayed event is answered once, a replayed write applied
once, after a restart too. What is only worth keeping (a read was delivered, who wrote to the
bot) goes to the database with the next write or the next upkeep."""

import sqlite3

import pytest

from commands.engine import Engine
from commands.types import Message
from storage import bookkeeping, history
from storage.db import open_db
from storage.importing import import_plan, load_example
from tests.conftest import ADMIN, NOW, REGISTRY, SYLVIE, snapshot

READS = ["!action 23", "!mes actions", "!aide", "!retard", "!action 9999", "!maj 47 fait"]
WRITES = ("insert", "update", "delete", "replace", "create", "drop", "alter", "begin immediate")


class FullDisk:
    """A connection on a disk with no room left: every write fails the way SQLite says it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def _refuse_writes(self, sql: str) -> None:
        if sql.lstrip().lower().startswith(WRITES):
            raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql, *args):
        self._refuse_writes(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self._refuse_writes(sql)
        return self._conn.executemany(sql, *args)


@pytest.fixture
def path(tmp_path):
    database = open_db(tmp_path / "pst.db")
    import_plan(database, load_example())
    database.close()
    return tmp_path / "pst.db"


def start(path, directory):
    """The bot (re)started on the database file: a new connection, a new engine."""
    db = open_db(path)
    return db, Engine(db, directory, REGISTRY, clock=lambda: NOW)


def say(engine, sender, text, event_id=None):
    return engine.handle(Message(sender=sender, text=text, room="!room", event_id=event_id))


@pytest.mark.parametrize("text", READS)
def test_a_read_or_a_refusal_executes_no_statement_that_writes(path, directory, text):
    db, engine = start(path, directory)
    statements = []
    db.conn.set_trace_callback(statements.append)
    changes = db.conn.total_changes
    reply = say(engine, SYLVIE, text, event_id="$read")
    engine.delivered("$read")
    db.conn.set_trace_callback(None)
    assert reply.text and not reply.transient
    assert db.conn.total_changes == changes
    written = [s for s in statements if s.lstrip().lower().startswith(WRITES)]
    assert written == [], text


def test_a_read_on_a_full_disk_answers_the_action(path, directory):
    db, engine = start(path, directory)
    expected = say(engine, SYLVIE, "!action 23").text
    db.conn = FullDisk(db.conn)
    before = snapshot(db, without=())
    reply = say(engine, SYLVIE, "!action 23", event_id="$full-read")
    engine.delivered("$full-read")
    assert not reply.refused and reply.text == expected and reply.text.startswith("Action 23 —")
    assert say(engine, ADMIN, "!aide", event_id="$full-help").text
    assert snapshot(db, without=()) == before


def test_a_write_on_a_full_disk_answers_retry_and_changes_nothing(path, directory):
    db, engine = start(path, directory)
    db.conn = FullDisk(db.conn)
    before = snapshot(db, without=())
    reply = say(engine, SYLVIE, "!maj 23 fait", event_id="$full-write")
    assert reply.refused and reply.transient
    assert "rien n'a été enregistré" in reply.text and "Réessayez" in reply.text
    assert snapshot(db, without=()) == before
    # Room again: the same event is applied, once.
    db.conn = db.conn._conn
    assert say(engine, SYLVIE, "!maj 23 fait", event_id="$full-write").text.endswith("100 %.")
    assert [e["new_status"] for e in history.entries(db, 23)] == ["fait"]


def test_reads_still_answer_once_a_real_disk_filled_up(path, directory):
    db, engine = start(path, directory)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    note = "x" * 1000
    for index in range(100):
        if say(engine, SYLVIE, f"!note 23 {note}", event_id=f"$note-{index}").transient:
            break
    else:
        pytest.fail("the database never filled up")
    before = snapshot(db, without=())
    for index, text in enumerate(READS):
        reply = say(engine, SYLVIE, text, event_id=f"$read-{index}")
        assert not reply.transient, text
        engine.delivered(f"$read-{index}")
    assert say(engine, SYLVIE, "!action 23").text.startswith("Action 23 —")
    assert snapshot(db, without=()) == before


def test_a_replayed_read_is_answered_once(path, directory):
    db, engine = start(path, directory)
    message = Message(sender=SYLVIE, text="!action 23", room="!room", event_id="$read")
    first = engine.handle(message)
    assert engine.handle(message).text == first.text  # not sent yet: answered (again)
    engine.delivered("$read")
    assert engine.handle(message) is None
    assert engine.handle(message) is None


def test_a_replayed_refusal_is_answered_with_the_same_refusal_then_dropped(path, directory):
    db, engine = start(path, directory)
    message = Message(sender=SYLVIE, text="!maj 47 fait", room="!room", event_id="$no")
    first = engine.handle(message)
    assert first.refused and engine.handle(message).text == first.text
    engine.delivered("$no")
    assert engine.handle(message) is None


def test_a_replayed_write_is_applied_once(path, directory):
    db, engine = start(path, directory)
    message = Message(sender=SYLVIE, text="!maj 23 fait", room="!room", event_id="$maj")
    first = engine.handle(message)
    assert engine.handle(message).text == first.text
    engine.delivered("$maj")
    assert engine.handle(message) is None
    assert [e["new_status"] for e in history.entries(db, 23)] == ["fait"]


@pytest.mark.parametrize("delivered", [False, True])
def test_after_a_restart_a_replayed_write_is_not_applied_again(path, directory, delivered):
    db, engine = start(path, directory)
    first = say(engine, SYLVIE, "!maj 23 fait", event_id="$maj")
    if delivered:
        engine.delivered("$maj")
    db.close()
    db, engine = start(path, directory)
    again = say(engine, SYLVIE, "!maj 23 fait", event_id="$maj")
    if delivered:
        assert again is None
    else:
        assert again.text == first.text and again.event_id == "$maj"  # still owed: resent
    assert [e["new_status"] for e in history.entries(db, 23)] == ["fait"]


def test_a_delivered_read_goes_to_the_database_with_the_next_write(path, directory):
    db, engine = start(path, directory)
    say(engine, "@newcomer:example.org", "!aide", event_id="$help")
    engine.delivered("$help")
    assert db.execute("select count(*) from handled_events").fetchone()[0] == 0
    assert db.execute("select count(*) from people_seen").fetchone()[0] == 0
    say(engine, SYLVIE, "!maj 23 fait", event_id="$maj")
    rows = db.execute("select event_id, delivered from handled_events order by event_id")
    assert rows.fetchall() == [("$help", 1), ("$maj", 0)]
    seen = {row[0] for row in db.execute("select chat_id from people_seen")}
    assert seen == {"@newcomer:example.org", SYLVIE}
    db.close()
    db, engine = start(path, directory)
    assert say(engine, "@newcomer:example.org", "!aide", event_id="$help") is None


def test_the_upkeep_writes_the_notes_a_read_left(path, directory):
    db, engine = start(path, directory)
    say(engine, SYLVIE, "!action 23", event_id="$read")
    engine.delivered("$read")
    assert bookkeeping.prune_handled(db, 30, NOW) == 0
    assert db.execute("select delivered from handled_events").fetchall() == [(1,)]
    assert db.execute("select chat_id from people_seen").fetchall() == [(SYLVIE,)]


def test_notes_a_full_disk_refused_are_written_once_there_is_room(path, directory):
    db, engine = start(path, directory)
    say(engine, SYLVIE, "!action 23", event_id="$read")
    engine.delivered("$read")
    db.conn = FullDisk(db.conn)
    assert say(engine, SYLVIE, "!maj 23 fait", event_id="$maj").transient
    with pytest.raises(sqlite3.OperationalError):
        bookkeeping.prune_handled(db, 30, NOW)
    db.conn = db.conn._conn
    assert not say(engine, SYLVIE, "!maj 23 fait", event_id="$maj").refused
    events = db.execute("select event_id from handled_events order by event_id").fetchall()
    assert events == [("$maj",), ("$read",)]


def test_a_newcomer_seen_by_a_read_may_be_made_admin_before_anything_is_written(db, directory):
    engine = Engine(db, directory, REGISTRY, clock=lambda: NOW)
    say(engine, "@ghost:example.org", "!moi", event_id="$moi")
    assert db.execute("select count(*) from people_seen").fetchone()[0] == 0
    reply = say(engine, ADMIN, "!role @ghost:example.org admin", event_id="$role")
    assert reply.text.endswith("→ administrateur.")
