"""Chat with the codes a DG's file gave: numbering restarting in each OO is stored as
« 1.2.A1 » (storage/importing); pilots type the whole code, in any case, or the printed « A2 »
when only one action bears it. « A1 » borne by several actions is refused, naming them, and
changes nothing; a code of digits only is never completed (« 2 » is not « 1.1.2 »)."""

from datetime import UTC, datetime

import pytest

from commands.catalogue import build_registry
from commands.engine import Engine
from commands.types import Directory, Message
from storage.actions import action_by_code
from storage.db import open_db
from storage.importing import import_plan, parse_csv
from storage.plans import only_plan

RESTARTING = (
    "OS;OO;N°;Intitulé;Pilote;Échéance\n"
    "1;1.1;A1;Acheter;LM;2026\n"
    "1;1.1;A2;Vendre;LM;2026\n"
    "1;1.2;A1;Former;MR;2026-06-30\n"
    "2;2.1;A1;Informer;LM;2028\n"
)
LM, MR = "@lm:example.org", "@mr:example.org"


@pytest.fixture
def plan_db():
    db = open_db(":memory:")
    import_plan(db, parse_csv(RESTARTING))
    return db


@pytest.fixture
def say(plan_db):
    directory = Directory(admins={"@dg:example.org"}, links={"LM": {LM}, "MR": {MR}})
    engine = Engine(
        plan_db, directory, build_registry(), clock=lambda: datetime(2026, 1, 5, 9, tzinfo=UTC)
    )

    def send(sender, text, direct=False):
        return engine.handle(Message(sender=sender, text=text, room="!room", direct=direct)).text

    return send


def status(db, code):
    return action_by_code(db, only_plan(db).id, code).status


def test_a_pilot_updates_an_action_by_its_whole_code_in_any_case(plan_db, say):
    assert say(MR, "!maj 1.2.a1 fait") == "Action 1.2.A1 : à démarrer → fait, 100 %."
    assert status(plan_db, "1.2.A1") == "fait"
    assert status(plan_db, "1.1.A1") == "à démarrer"


def test_the_whole_code_reads_in_a_direct_chat_without_the_bang(plan_db, say):
    say(LM, "1.1.A2 en cours 40%", direct=True)

    assert status(plan_db, "1.1.A2") == "en cours"


def test_the_printed_code_borne_by_one_action_names_it(plan_db, say):
    reply = say(LM, "!action A2")

    assert reply.startswith("Action 1.1.A2 — Vendre")


def test_the_printed_code_borne_by_several_actions_is_refused_and_changes_nothing(plan_db, say):
    reply = say(LM, "!maj A1 fait")

    assert reply == (
        "Plusieurs actions s'appellent A1 : 1.1.A1, 1.2.A1, 2.1.A1. "
        "Écrivez le code entier, par exemple 1.1.A1."
    )
    assert {status(plan_db, code) for code in ("1.1.A1", "1.2.A1", "2.1.A1")} == {"à démarrer"}


def test_a_code_of_digits_is_never_completed():
    db = open_db(":memory:")
    import_plan(db, parse_csv("OS;OO;N°;Intitulé;Pilote;Échéance\n1;1.1;1.1.2;Acheter;LM;2026\n"))
    directory = Directory(links={"LM": {LM}})
    engine = Engine(db, directory, build_registry())

    reply = engine.handle(Message(sender=LM, text="!maj 2 fait", room="!room")).text

    assert reply.startswith("L'action 2 n'existe pas")
    assert status(db, "1.1.2") == "à démarrer"
