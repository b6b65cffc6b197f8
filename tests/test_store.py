"""The SQLite store: import into the database, re-import, history, exactly-once bookkeeping."""

import pytest

from commands.types import Message, Reply
from storage import history, plans
from storage.actions import action_by_code, code_range, get_action
from storage.db import open_db
from storage.importing import (
    EXAMPLE_PATH,
    ImportFormatError,
    import_plan,
    load_example,
    parse_csv,
    parse_recap,
)
from storage.migrations import schema_version
from tests.conftest import SYLVIE, snapshot

HEADER = "os,oo,action,title,indicators,pilots,deadline,status,progress,comment\n"


def count(db, table: str) -> int:
    return db.execute(f"select count(*) from {table}").fetchone()[0]


def test_import_of_example_stores_6_os_25_oo_127_actions(db):
    assert (count(db, "strategic_objectives"), count(db, "operational_objectives")) == (6, 25)
    assert count(db, "actions") == 127
    assert code_range(db, plans.only_plan(db).id) == ("1", "127")


def test_database_file_uses_wal_foreign_keys_and_a_schema_version(tmp_path):
    db = open_db(tmp_path / "pst.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert schema_version(db) >= 2
    reopened = open_db(tmp_path / "pst.db")
    assert schema_version(reopened) == schema_version(db)


def test_reimporting_the_same_plan_changes_nothing(db):
    history.record_update(db, 23, SYLVIE, new_status="fait", comment="validé")
    before = snapshot(db)
    report = import_plan(db, load_example())
    assert (report.created, report.changed, report.statuses_applied) == (0, 0, 0)
    assert snapshot(db) == before


def test_reimporting_a_corrected_plan_keeps_statuses_and_history(db):
    history.record_update(db, 23, SYLVIE, new_status="en cours", progress=30)
    text = load_example_text().replace(
        "Etablissement du tronc commun général", "Établissement du tronc commun général"
    )
    report = import_plan(db, parse_recap(text))
    assert report.changed == 1
    action = get_action(db, 23)
    assert action.title.startswith("Établissement")
    assert (action.status, action.progress) == ("en cours", 30)
    assert len(history.entries(db, 23)) == 1


def test_reimport_without_an_action_keeps_it_and_says_so(db):
    text = "\n".join(
        line for line in load_example_text().splitlines() if "Action 127\t" not in line
    )
    report = import_plan(db, parse_recap(text))
    assert report.kept_missing == ["127"]
    assert get_action(db, 127) is not None
    assert "conservées : 127" in report.summary()


def test_csv_statuses_are_applied_as_history_once(db):
    csv_text = HEADER + "1,1.1,1,Acquisition,Fait/pas fait,LM,2020,Réalisé,,acte signé\n"
    first = import_plan(db, parse_csv(csv_text))
    assert first.statuses_applied == 1
    [entry] = history.entries(db, 1)
    assert (entry["kind"], entry["new_status"], entry["comment"]) == (
        "import",
        "fait",
        "acte signé",
    )
    again = import_plan(db, parse_csv(csv_text))
    assert again.statuses_applied == 0
    assert len(history.entries(db, 1)) == 1


def test_import_keeps_a_free_text_status_as_the_comment_and_says_so():
    db = open_db(":memory:")
    csv_text = HEADER + "1,1.1,1,A,,LM,2020,,,\n1,1.1,2,B,,LM,2020,Formation reçue le 02/12/15,,\n"
    report = import_plan(db, parse_csv(csv_text))
    action = action_by_code(db, plans.only_plan(db).id, "2")
    assert (action.status, action.last_comment) == (
        "à démarrer",
        "Formation reçue le 02/12/15",
    )
    assert any("Formation reçue le 02/12/15" in w and "commentaire" in w for w in report.warnings)


def test_import_reads_a_status_followed_by_words_as_status_and_comment():
    db = open_db(":memory:")
    csv_text = HEADER + "1,1.1,1,A,,LM,2020,Terminé le 03/05/2021,,\n"
    import_plan(db, parse_csv(csv_text))
    action = action_by_code(db, plans.only_plan(db).id, "1")
    assert (action.status, action.last_comment) == ("fait", "le 03/05/2021")


def test_malformed_recap_is_refused_before_anything_is_written(db):
    before = snapshot(db)
    broken = load_example_text().replace("Action 40\t", "Acton 40\t")
    with pytest.raises(ImportFormatError, match="Ligne"):
        import_plan(db, parse_recap(broken))
    assert snapshot(db) == before


def test_unparseable_deadline_is_kept_raw_and_reported():
    db = open_db(":memory:")
    csv_text = HEADER + "1,1.1,1,A,,LM,quand ce sera possible,,,\n"
    report = import_plan(db, parse_csv(csv_text))
    action = get_action(db, 1)
    assert (action.deadline, action.end) == ("quand ce sera possible", None)
    assert "quand ce sera possible" in report.summary()


def test_import_report_lists_unparsed_deadlines_but_imports():
    db = open_db(":memory:")
    report = import_plan(db, parse_csv(HEADER + "1,1.1,7,A,,LM,continu,,,\n"))
    assert report.actions == 1 and report.unparsed_deadlines == [("7", "continu")]


def test_handled_event_replays_stored_reply_until_delivered(engine, db):
    message = Message(sender=SYLVIE, text="!maj 23 fait", event_id="$once")
    first = engine.handle(message)
    again = engine.handle(message)
    assert isinstance(again, Reply) and again.text == first.text
    assert len(again.posts) == 1
    assert len(history.entries(db, 23)) == 1
    engine.delivered("$once")
    assert engine.handle(message) is None
    assert len(history.entries(db, 23)) == 1


def test_refused_event_is_answered_once(engine):
    message = Message(sender=SYLVIE, text="!maj 47 fait", event_id="$no")
    assert engine.handle(message).refused
    engine.delivered("$no")
    assert engine.handle(message) is None


def load_example_text() -> str:
    return EXAMPLE_PATH.read_text(encoding="utf-8")
