"""The pilot directory and roles changed in chat, stored and audited.

    >>> from datetime import UTC, datetime
    >>> now = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    >>> link_pilot(db, "AB", "@anne:x", who="@dg:x", at=now, plan_id=1)
    >>> stored_links(db)
    [('AB', '@anne:x', True)]
    >>> plan_links(db)          # (plan code, pilot, chat id, linked?)
    [('pst', 'AB', '@anne:x', True)]

A link belongs to a plan (the CPAS's LM is not the commune's); plan id 0 is a link shared by
the plans that have no pilots of their own (a database without a plan yet). The configuration
is the starting point; what is stored here wins over it. Removing a link the configuration
makes is stored too (linked = 0). Every change appends to `directory_audit`.
Call these inside the command's transaction: they write with plain SQL and never commit.
"""

from datetime import datetime

import sqlite_utils

from storage import bookkeeping

SHARED = 0


def stored_links(db: sqlite_utils.Database) -> list[tuple[str, str, bool]]:
    """(pilot, chat id, linked?) for every link changed in chat, whatever its plan."""
    return [(pilot, chat_id, linked) for _, pilot, chat_id, linked in plan_links(db)]


def plan_links(db: sqlite_utils.Database) -> list[tuple[str | None, str, str, bool]]:
    """(plan code, pilot, chat id, linked?) for every link changed in chat; the plan None
    for a shared link."""
    rows = db.execute(
        "select p.code, l.pilot, l.chat_id, l.linked from pilot_links l"
        " left join plans p on p.id = l.plan_id order by l.plan_id, l.pilot, l.chat_id"
    )
    return [(plan, pilot, chat_id, bool(linked)) for plan, pilot, chat_id, linked in rows]


def stored_roles(db: sqlite_utils.Database) -> dict[str, str]:
    """chat id -> role, for every role given in chat."""
    return dict(db.execute("select chat_id, role from roles order by chat_id").fetchall())


def has_been_seen(db: sqlite_utils.Database, chat_id: str) -> bool:
    """Whether `chat_id` has ever written to the bot."""
    if bookkeeping.seen_unwritten(db, chat_id):  # seen by a read, not written yet
        return True
    row = db.execute("select 1 from people_seen where chat_id = ?", [chat_id]).fetchone()
    return row is not None


def note_seen(db: sqlite_utils.Database, chat_id: str, at: datetime) -> None:
    """Remember that `chat_id` wrote to the bot; writes only the first time (a read stays a
    read afterwards)."""
    if not has_been_seen(db, chat_id):
        db.execute(
            "insert into people_seen (chat_id, first_at) values (?, ?)", [chat_id, at.isoformat()]
        )


def link_pilot(
    db: sqlite_utils.Database,
    pilot: str,
    chat_id: str,
    *,
    who: str,
    at: datetime,
    plan_id: int = SHARED,
):
    _set_link(db, plan_id, pilot, chat_id, True)
    _audit(db, who, at, "link", pilot=pilot, chat_id=chat_id, plan_id=plan_id)


def unlink_pilot(
    db: sqlite_utils.Database,
    pilot: str,
    chat_id: str,
    *,
    who: str,
    at: datetime,
    plan_id: int = SHARED,
):
    _set_link(db, plan_id, pilot, chat_id, False)
    _audit(db, who, at, "unlink", pilot=pilot, chat_id=chat_id, plan_id=plan_id)


def set_role(db: sqlite_utils.Database, chat_id: str, role: str, *, who: str, at: datetime):
    db.execute(
        "insert into roles (chat_id, role, at, who) values (?, ?, ?, ?) on conflict(chat_id)"
        " do update set role = excluded.role, at = excluded.at, who = excluded.who",
        [chat_id, role, at.isoformat(), who],
    )
    _audit(db, who, at, "role", chat_id=chat_id, role=role)


def clear_role(db: sqlite_utils.Database, chat_id: str, *, who: str, at: datetime):
    """Forget the role given in chat: the configuration decides again."""
    db.execute("delete from roles where chat_id = ?", [chat_id])
    _audit(db, who, at, "role-reset", chat_id=chat_id)


def _set_link(db, plan_id: int, pilot: str, chat_id: str, linked: bool) -> None:
    db.execute(
        "insert into pilot_links (plan_id, pilot, chat_id, linked) values (?, ?, ?, ?)"
        " on conflict(plan_id, pilot, chat_id) do update set linked = excluded.linked",
        [plan_id, pilot, chat_id, int(linked)],
    )


def _audit(
    db, who: str, at: datetime, change: str, *, pilot=None, chat_id=None, role=None, plan_id=None
):
    db.execute(
        "insert into directory_audit (at, who, change, pilot, chat_id, role, plan_id)"
        " values (?, ?, ?, ?, ?, ?, ?)",
        [at.isoformat(), who, change, pilot, chat_id, role, plan_id],
    )
