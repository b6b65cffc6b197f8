"""Shared fixtures: an in-memory PST seeded with the bundled example, and an engine over it."""

from datetime import UTC, datetime

import pytest

from commands.access import Directory
from commands.engine import Engine, Message
from storage import store
from storage.db import open_db
from storage.importing import load_example

#: A fixed "now" after the 2019-2024 term, so overdue computations are stable.
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)

ADMIN = "@dg:example.org"
SYLVIE = "@sylvie:example.org"  # pilot SV (actions 23, 24, 25, 32...)
LUC = "@luc:example.org"  # pilot LM
STRANGER = "@someone:example.org"


@pytest.fixture
def db():
    database = open_db(":memory:")
    store.import_plan(database, load_example())
    return database


@pytest.fixture
def directory():
    return Directory(
        admins={ADMIN},
        codir={"@codir:example.org"},
        links={"SV": {SYLVIE}, "LM": {LUC}, "chefs de service": {SYLVIE, LUC}},
    )


@pytest.fixture
def engine(db, directory):
    return Engine(db, directory, clock=lambda: NOW)


@pytest.fixture
def say(engine):
    """`say(sender, text)` -> the reply, as a transport would get it."""

    def send(sender: str, text: str, event_id: str | None = None):
        return engine.handle(Message(sender=sender, text=text, room="!room", event_id=event_id))

    return send


def snapshot(db) -> tuple:
    """Everything a command could change, to prove a refusal wrote nothing."""
    return (
        list(db.execute("select * from actions order by number")),
        list(db.execute("select * from updates order by id")),
        list(db.execute("select * from pilot_links order by pilot, chat_id")),
        db.execute("select count(*) from handled_events").fetchone()[0],
    )
