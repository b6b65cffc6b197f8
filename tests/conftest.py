"""Shared fixtures: an in-memory PST seeded with the bundled example, and an engine over it."""

from datetime import UTC, datetime, timedelta

import pytest

from commands.catalogue import build_registry
from commands.engine import Engine
from commands.types import Directory, Message
from storage.db import open_db
from storage.importing import import_plan, load_example

#: A fixed "now" after the 2019-2024 term, so overdue computations are stable.
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)

ADMIN = "@dg:example.org"
SYLVIE = "@sylvie:example.org"  # pilot SV (actions 23, 24, 25, 32...)
LUC = "@luc:example.org"  # pilot LM
STRANGER = "@someone:example.org"

#: Every command the bot serves, as the transports build it.
REGISTRY = build_registry()


class MovingClock:
    """A clock a test moves forward (`wait`), starting at NOW."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def db():
    database = open_db(":memory:")
    import_plan(database, load_example())
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
    return Engine(db, directory, REGISTRY, clock=lambda: NOW)


@pytest.fixture
def say(engine):
    """`say(sender, text)` -> the reply, as a transport would get it."""

    def send(sender: str, text: str, event_id: str | None = None):
        return engine.handle(Message(sender=sender, text=text, room="!room", event_id=event_id))

    return send


#: The title of the OO `add_empty_oo` adds.
OO_WITHOUT_ACTION = "Nouvel objectif sans action"


def add_empty_oo(db) -> None:
    """An OO with no action yet in the first OS (as a plan at the start of a term has)."""
    plan_id, os_id = db.execute("select plan_id, id from strategic_objectives limit 1").fetchone()
    db.execute(
        "insert into operational_objectives (plan_id, os_id, number, title, position)"
        " values (?, ?, '1.99', ?, 99)",
        [plan_id, os_id, OO_WITHOUT_ACTION],
    )


def snapshot(db, without: tuple[str, ...] = ("people_seen",)) -> dict:
    """Every row of every table (the plan, the history, the directory, roles and their audit,
    the handled events), to prove a refusal or a read wrote nothing. Left out: the full-text
    index (it mirrors the actions table) and, unless asked, the list of people who wrote to
    the bot (a successful read by a newcomer adds them; a refusal does not)."""
    tables = [
        name
        for (name,) in db.execute("select name from sqlite_master where type = 'table'")
        if not name.startswith(("actions_fts", "sqlite_")) and name not in without
    ]
    return {table: list(db.execute(f"select * from [{table}] order by rowid")) for table in tables}
