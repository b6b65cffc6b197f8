"""Each schema step, run on a database at the version before it that holds a little of a real
plan: what was there is kept (or moved where the step says), and the version is the step's."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from storage import migrations
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.migrations import CURRENT_VERSION, STEPS, schema_version, upgrade

SYLVIE = "@sylvie:example.org"


def at_version(version: int) -> Database:
    """A new in-memory database brought to `version` by the steps themselves, with foreign
    keys enforced as open_db does."""
    db = Database(sqlite3.connect(":memory:", isolation_level=None))
    db.execute("PRAGMA foreign_keys = ON")
    upgrade(db, to=version)
    assert schema_version(db) == version
    return db


def rows(db: Database, sql: str, params=()) -> list[tuple]:
    return db.execute(sql, params).fetchall()


def one_plan_before_several_plans(db: Database) -> None:
    """Two actions of one objective, their pilot and one status change, as schema 1-4 held."""
    db.execute(
        "insert into strategic_objectives values (1, 'Être une commune solidaire', 'interne')"
    )
    db.execute("insert into operational_objectives values ('1.1', 1, 'Soutenir les aînés', 0)")
    for number, title in ((7, "Rénover l'école communale"), (12, "Ouvrir une épicerie sociale")):
        db.execute(
            "insert into actions (number, oo_number, title, status, deadline)"
            " values (?, '1.1', ?, 'en cours', '2024-06-30')",
            [number, title],
        )
        db.execute("insert into action_pilots values (?, 'SV', 0)", [number])
    db.execute(
        "insert into updates (action_number, at, who, kind, old_status, new_status)"
        " values (12, '2024-01-02T10:00:00+00:00', ?, 'status', 'à démarrer', 'en cours')",
        [SYLVIE],
    )


def one_plan_after_several_plans(db: Database) -> None:
    """One plan, one objective, one action and its pilot, as schema 5 and later hold them."""
    db.execute("insert into plans (id, code, title) values (1, 'pst', 'PST de Frameries')")
    db.execute(
        "insert into strategic_objectives (id, plan_id, number, title)"
        " values (1, 1, 1, 'Être une commune solidaire')"
    )
    db.execute(
        "insert into operational_objectives (id, plan_id, os_id, number, title)"
        " values (1, 1, 1, '1.1', 'Soutenir les aînés')"
    )
    db.execute(
        "insert into actions (number, plan_id, code, oo_id, title)"
        " values (29, 1, '1.1.1', 1, 'Ouvrir une épicerie sociale')"
    )
    db.execute("insert into action_pilots values (29, 'SV', 0)")


def test_the_steps_are_numbered_from_one_in_order():
    assert [version for version, _ in STEPS] == list(range(1, len(STEPS) + 1))
    assert len(STEPS) == CURRENT_VERSION


def test_a_new_database_ends_at_the_current_version():
    assert schema_version(open_db(":memory:")) == CURRENT_VERSION


def test_plan_and_history_step_creates_the_plan_tables_with_their_defaults():
    db = at_version(0)
    upgrade(db, to=1)
    assert schema_version(db) == 1
    db.execute("insert into strategic_objectives (number, title) values (1, 'Une commune')")
    db.execute("insert into operational_objectives values ('1.1', 1, 'Les aînés', 0)")
    db.execute("insert into actions (number, oo_number, title) values (7, '1.1', 'Rénover')")
    assert rows(db, "select status, indicators, deadline from actions") == [("à démarrer", "", "")]
    db.execute("insert into handled_events (event_id, at) values ('$ev1', '2024-01-02')")
    assert rows(db, "select delivered from handled_events") == [(0,)]


def test_title_search_step_finds_the_actions_already_there_without_their_accents():
    db = at_version(1)
    one_plan_before_several_plans(db)
    upgrade(db, to=2)
    assert schema_version(db) == 2
    found = "select rowid from actions_fts where actions_fts match ? order by rowid"
    assert rows(db, found, ["ecole"]) == [(7,)]
    assert rows(db, found, ["epicerie"]) == [(12,)]


def test_directory_and_roles_step_keeps_the_links_and_the_history_as_they_were():
    db = at_version(2)
    one_plan_before_several_plans(db)
    db.execute("insert into pilot_links values ('SV', ?)", [SYLVIE])
    db.execute(
        "insert into directory_audit (at, who, change, pilot, chat_id)"
        " values ('2024-01-03T09:00:00+00:00', '@admin:example.org', 'link', 'SV', ?)",
        [SYLVIE],
    )
    upgrade(db, to=3)
    assert schema_version(db) == 3
    assert rows(db, "select pilot, chat_id, linked from pilot_links") == [("SV", SYLVIE, 1)]
    assert rows(db, "select change, role from directory_audit") == [("link", None)]
    assert rows(db, "select action_number, new_status, old_value from updates") == [
        (12, "en cours", None)
    ]
    db.execute("insert into roles (chat_id, role) values (?, 'admin')", [SYLVIE])
    assert rows(db, "select role from roles") == [("admin",)]


def test_people_seen_step_starts_an_empty_list_and_keeps_the_plan():
    db = at_version(3)
    one_plan_before_several_plans(db)
    upgrade(db, to=4)
    assert schema_version(db) == 4
    assert db["people_seen"].count == 0
    assert rows(db, "select number from actions order by number") == [(7,), (12,)]


def test_several_plans_step_puts_existing_actions_in_one_plan():
    db = at_version(4)
    one_plan_before_several_plans(db)
    upgrade(db, to=5)
    assert schema_version(db) == 5
    assert rows(db, "select id, code, title, state from plans") == [(1, "pst", "PST", "active")]
    assert rows(db, "select id, plan_id, number, title from strategic_objectives") == [
        (1, 1, 1, "Être une commune solidaire")
    ]
    [(oo_id,)] = rows(db, "select id from operational_objectives where number = '1.1'")
    assert rows(
        db, "select number, plan_id, code, oo_id, title, status, deadline from actions"
    ) == [
        (7, 1, "7", oo_id, "Rénover l'école communale", "en cours", "2024-06-30"),
        (12, 1, "12", oo_id, "Ouvrir une épicerie sociale", "en cours", "2024-06-30"),
    ]
    assert rows(db, "select action_number, pilot from action_pilots order by 1") == [
        (7, "SV"),
        (12, "SV"),
    ]
    assert rows(db, "select action_number, who, new_status from updates") == [
        (12, SYLVIE, "en cours")
    ]
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert not [name for (name,) in rows(db, "select name from sqlite_master") if "old_" in name]


def test_several_plans_step_searches_the_rebuilt_actions_table():
    db = at_version(4)
    one_plan_before_several_plans(db)
    upgrade(db, to=5)
    db.execute(
        "insert into actions (number, plan_id, code, oo_id, title) values (30, 1, '30', 1, ?)",
        ["Créer un conseil des aînés"],
    )
    found = "select rowid from actions_fts where actions_fts match ? order by rowid"
    assert rows(db, found, ["ecole"]) == [(7,)]
    assert rows(db, found, ["aines"]) == [(30,)]


def test_several_plans_step_makes_no_plan_in_an_empty_database():
    db = at_version(4)
    upgrade(db, to=5)
    assert schema_version(db) == 5
    assert db["plans"].count == 0


def test_several_transports_step_starts_empty_conversations_and_outbox_and_keeps_the_plan():
    db = at_version(5)
    one_plan_after_several_plans(db)
    upgrade(db, to=6)
    assert schema_version(db) == 6
    assert (db["conversations"].count, db["outbox"].count) == (0, 0)
    assert rows(db, "select number, code, title from actions") == [
        (29, "1.1.1", "Ouvrir une épicerie sociale")
    ]
    db.execute(
        "insert into outbox (transport, room, text) values ('matrix', '!codir:example.org', ?)",
        ["Sylvie a mis à jour l'action 1.1.1"],
    )
    assert rows(db, "select id, transport from outbox") == [(1, "matrix")]


def test_plan_rhythm_step_counts_the_plans_already_there_from_the_upgrade():
    db = at_version(6)
    one_plan_after_several_plans(db)
    upgrade(db, to=7)
    assert schema_version(db) == 7
    [(created_at,)] = rows(db, "select created_at from plans")
    assert abs(datetime.fromisoformat(created_at) - datetime.now(UTC)) < timedelta(minutes=1)
    assert (db["sends"].count, db["reminded"].count, db["reminder_settings"].count) == (0, 0, 0)
    db.execute(
        "insert into reminder_settings (chat_id, away_until) values (?, '2024-08-31')", [SYLVIE]
    )
    assert rows(db, "select off from reminder_settings") == [(0,)]
    assert rows(db, "select pilot from action_pilots where action_number = 29") == [("SV",)]


def test_upgrading_a_database_already_current_changes_nothing():
    db = open_db(":memory:")
    import_plan(db, load_example())
    schema = rows(db, "select type, name, sql from sqlite_master order by name")
    actions = rows(db, "select * from actions order by number")
    plans = rows(db, "select * from plans")
    upgrade(db)
    upgrade(db)
    assert schema_version(db) == CURRENT_VERSION
    assert rows(db, "select type, name, sql from sqlite_master order by name") == schema
    assert rows(db, "select * from actions order by number") == actions
    assert rows(db, "select * from plans") == plans


def test_opening_a_database_file_twice_keeps_it_at_the_current_version_with_its_plan(tmp_path):
    path = tmp_path / "pst.db"
    db = open_db(path)
    import_plan(db, load_example())
    db.close()
    reopened = open_db(path)
    assert schema_version(reopened) == CURRENT_VERSION
    assert reopened["actions"].count == 127
    reopened.close()


def test_a_failing_step_leaves_the_database_at_the_version_before_it(monkeypatch):
    db = at_version(6)
    one_plan_after_several_plans(db)

    def broken(db: Database) -> None:
        db.execute("create table half_done (id integer)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(migrations, "STEPS", [*STEPS[:6], (7, broken)])
    with pytest.raises(sqlite3.OperationalError):
        upgrade(db, to=7)
    assert schema_version(db) == 6
    assert not db["half_done"].exists()
    assert rows(db, "select code from plans") == [("pst",)]


def test_deadline_requests_step_starts_an_empty_table_and_keeps_the_plan():
    db = at_version(7)
    one_plan_after_several_plans(db)
    upgrade(db, to=8)
    assert schema_version(db) == 8
    assert db["deadline_requests"].count == 0
    db.execute(
        "insert into deadline_requests (action_number, who, at, wanted)"
        " values (29, ?, '2025-03-14T09:30:00+00:00', '2027')",
        [SYLVIE],
    )
    assert rows(db, "select action_number, wanted, decided_at from deadline_requests") == [
        (29, "2027", None)
    ]
    assert rows(db, "select pilot from action_pilots where action_number = 29") == [("SV",)]


def test_held_posts_step_starts_an_empty_table_and_keeps_the_plan():
    db = at_version(8)
    one_plan_after_several_plans(db)
    upgrade(db, to=9)
    assert schema_version(db) == 9
    assert db["held_posts"].count == 0
    assert rows(db, "select pilot from action_pilots where action_number = 29") == [("SV",)]


def test_requests_step_keeps_the_deadline_requests_as_the_first_requests():
    db = at_version(13)
    one_plan_after_several_plans(db)
    db.execute(
        "insert into deadline_requests (action_number, who, at, wanted, reason)"
        " values (29, ?, '2025-03-14T09:30:00+00:00', '2027', 'marché relancé')",
        [SYLVIE],
    )
    upgrade(db, to=14)
    assert schema_version(db) == 14
    assert not db["deadline_requests"].exists()
    assert rows(
        db, "select id, plan_id, action_number, kind, who, wanted, reason, decided_at from requests"
    ) == [(1, 1, 29, "echeance", SYLVIE, "2027", "marché relancé", None)]


def test_reminder_events_step_starts_empty_tables_and_keeps_the_sends():
    db = at_version(15)
    one_plan_after_several_plans(db)
    db.execute(
        "insert into sends (key, kind, recipient, label, text, actions)"
        " values ('reminder:@sylvie:example.org:2025-03-14', 'reminder', ?, 'SV', 'Bonjour',"
        " '[\"1.1.1\"]')",
        [SYLVIE],
    )
    upgrade(db, to=16)
    assert schema_version(db) == 16
    assert (db["sent_events"].count, db["reminder_taps"].count) == (0, 0)
    db.execute(
        "insert into sent_events (event_id, send_key, room)"
        " values ('$reminder', 'reminder:@sylvie:example.org:2025-03-14', '!direct')"
    )
    assert rows(
        db,
        "select e.event_id, s.recipient, s.actions from sent_events e"
        " join sends s on s.key = e.send_key",
    ) == [("$reminder", SYLVIE, '["1.1.1"]')]
    with pytest.raises(sqlite3.IntegrityError):  # only the event of a recorded send
        db.execute("insert into sent_events (event_id, send_key) values ('$other', 'unknown')")
    assert rows(db, "select pilot from action_pilots where action_number = 29") == [("SV",)]
