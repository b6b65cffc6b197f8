"""Bad input never hurts: thousands of random and hostile commands thrown at the engine.

No exception escapes, every refusal is a short clear message, and a refused command leaves the
database exactly as it was.
"""

import re
import sqlite3
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.engine import MAX_MESSAGE, Engine
from commands.errors import UserError
from commands.registry import Registry
from commands.types import Directory, Message
from storage import history
from storage.actions import get_action
from storage.db import open_db
from storage.importing import import_plan, load_example
from tests.conftest import ADMIN, LUC, NOW, REGISTRY, STRANGER, SYLVIE, snapshot

CODIR_MEMBER = "@codir:example.org"

HOSTILE = [
    "'; drop table actions; --",
    "1 or 1=1",
    '" OR ""="',
    "<script>alert(1)</script>",
    "<b>gras</b> &amp; &lt;",
    "@room",
    "@everyone",
    "\x00",
    "\u202e\u200b\ufeff",
    "%",
    "100%",
    "-5%",
    "1e309",
    "NaN",
    "inf",
    "٣",
    "١٢%",
    "²",
    "½",
    "𝟙𝟚",
    "#23",
    "23",
    "2.1",
    "0",
    "-1",
    "fait",
    "en cours 50%",
    "risque",
    "2026-06",
    "juin 2026",
    "retirer",
    "@anne:example.org",
    "-@anne:example.org",
    "chefs de service",
    "NEAR(a b)",
    "*",
    "{number}",
    "%s",
    "\n",
    "\r\n",
    "   ",
    "!maj",
    "!annuler",
    "\ud800",
]

words = st.sampled_from(sorted(REGISTRY.by_word) + ["", "!", "inconnu", "majj", "aid", "\ud800"])
huge_numbers = st.integers(min_value=-(10**40), max_value=10**40).map(str)
fragments = st.one_of(
    st.sampled_from(HOSTILE),
    huge_numbers,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
arguments = st.lists(fragments, max_size=8).map(" ".join)
single = st.builds(lambda word, args: f"!{word} {args}", words, arguments)
bulk = st.lists(single, min_size=2, max_size=6).map(lambda lines: "\n".join(lines))
oversized = st.builds(
    lambda word, filler: f"!{word} " + filler * (100_000 // max(1, len(filler))),
    words,
    st.sampled_from(["x", "é", "23 fait\n", "<b>", "\n"]),
)
messages = st.one_of(single, single, bulk, oversized, st.text(max_size=100))
senders = st.sampled_from([ADMIN, CODIR_MEMBER, SYLVIE, LUC, STRANGER, "", "@room", "\ud800"])


@pytest.fixture(scope="module")
def template():
    database = open_db(":memory:")
    import_plan(database, load_example())
    return database


def fresh_copy(template):
    database = open_db(":memory:")
    template.conn.backup(database.conn)
    return database


def directory() -> Directory:
    return Directory(
        admins={ADMIN},
        codir={CODIR_MEMBER},
        links={"SV": {SYLVIE}, "LM": {LUC}, "chefs de service": {SYLVIE, LUC}},
    )


_COMMAND_LINE = re.compile(r"^\s*[-•*·>]?\s*!")
_LEAKS = re.compile(r"Traceback|Exception|sqlite|Error\b|\{[a-z_]+\}")


def check_reply(db, sender: str, text: str) -> None:
    engine = Engine(db, directory(), REGISTRY, clock=lambda: NOW)
    before = snapshot(db, without=("handled_events", "people_seen"))
    reply = engine.handle(Message(sender=sender, text=text))
    if not any(_COMMAND_LINE.match(line) for line in text.splitlines()):
        assert reply is None  # a group room: no "!" line, not for the bot
        return
    assert reply is not None and reply.text.strip() and reply.html
    if reply.refused:
        assert snapshot(db, without=("handled_events", "people_seen")) == before, (
            f"refused {text[:80]!r} changed the database"
        )
        assert len(reply.text) <= 1500
        assert not _LEAKS.search(reply.text) or _LEAKS.search(text), reply.text
    db.execute("pragma integrity_check").fetchone()


@settings(
    max_examples=700,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sender=senders, text=messages)
def test_random_and_hostile_commands_never_hurt(template, sender, text):
    check_reply(fresh_copy(template), sender, text)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=st.lists(st.tuples(senders, single), min_size=2, max_size=8))
def test_a_sequence_of_hostile_commands_never_hurts(template, script):
    """State built by earlier commands (undo, roles, links) must not make later ones crash."""
    db = fresh_copy(template)
    for sender, text in script:
        check_reply(db, sender, text)


@pytest.mark.parametrize("size", [MAX_MESSAGE + 1, 100_000, 1_000_000])
def test_oversized_message_is_refused_before_parsing(template, size):
    db = fresh_copy(template)
    before = snapshot(db, without=("handled_events", "people_seen"))
    reply = Engine(db, directory(), REGISTRY).handle(
        Message(sender=ADMIN, text="!maj 23 " + "x" * size)
    )
    assert reply.refused
    assert (
        reply.text == f"Message trop long (plus de {MAX_MESSAGE} caractères) : rien n'a été fait."
    )
    assert snapshot(db, without=("handled_events", "people_seen")) == before


def test_lone_surrogates_are_stored_as_question_marks(template):
    db = fresh_copy(template)
    reply = Engine(db, directory(), REGISTRY).handle(
        Message(sender=SYLVIE, text="!note 23 a\ud800b")
    )
    assert not reply.refused
    assert get_action(db, 23).last_comment == "a?b"


def test_a_refused_command_rolls_back_what_it_had_written(template, monkeypatch):
    """A command that wrote and then refuses leaves nothing behind."""
    db = fresh_copy(template)
    before = snapshot(db, without=("handled_events", "people_seen"))

    def write_then_refuse(ctx, args):
        history.record_update(db, 23, SYLVIE, new_status="fait", at=ctx.now)
        raise UserError("refusé après écriture")

    cmd = REGISTRY.find("note")
    registry = Registry()
    registry.add(replace(cmd, handler=write_then_refuse))
    reply = Engine(db, directory(), registry).handle(Message(sender=SYLVIE, text="!note 23 x"))
    assert reply.refused and reply.text == "refusé après écriture"
    assert snapshot(db, without=("handled_events", "people_seen")) == before
    with pytest.raises(sqlite3.OperationalError):
        db.execute("commit")  # no transaction was left open
