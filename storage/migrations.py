"""The database's schema, step by step: each step is named for what it brings, and `STEPS`
gives each its version (SQLite's `user_version`); the steps of version 8 onwards are in
storage/migration_steps.py. The current schema is the last step's version, `CURRENT_VERSION`.

    >>> upgrade(db)                 # what storage.db.open_db does on every opening
    >>> schema_version(db) == CURRENT_VERSION
    True

A step runs once, in its own transaction with the version it sets: a step that fails leaves the
database at the version before it. A new step is a new function (in storage/migration_steps.py)
appended to `STEPS`; a step already released is never changed (databases out there have run it).
"""

from collections.abc import Callable

import sqlite_utils

from storage.clock import now_utc
from storage.migration_steps import (
    campaigns,
    deadline_requests,
    evaluation_texts,
    held_posts,
    pending_imports,
    pilots_per_plan,
    plan_fields,
    reminder_events,
    requests_for_the_dg,
)
from storage.transactions import transaction


def plan_and_history(db: sqlite_utils.Database) -> None:
    """The plan, its pilots, the append-only history and the transport bookkeeping."""
    db["strategic_objectives"].create(
        {"number": int, "title": str, "volet": str}, pk="number", not_null={"title"}
    )
    db["operational_objectives"].create(
        {"number": str, "os_number": int, "title": str, "position": int},
        pk="number",
        foreign_keys=[("os_number", "strategic_objectives", "number")],
        not_null={"title", "os_number"},
    )
    db["actions"].create(
        {
            "number": int,
            "oo_number": str,
            "title": str,
            "indicators": str,
            "deadline": str,
            "start_date": str,
            "end_date": str,
            "status": str,
            "progress": int,
            "health": str,
            "indicator_value": str,
            "last_comment": str,
            "updated_at": str,
        },
        pk="number",
        foreign_keys=[("oo_number", "operational_objectives", "number")],
        not_null={"title", "status"},
        defaults={"status": "à démarrer", "indicators": "", "deadline": ""},
    )
    db["action_pilots"].create(
        {"action_number": int, "pilot": str, "position": int},
        pk=("action_number", "pilot"),
        foreign_keys=[("action_number", "actions", "number")],
    )
    db["action_pilots"].create_index(["pilot"])
    # Append-only: one row per change, never updated nor deleted.
    db["updates"].create(
        {
            "id": int,
            "action_number": int,
            "at": str,
            "who": str,
            "kind": str,
            "old_status": str,
            "new_status": str,
            "old_progress": int,
            "new_progress": int,
            "comment": str,
            "value": str,
            "source_id": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "at", "who", "kind"},
    )
    db["updates"].create_index(["action_number", "id"])
    db["updates"].create_index(["who", "id"])
    # Directory changes made in chat, audited like the history.
    db["pilot_links"].create(
        {"pilot": str, "chat_id": str}, pk=("pilot", "chat_id"), not_null={"pilot", "chat_id"}
    )
    db["directory_audit"].create(
        {"id": int, "at": str, "who": str, "change": str, "pilot": str, "chat_id": str}, pk="id"
    )
    # Exactly-once delivery: an event id is stored in the same transaction as its effect.
    db["handled_events"].create(
        {"event_id": str, "at": str, "reply": str, "delivered": int},
        pk="event_id",
        defaults={"delivered": 0},
    )
    db["kv"].create({"key": str, "value": str}, pk="key")


def title_search(db: sqlite_utils.Database) -> None:
    """Accent-insensitive full-text search over titles and indicators."""
    db["actions"].enable_fts(
        ["title", "indicators"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


def directory_and_roles_in_chat(db: sqlite_utils.Database) -> None:
    """Directory and roles changed in chat; the value a deadline change replaced."""
    # linked = 0 records that an admin removed a link the configuration makes.
    db.execute("alter table pilot_links add column linked integer not null default 1")
    db["roles"].create(
        {"chat_id": str, "role": str, "at": str, "who": str}, pk="chat_id", not_null={"role"}
    )
    db.execute("alter table directory_audit add column role text")
    db.execute("alter table updates add column old_value text")


def people_seen(db: sqlite_utils.Database) -> None:
    """The people the bot has seen write to it (a new admin must be one of them)."""
    db["people_seen"].create({"chat_id": str, "first_at": str}, pk="chat_id")


def several_plans(db: sqlite_utils.Database) -> None:
    """Several plans in one database. Objectives and actions belong to a plan; an action keeps
    its number as the database's key (history and pilots refer to it) and gains its code as
    printed ("29", "1.1.1"), unique within its plan. Rooms may be mapped to a plan in chat.

    SQLite cannot change a primary key in place: the plan tables are rebuilt and copied. The
    plan already there (if any) becomes plan "pst".
    """
    db.execute("PRAGMA defer_foreign_keys = ON")
    db.execute(
        "create table plans (id integer primary key, code text not null unique,"
        " title text not null, organisation text not null default '',"
        " period text not null default '', state text not null default 'active')"
    )
    db.execute(
        "create table room_plans (room text primary key,"
        " plan_id integer not null references plans(id), at text, who text)"
    )
    if db.execute("select count(*) from strategic_objectives").fetchone()[0]:
        db.execute("insert into plans (id, code, title) values (1, 'pst', 'PST')")
    db["actions"].disable_fts()
    old = ("updates", "action_pilots", "actions", "operational_objectives", "strategic_objectives")
    for table in old:
        db.execute(f"alter table {table} rename to old_{table}")
    db.execute(
        "create table strategic_objectives (id integer primary key,"
        " plan_id integer not null references plans(id), number integer not null,"
        " title text not null, volet text, unique (plan_id, number))"
    )
    db.execute(
        "create table operational_objectives (id integer primary key,"
        " plan_id integer not null references plans(id),"
        " os_id integer not null references strategic_objectives(id), number text not null,"
        " title text not null, position integer, unique (plan_id, number))"
    )
    db.execute(
        "create table actions (number integer primary key,"
        " plan_id integer not null references plans(id), code text not null,"
        " oo_id integer not null references operational_objectives(id), position integer,"
        " title text not null, indicators text default '', deadline text default '',"
        " start_date text, end_date text, status text not null default 'à démarrer',"
        " progress integer, health text, indicator_value text, last_comment text,"
        " updated_at text, unique (plan_id, code))"
    )
    db.execute(
        "create table action_pilots (action_number integer references actions(number),"
        " pilot text, position integer, primary key (action_number, pilot))"
    )
    db.execute(
        "create table updates (id integer primary key,"
        " action_number integer not null references actions(number), at text not null,"
        " who text not null, kind text not null, old_status text, new_status text,"
        " old_progress integer, new_progress integer, comment text, value text,"
        " source_id text, old_value text)"
    )
    db.execute(
        "insert into strategic_objectives (id, plan_id, number, title, volet)"
        " select number, 1, number, title, volet from old_strategic_objectives"
    )
    db.execute(
        "insert into operational_objectives (plan_id, os_id, number, title, position)"
        " select 1, os_number, number, title, position from old_operational_objectives"
    )
    db.execute(
        "insert into actions (number, plan_id, code, oo_id, position, title, indicators,"
        " deadline, start_date, end_date, status, progress, health, indicator_value,"
        " last_comment, updated_at)"
        " select a.number, 1, cast(a.number as text), o.id, a.number, a.title, a.indicators,"
        " a.deadline, a.start_date, a.end_date, a.status, a.progress, a.health,"
        " a.indicator_value, a.last_comment, a.updated_at"
        " from old_actions a join operational_objectives o on o.number = a.oo_number"
    )
    db.execute(
        "insert into action_pilots (action_number, pilot, position)"
        " select action_number, pilot, position from old_action_pilots"
    )
    columns = (
        "id, action_number, at, who, kind, old_status, new_status, old_progress,"
        " new_progress, comment, value, source_id, old_value"
    )
    db.execute(f"insert into updates ({columns}) select {columns} from old_updates")
    for table in old:
        db.execute(f"drop table old_{table}")
    db["action_pilots"].create_index(["pilot"])
    db["updates"].create_index(["action_number", "id"])
    db["updates"].create_index(["who", "id"])
    db["actions"].create_index(["oo_id"])
    title_search(db)  # again, over the rebuilt actions table


def several_transports(db: sqlite_utils.Database) -> None:
    """Several transports: where to reach a person proactively (a Teams chat), and the posts
    one transport's commands owe the others' CODIR rooms."""
    db["conversations"].create(
        {"person": str, "transport": str, "conversation_id": str, "service_url": str, "at": str},
        pk=("person", "transport"),
        not_null={"conversation_id"},
    )
    db["outbox"].create(
        {"id": int, "transport": str, "room": str, "text": str, "html": str, "at": str},
        pk="id",
        not_null={"transport", "room", "text"},
    )
    db["outbox"].create_index(["transport", "id"])


def plan_rhythm(db: sqlite_utils.Database) -> None:
    """The plan's rhythm: every scheduled send (recorded before it goes out, marked after), which
    action each reminder was about and why, and the people's quiet settings."""
    db["sends"].create(
        {
            "key": str,
            "kind": str,
            "recipient": str,
            "label": str,
            "text": str,
            "html": str,
            "mentions": str,
            "actions": str,
            "due_at": str,
            "recorded_at": str,
            "sent_at": str,
        },
        pk="key",
        not_null={"kind", "recipient", "text"},
    )
    db["sends"].create_index(["kind", "recipient", "due_at"])
    db["reminded"].create(
        {"id": int, "chat_id": str, "action_number": int, "reason": str, "at": str, "key": str},
        pk="id",
        not_null={"chat_id", "action_number", "reason", "at"},
    )
    db["reminded"].create_index(["chat_id", "action_number", "reason"])
    # One row per person who said something about their reminders (absent until, or off).
    db["reminder_settings"].create(
        {"chat_id": str, "away_until": str, "off": int, "at": str},
        pk="chat_id",
        defaults={"off": 0},
    )
    # Since when a plan is in the bot: an action with no news is "silent" counted from there,
    # not from the beginning of time (plans already there count from this upgrade).
    db.execute("alter table plans add column created_at text")
    db.execute("update plans set created_at = ?", [now_utc().isoformat()])


#: Each step with the version the database is at once it has run, in the order they run.
STEPS: list[tuple[int, Callable[[sqlite_utils.Database], None]]] = [
    (1, plan_and_history),
    (2, title_search),
    (3, directory_and_roles_in_chat),
    (4, people_seen),
    (5, several_plans),
    (6, several_transports),
    (7, plan_rhythm),
    (8, deadline_requests),
    (9, held_posts),
    (10, pilots_per_plan),
    (11, evaluation_texts),
    (12, pending_imports),
    (13, plan_fields),
    (14, requests_for_the_dg),
    (15, campaigns),
    (16, reminder_events),
]

#: The version a database is at once every step has run.
CURRENT_VERSION = STEPS[-1][0]


def schema_version(db: sqlite_utils.Database) -> int:
    """The version the database is at: 0 for a new one."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def upgrade(db: sqlite_utils.Database, to: int = CURRENT_VERSION) -> None:
    """Run the steps the database has not seen yet, up to version `to` (the current one unless
    a test wants an older database), each in its own transaction. A database at `to` or
    beyond is left as it is."""
    for version, step in STEPS:
        if version > to:
            break
        if schema_version(db) >= version:
            continue
        with transaction(db):
            step(db)
            db.execute(f"PRAGMA user_version = {version}")
