"""Quiet times each person chose, and the admins' pause of every reminder.

    set_away(db, "@luc:x", date(2026, 12, 20), at=now)   # no reminder until then, inclusive
    set_reminders(db, "@luc:x", on=False, at=now)        # !rappels off
    set_paused(db, True, who="@dg:x", at=now)            # !rappels pause
    quiet_people(db, date(2026, 12, 1))                  # {"@luc:x"}

Call the setters inside the command's transaction: they write with plain SQL and never commit.
"""

from datetime import date, datetime

import sqlite_utils

#: The kv key holding who paused every reminder, and when (absent: not paused).
_PAUSED = "rhythm: reminders paused"


def _upsert(db: sqlite_utils.Database, chat_id: str, column: str, value, at: datetime) -> None:
    db.execute(
        f"insert into reminder_settings (chat_id, {column}, at) values (?, ?, ?)"
        f" on conflict(chat_id) do update set {column} = excluded.{column}, at = excluded.at",
        [chat_id, value, at.isoformat()],
    )


def set_away(db: sqlite_utils.Database, chat_id: str, until: date | None, at: datetime) -> None:
    """`chat_id` is away until `until` inclusive; None: back."""
    _upsert(db, chat_id, "away_until", until.isoformat() if until else None, at)


def away_until(db: sqlite_utils.Database, chat_id: str) -> date | None:
    row = db.execute(
        "select away_until from reminder_settings where chat_id = ?", [chat_id]
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def set_reminders(db: sqlite_utils.Database, chat_id: str, on: bool, at: datetime) -> None:
    _upsert(db, chat_id, "off", 0 if on else 1, at)


def reminders_on(db: sqlite_utils.Database, chat_id: str) -> bool:
    row = db.execute("select off from reminder_settings where chat_id = ?", [chat_id]).fetchone()
    return not (row and row[0])


def quiet_people(db: sqlite_utils.Database, today: date) -> set[str]:
    """The people who get no reminder on `today`: away (until today or later) or turned off."""
    rows = db.execute(
        "select chat_id from reminder_settings where off = 1 or away_until >= ?",
        [today.isoformat()],
    )
    return {chat_id for (chat_id,) in rows} | departed_people(db)


#: The kv keys of the people who left (commands/departures.py): "departed: <chat id>".
_DEPARTED = "departed: "


def set_departed(db: sqlite_utils.Database, chat_id: str, reason: str | None, at) -> bool:
    """`chat_id` left for `reason` (no reminder any more), or is back when `reason` is None;
    whether anything changed."""
    key = _DEPARTED + chat_id
    if reason is None:
        return db.execute("delete from kv where key = ?", [key]).rowcount > 0
    db.execute(
        "insert into kv (key, value) values (?, ?)"
        " on conflict(key) do update set value = excluded.value",
        [key, f"{reason} {at.isoformat()}"],
    )
    return True


def departed(db: sqlite_utils.Database, chat_id: str) -> bool:
    return (
        db.execute("select 1 from kv where key = ?", [_DEPARTED + chat_id]).fetchone() is not None
    )


def departed_people(db: sqlite_utils.Database) -> set[str]:
    rows = db.execute("select key from kv where key like 'departed: %'")
    return {key.removeprefix(_DEPARTED) for (key,) in rows}


def set_paused(db: sqlite_utils.Database, paused: bool, who: str, at: datetime) -> None:
    if paused:
        db.execute(
            "insert into kv (key, value) values (?, ?)"
            " on conflict(key) do update set value = excluded.value",
            [_PAUSED, f"{who} {at.isoformat()}"],
        )
    else:
        db.execute("delete from kv where key = ?", [_PAUSED])


def paused(db: sqlite_utils.Database) -> bool:
    """Whether an admin paused every reminder."""
    return db.execute("select 1 from kv where key = ?", [_PAUSED]).fetchone() is not None
