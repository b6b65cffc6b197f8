"""Several plans in one database: each room works on its plan, codes as printed, a closed plan
is read but never changed, a wrong-plan import is refused, an old database migrates."""

import sqlite3

import pytest
from sqlite_utils import Database

from commands.engine import Engine
from commands.types import Directory, Message
from storage import history, plans
from storage.actions import action_by_code, list_actions, search_actions
from storage.db import open_db
from storage.importing import ImportFormatError, WrongPlan, import_plan, load_example, parse_csv
from storage.migrations import CURRENT_VERSION, STEPS, schema_version
from storage.transactions import transaction
from tests.conftest import ADMIN, NOW, REGISTRY, SYLVIE, snapshot

HEADER = "os,oo,action,title,indicators,pilots,deadline\n"
COMMUNE = HEADER + "".join(
    f"1,1.{oo},1.{oo}.{n},Action communale {oo}.{n},,SV,2026\n"
    for oo in (1, 2)
    for n in (1, 2, 3, 9, 10)
)


@pytest.fixture
def two_plans():
    db = open_db(":memory:")
    import_plan(db, load_example(), "cpas", title="PST du CPAS 2019-2024")
    import_plan(db, parse_csv(COMMUNE), "commune", title="PST de la commune")
    return db


@pytest.fixture
def talk(two_plans):
    directory = Directory(admins={ADMIN}, links={"SV": {SYLVIE}})
    engine = Engine(
        two_plans,
        directory,
        REGISTRY,
        clock=lambda: NOW,
        room_plans={"!cpas:x": "cpas", "!commune:x": "commune"},
    )

    def say(sender: str, text: str, room: str = "!commune:x"):
        return engine.handle(Message(sender=sender, text=text, room=room))

    return say


def test_each_room_answers_from_its_own_plan(talk):
    assert talk(SYLVIE, "!action 1.1.2").text.startswith("Action 1.1.2 — Action communale 1.2")
    refused = talk(SYLVIE, "!action 1.1.2", room="!cpas:x")
    assert refused.refused and "L'action 1.1.2 n'existe pas : les actions vont de 1 à 127" in (
        refused.text
    )
    assert talk(SYLVIE, "!action 29", room="!cpas:x").text.startswith("Action 29 —")


def test_an_update_in_one_plan_leaves_the_other_untouched(talk, two_plans):
    reply = talk(SYLVIE, "!maj 1.1.3 fait")
    assert reply.text == "Action 1.1.3 : à démarrer → fait, 100 %."
    cpas = plans.plan_by_code(two_plans, "cpas")
    assert all(a.status == "à démarrer" for a in list_actions(two_plans, cpas.id))


def test_codes_sort_part_by_part_as_numbers(talk):
    lines = talk(SYLVIE, "!oo 1.1").text.splitlines()
    codes = [line.split()[1] for line in lines if line.startswith("• ")]
    assert codes == ["1.1.1", "1.1.2", "1.1.3", "1.1.9", "1.1.10"]


def test_a_room_without_a_plan_says_how_to_choose_and_an_admin_chooses(talk):
    reply = talk(SYLVIE, "!action 29", room="!autre:x")
    assert reply.refused and "plusieurs (commune, cpas)" in reply.text and "!plan" in reply.text
    assert talk(SYLVIE, "!plan cpas", room="!autre:x").refused
    assert talk(ADMIN, "!plan cpas", room="!autre:x").text == (
        "Ce salon travaille désormais sur le PST « cpas »."
    )
    assert talk(SYLVIE, "!action 29", room="!autre:x").text.startswith("Action 29 —")


def test_a_room_plan_set_in_chat_wins_over_the_configuration(talk):
    talk(ADMIN, "!plan cpas", room="!commune:x")
    assert talk(SYLVIE, "!action 29").text.startswith("Action 29 —")


def test_plans_lists_every_plan_with_its_counts_and_this_room(talk):
    text = talk(SYLVIE, "!plans").text
    assert "• cpas — PST du CPAS 2019-2024 : 6 OS, 25 OO, 127 actions" in text
    assert "• commune — PST de la commune : 1 OS, 2 OO, 10 actions ← ce salon" in text


def test_a_closed_plan_is_read_and_reported_but_never_changed(talk, two_plans):
    commune = plans.plan_by_code(two_plans, "commune")
    with transaction(two_plans):
        plans.set_state(two_plans, commune.id, plans.CLOSED)
    before = snapshot(two_plans)
    for text in ("!maj 1.1.1 fait", "!note 1.1.1 encore", "!echeance 1.1.1 2027"):
        reply = talk(ADMIN, text)
        assert reply.refused and "clôturé" in reply.text, text
    assert snapshot(two_plans) == before
    assert talk(ADMIN, "!action 1.1.1").text.startswith("Action 1.1.1")
    assert talk(ADMIN, "!export csv").attachments[0].filename.startswith("pst-commune-tableau")


def test_an_update_made_before_closing_cannot_be_undone_after(talk, two_plans):
    talk(SYLVIE, "!maj 1.1.1 fait")
    commune = plans.plan_by_code(two_plans, "commune")
    with transaction(two_plans):
        plans.set_state(two_plans, commune.id, plans.CLOSED)
    reply = talk(SYLVIE, "!annuler")
    assert reply.refused and "clôturé" in reply.text
    assert action_by_code(two_plans, commune.id, "1.1.1").status == "fait"


def test_another_plan_imported_into_a_plan_is_refused_and_changes_nothing(two_plans):
    before = snapshot(two_plans)
    other = HEADER + "".join(f"1,1.1,{n},Tout autre chose {n},,LM,2026\n" for n in range(1, 9))
    with pytest.raises(WrongPlan, match="autre PST que « cpas ».*--plan"):
        import_plan(two_plans, parse_csv(other), "cpas")
    assert snapshot(two_plans) == before


def test_a_revision_with_a_few_reworded_titles_goes_through_and_lists_them(two_plans):
    parsed = load_example()
    parsed.actions[0].title += " (révisé)"
    parsed.actions[5].title = parsed.actions[5].title.replace("e", "é", 1)
    report = import_plan(two_plans, parsed, "cpas")
    assert report.changed == 2
    assert any(line.startswith("action 1 : titre") for line in report.changes)
    assert "Modifications :" in report.summary()


def test_a_dry_run_says_what_would_change_and_writes_nothing(two_plans):
    before = snapshot(two_plans)
    parsed = parse_csv(COMMUNE + "1,1.3,1.3.1,Nouvelle,,SV,2027\n")
    report = import_plan(two_plans, parsed, "commune", dry_run=True)
    assert (report.created, report.operational) == (1, 3)
    assert "Aperçu seulement : rien n'a été enregistré." in report.summary()
    assert snapshot(two_plans) == before


def test_without_a_plan_code_a_database_of_several_plans_refuses_and_lists_them(two_plans):
    with pytest.raises(ImportFormatError, match="plusieurs PST \\(commune, cpas\\)"):
        import_plan(two_plans, load_example())


def test_an_empty_database_gets_the_default_plan_and_a_bad_code_is_refused():
    db = open_db(":memory:")
    assert import_plan(db, load_example()).plan == "pst"
    with pytest.raises(ImportFormatError, match="Code de PST « mon pst » invalide"):
        import_plan(db, load_example(), "Mon PST")


def test_a_database_of_one_plan_migrates_without_loss(tmp_path):
    path = tmp_path / "ancien.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA foreign_keys = ON")
    legacy = Database(old)
    for _, step in STEPS[:4]:
        step(legacy)
    old.execute("PRAGMA user_version = 4")
    old.execute("insert into strategic_objectives values (1, 'Un OS', 'interne')")
    old.execute("insert into operational_objectives values ('1.1', 1, 'Un OO', 0)")
    for number in (7, 12):
        old.execute(
            "insert into actions (number, oo_number, title, status)"
            " values (?, '1.1', ?, 'en cours')",
            [number, f"Action {number}"],
        )
        old.execute("insert into action_pilots values (?, 'SV', 0)", [number])
    old.execute(
        "insert into updates (action_number, at, who, kind, old_status, new_status)"
        " values (12, '2024-01-02T10:00:00+00:00', '@sylvie:x', 'status', 'à démarrer', 'en cours')"
    )
    old.close()
    db = open_db(path)
    assert schema_version(db) == CURRENT_VERSION
    [only] = plans.all_plans(db)
    assert only.code == "pst"
    action = action_by_code(db, only.id, "12")
    assert (action.title, action.status, action.pilots) == (
        "Action 12",
        "en cours",
        ("SV",),
    )
    assert [e["new_status"] for e in history.entries(db, action.number)] == ["en cours"]
    assert sorted(search_actions(db, only.id, ["action"])) == [7, 12]
