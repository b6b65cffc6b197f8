"""Plans keep their people apart (issue 21, item 3): the CPAS's LM is not the commune's LM.
Initials, links and `[pilots]` belong to a plan; `!pilote`, `!pilotes`, `!mes-actions`, the
reminders and the digest are per plan; a pilot of one plan cannot write another plan's action;
an old database keeps its links on their plan; a configuration for one plan keeps working."""

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlite_utils import Database

from bot.config import load_config
from commands.engine import Engine
from commands.schedule import Rhythm, reminders
from commands.types import Directory, Message
from storage import people
from storage.db import open_db
from storage.importing import import_plan, load_example, parse_csv
from storage.migration_steps import deadline_requests
from storage.migrations import upgrade
from tests.conftest import ADMIN, NOW, REGISTRY

LUC = "@luc:cpas.example"  # LM of the CPAS
LEA = "@lea:commune.example"  # LM of the commune
ANNE = "@anne:commune.example"
HEADER = "os,oo,action,title,indicators,pilots,deadline\n"
COMMUNE = HEADER + "".join(
    f"1,1.{oo},1.{oo}.{n},Action communale {oo}.{n},,LM,2024\n" for oo in (1, 2) for n in (1, 2)
)
ROOMS = {"!cpas:x": "cpas", "!commune:x": "commune"}


@pytest.fixture
def two_plans():
    db = open_db(":memory:")
    import_plan(db, load_example(), "cpas", title="PST du CPAS")
    import_plan(db, parse_csv(COMMUNE), "commune", title="PST de la commune")
    return db


@pytest.fixture
def directory():
    return Directory(
        admins={ADMIN},
        plan_links={"cpas": {"LM": {LUC}}, "commune": {"LM": {LEA}}},
    )


@pytest.fixture
def say(two_plans, directory):
    engine = Engine(two_plans, directory, REGISTRY, clock=lambda: NOW, room_plans=ROOMS)

    def send(sender: str, text: str, room: str):
        return engine.handle(Message(sender=sender, text=text, room=room))

    return send


def cpas_action_of_lm(db) -> str:
    return db.execute(
        "select min(a.code) from actions a join action_pilots p on p.action_number = a.number"
        " join plans pl on pl.id = a.plan_id where pl.code = 'cpas' and p.pilot = 'LM'"
    ).fetchone()[0]


def test_the_cpas_lm_cannot_write_the_communes_action_of_lm(say, two_plans):
    refused = say(LUC, "!maj 1.1.1 en cours", "!commune:x")
    assert refused.refused
    status = two_plans.execute(
        "select status from actions a join plans p on p.id = a.plan_id"
        " where p.code = 'commune' and a.code = '1.1.1'"
    ).fetchone()[0]
    assert status == "à démarrer"
    assert not say(LEA, "!maj 1.1.1 en cours", "!commune:x").refused


def test_each_lm_writes_their_own_plans_action(say, two_plans):
    code = cpas_action_of_lm(two_plans)
    assert not say(LUC, f"!maj {code} en cours", "!cpas:x").refused
    assert say(LEA, f"!maj {code} fait", "!cpas:x").refused


def test_my_actions_lists_the_rooms_plan_only_for_its_own_lm(say):
    assert "1.1.1" in say(LEA, "!mes-actions", "!commune:x").text
    elsewhere = say(LUC, "!mes-actions", "!commune:x")
    assert elsewhere.refused and "aucun pilote" in elsewhere.text


def test_a_link_made_in_the_communes_room_stays_in_the_commune(say, two_plans):
    reply = say(ADMIN, f"!pilote LM {ANNE}", "!commune:x")
    assert not reply.refused
    assert people.plan_links(two_plans) == [("commune", "LM", ANNE, True)]
    assert not say(ANNE, "!maj 1.1.2 en cours", "!commune:x").refused
    code = cpas_action_of_lm(two_plans)
    assert say(ANNE, f"!maj {code} en cours", "!cpas:x").refused
    assert ANNE in say(ADMIN, "!pilote LM", "!commune:x").text
    assert ANNE not in say(ADMIN, "!pilote LM", "!cpas:x").text


def test_the_directory_lists_each_plans_people(say):
    commune = say(ADMIN, "!pilotes", "!commune:x").text
    cpas = say(ADMIN, "!pilotes", "!cpas:x").text
    assert LEA in commune and LUC not in commune
    assert LUC in cpas and LEA not in cpas
    # The commune's plan names only LM: the CPAS's other pilots are not listed there.
    assert "SV" not in commune and "SV" in cpas


def test_reminders_name_only_the_actions_of_each_persons_own_plan(two_plans, directory):
    rhythm = Rhythm(digest_day=None, work_start=NOW.time().replace(hour=0), skip_weekends=False)
    now = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    sent = {o.recipient: o for o in reminders(two_plans, rhythm, directory, now)}
    assert "1.1.1" not in sent[LUC].text
    assert "1.1.1" in sent[LEA].text
    commune_codes = {"1.1.1", "1.1.2", "1.2.1", "1.2.2"}
    assert set(sent[LEA].actions) <= commune_codes
    assert not set(sent[LUC].actions) & commune_codes


def test_a_configuration_names_a_plans_own_pilots_in_a_table(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\ndatabase = "{tmp_path / "pst.db"}"\n'
        f'[pilots]\nSV = "@sylvie:x"\n[pilots.commune]\nLM = "{LEA}"\n[pilots.cpas]\n'
        f'LM = ["{LUC}"]\n',
        encoding="utf-8",
    )
    directory = load_config(path).directory()
    assert directory.for_plan("commune").people("LM") == {LEA}
    assert directory.for_plan("cpas").people("LM") == {LUC}
    # A plan without its own table has the shared pilots.
    assert directory.for_plan("autre").people("SV") == {"@sylvie:x"}
    assert directory.for_plan("commune").people("SV") == set()


def test_a_configuration_without_per_plan_pilots_keeps_working_for_one_plan():
    db = open_db(":memory:")
    import_plan(db, load_example())
    shared = Directory(admins={ADMIN}, links={"SV": {"@sylvie:x"}})
    engine = Engine(db, shared, REGISTRY, clock=lambda: NOW)
    reply = engine.handle(Message(sender="@sylvie:x", text="!maj 23 en cours", room="!r"))
    assert not reply.refused


def _tables_of_later_steps() -> list[str]:
    """The tables the steps after version 10 make (storage/migration_steps.py), read from the
    steps themselves so that a new step's tables are dropped too."""
    at_ten = Database(sqlite3.connect(":memory:"))
    upgrade(at_ten, to=10)
    current = open_db(":memory:")
    return sorted(set(current.table_names()) - set(at_ten.table_names()))


def test_an_old_database_keeps_its_links_on_the_plan_whose_actions_they_lead(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(":memory:")
    import_plan(db, load_example(), "cpas")
    import_plan(db, parse_csv(COMMUNE.replace(",LM,", ",JD,")), "commune")
    db.conn.backup(sqlite3.connect(path))
    old = sqlite3.connect(path)
    # Back to version 9: the links without a plan, as before.
    old.executescript(
        "drop table pilot_links;"
        "create table pilot_links (pilot text not null, chat_id text not null,"
        " linked integer not null default 1, primary key (pilot, chat_id));"
        f"insert into pilot_links values ('JD', '{ANNE}', 1), ('SV', '@sylvie:x', 0),"
        " ('XX', '@nobody:x', 1);"
        "pragma user_version = 9;"
    )
    # The tables of the later steps (11 on) go; version 8's deadline requests come back.
    for table in _tables_of_later_steps():
        old.execute(f"drop table if exists {table}")
    deadline_requests(Database(old))
    old.execute("alter table directory_audit drop column plan_id")
    old.commit()
    old.close()
    migrated = open_db(path)
    assert sorted(people.plan_links(migrated)) == [
        ("commune", "JD", ANNE, True),
        ("cpas", "SV", "@sylvie:x", False),
        ("cpas", "XX", "@nobody:x", True),  # a pilot nobody leads: on the first plan
    ]
    upgrade(migrated)  # again: nothing changes
    assert len(people.plan_links(migrated)) == 3
