"""The database's schema, step by step: each step is named for what it brings, and `STEPS`
gives each its version (SQLite's `user_version`). The current schema is version 11.

    >>> upgrade(db)                 # what storage.db.open_db does on every opening
    >>> schema_version(db)
    11

A step runs once, in its own transaction with the version it sets: a step that fails leaves the
database at the version before it. A new step is a new function appended to `STEPS`; a step
already released is never changed (databases out there have run it).
"""

from collections.abc import Callable

import sqlite_utils

from storage.clock import now_utc
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


def deadline_requests(db: sqlite_utils.Database) -> None:
    """The deadline changes pilots ask for in chat ("95 on demande un report à 2027"), kept for
    the DG to grant or refuse (storage/requests.py)."""
    db["deadline_requests"].create(
        {
            "id": int,
            "action_number": int,
            "who": str,
            "at": str,
            "wanted": str,
            "reason": str,
            "source_id": str,
            "decided_at": str,
            "decision": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "who", "at"},
    )
    db["deadline_requests"].create_index(["action_number"])


def held_posts(db: sqlite_utils.Database) -> None:
    """CODIR posts held for the quarter hour's grouped post (storage/held_posts.py)."""
    db["held_posts"].create(
        {"id": int, "key": str, "room": str, "text": str, "html": str, "at": str},
        pk="id",
        not_null={"key", "room", "text", "at"},
    )
    db["held_posts"].create_index(["at"])


def pilots_per_plan(db: sqlite_utils.Database) -> None:
    """Pilots belong to a plan: a link changed in chat is kept on the plans whose actions that
    pilot leads (on the first plan when none does; shared, plan 0, when there is no plan)."""
    db["plan_pilot_links"].create(
        {"plan_id": int, "pilot": str, "chat_id": str, "linked": int},
        pk=("plan_id", "pilot", "chat_id"),
        not_null={"plan_id", "pilot", "chat_id", "linked"},
        defaults={"linked": 1},
    )
    first = db.execute("select min(id) from plans").fetchone()[0] or 0
    links = db.execute("select pilot, chat_id, linked from pilot_links").fetchall()
    for pilot, chat_id, linked in links:
        owners = db.execute(
            "select distinct a.plan_id from action_pilots p join actions a"
            " on a.number = p.action_number where p.pilot = ? order by a.plan_id",
            [pilot],
        ).fetchall()
        for (plan_id,) in owners or [(first,)]:
            db.execute(
                "insert into plan_pilot_links values (?, ?, ?, ?)",
                [plan_id, pilot, chat_id, linked],
            )
    db["pilot_links"].drop()
    db.execute("alter table plan_pilot_links rename to pilot_links")
    db.execute("alter table directory_audit add column plan_id integer")


def evaluation_texts(db: sqlite_utils.Database) -> None:
    """The CODIR's introduction and comments per OS for the evaluation, one per plan and key
    (storage/evaluation_texts.py)."""
    db["evaluation_texts"].create(
        {"plan_id": int, "key": str, "text": str, "who": str, "at": str},
        pk=("plan_id", "key"),
        not_null={"plan_id", "key", "text", "who", "at"},
    )


def pending_imports(db: sqlite_utils.Database) -> None:
    """A plan file an admin dropped in a room, waiting for « !importer confirmer » (30 minutes
    at most; deleted once applied, cancelled or expired: storage/pending_imports.py)."""
    db["pending_imports"].create(
        {
            "id": int,
            "room": str,
            "sender": str,
            "plan_id": int,
            "file_name": str,
            "data": bytes,
            "at": str,
        },
        pk="id",
        not_null={"room", "sender", "file_name", "data", "at"},
    )
    db["pending_imports"].create_index(["room", "sender"])


def plan_fields(db: sqlite_utils.Database) -> None:
    """What administrations keep per action beside its status (storage/plan_fields.py):
    indicators with a unit and a target and their dated values, budget lines per year, ODD
    tags, mandataires, the Collège's and Conseil's decisions, synergies with another plan.
    A value or a decision said in chat points to its history entry (`update_id`), so an undo
    takes it back; one imported has none."""
    db["indicators"].create(
        {
            "id": int,
            "action_number": int,
            "position": int,
            "name": str,
            "unit": str,
            "target": float,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "position", "name"},
    )
    db["indicators"].create_index(["action_number", "name"], unique=True)
    db["indicator_values"].create(
        {"id": int, "indicator_id": int, "value": float, "day": str, "who": str, "update_id": int},
        pk="id",
        foreign_keys=[("indicator_id", "indicators", "id"), ("update_id", "updates", "id")],
        not_null={"indicator_id", "value", "day"},
    )
    db["indicator_values"].create_index(["indicator_id", "day"])
    db["budget_lines"].create(
        {
            "id": int,
            "action_number": int,
            "year": int,
            "amount": float,
            "kind": str,
            "funding": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "year", "amount", "kind"},
    )
    db["budget_lines"].create_index(["action_number"])
    db["action_odd"].create(
        {"action_number": int, "odd": int},
        pk=("action_number", "odd"),
        foreign_keys=[("action_number", "actions", "number")],
    )
    db["action_mandataries"].create(
        {"action_number": int, "position": int, "name": str},
        pk=("action_number", "name"),
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"position"},
    )
    db["decisions"].create(
        {
            "id": int,
            "action_number": int,
            "body": str,
            "day": str,
            "point": str,
            "url": str,
            "who": str,
            "at": str,
            "update_id": int,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number"), ("update_id", "updates", "id")],
        not_null={"action_number", "body", "day"},
    )
    db["decisions"].create_index(["action_number"])
    db["synergies"].create(
        {
            "id": int,
            "action_number": int,
            "partner_plan": str,
            "partner_code": str,
            "who": str,
            "at": str,
            "update_id": int,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number"), ("update_id", "updates", "id")],
        not_null={"action_number", "partner_plan"},
    )
    db["synergies"].create_index(["action_number"])


def requests_for_the_dg(db: sqlite_utils.Database) -> None:
    """Every kind of request a pilot makes to the DG (storage/requests.py), not only a later
    deadline: « ce n'est pas moi », a new action in an OO, a suspension or an abandon; who
    decided and what they answered. The deadline requests already kept are the first rows."""
    db["requests"].create(
        {
            "id": int,
            "plan_id": int,
            "action_number": int,
            "oo_number": str,
            "kind": str,
            "who": str,
            "at": str,
            "wanted": str,
            "reason": str,
            "source_id": str,
            "decided_at": str,
            "decided_by": str,
            "decision": str,
            "answer": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"kind", "who", "at"},
    )
    db.execute(
        "insert into requests (id, plan_id, action_number, kind, who, at, wanted, reason,"
        " source_id, decided_at, decision)"
        " select r.id, a.plan_id, r.action_number, 'echeance', r.who, r.at, r.wanted, r.reason,"
        " r.source_id, r.decided_at, r.decision"
        " from deadline_requests r left join actions a on a.number = r.action_number"
    )
    db["deadline_requests"].drop()
    db["requests"].create_index(["decided_at", "plan_id"])


def campaigns(db: sqlite_utils.Database) -> None:
    """Reporting campaigns: a window in which every pilot of a scope gives word on their
    actions, and the situation at its close, kept (storage/campaigns.py)."""
    db["campaigns"].create(
        {
            "id": int,
            "plan_id": int,
            "os_number": int,
            "opens": str,
            "closes": str,
            "who": str,
            "at": str,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id")],
        not_null={"plan_id", "opens", "closes", "who", "at"},
    )
    db["campaign_snapshots"].create(
        {
            "campaign_id": int,
            "action_number": int,
            "status": str,
            "progress": int,
            "health": str,
            "last_comment": str,
            "answered": int,
            "taken_at": str,
        },
        pk=("campaign_id", "action_number"),
        foreign_keys=[("campaign_id", "campaigns", "id"), ("action_number", "actions", "number")],
    )


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
