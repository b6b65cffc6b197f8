"""The transports' bookkeeping: events already handled (exactly-once replies) and a few values.

    >>> record_handled(db, "$event", {"text": "Action 23 : à démarrer → fait"})
    >>> handled_reply(db, "$event")
    {'reply': {'text': 'Action 23 : à démarrer → fait'}, 'delivered': False}
    >>> set_value(db, "sync token", "s72594_4483_1934")
    >>> prune_handled(db, 30, now_utc())     # delivered events older than 30 days
    0

An event id is stored in the same transaction as the effect of its command, so a message seen
twice is applied once; its reply is kept until the transport says it was delivered.
"""

import json
from datetime import UTC, datetime, timedelta

import sqlite_utils

from storage.db import transaction
from storage.vocabulary import now_utc


def handled_reply(db: sqlite_utils.Database, event_id: str) -> dict | None:
    """The stored reply of an event already handled, with its `delivered` flag, or None."""
    row = db.execute(
        "select reply, delivered from handled_events where event_id = ?", [event_id]
    ).fetchone()
    if row is None:
        return None
    return {"reply": json.loads(row[0]) if row[0] else None, "delivered": bool(row[1])}


def record_handled(db: sqlite_utils.Database, event_id: str, reply: dict | None) -> None:
    """Remember an event as handled; call inside the transaction that applied its effect."""
    db.execute(
        "insert or ignore into handled_events (event_id, at, reply, delivered) values (?,?,?,0)",
        [event_id, now_utc().isoformat(), json.dumps(reply) if reply is not None else None],
    )


def mark_delivered(db: sqlite_utils.Database, event_id: str) -> None:
    with transaction(db):
        db.execute("update handled_events set delivered = 1 where event_id = ?", [event_id])


def prune_handled(db: sqlite_utils.Database, older_than_days: int, now: datetime) -> int:
    """Forget the delivered events handled more than `older_than_days` before `now`; how many.

    An undelivered reply is kept whatever its age: the transport still owes it.
    """
    cutoff = now.astimezone(UTC).replace(microsecond=0) - timedelta(days=older_than_days)
    with transaction(db):
        cursor = db.execute(
            "delete from handled_events where delivered = 1 and at < ?", [cutoff.isoformat()]
        )
    return cursor.rowcount


def get_value(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("select value from kv where key = ?", [key]).fetchone()
    return row[0] if row else None


def set_value(db: sqlite_utils.Database, key: str, value: str) -> None:
    with transaction(db):
        db.execute(
            "insert into kv (key, value) values (?, ?)"
            " on conflict(key) do update set value = excluded.value",
            [key, value],
        )
