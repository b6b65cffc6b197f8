"""The transports' bookkeeping: events already handled (exactly-once replies) and a few values.

    >>> record_handled(db, "$event", {"text": "Action 23 : à démarrer → fait"})
    >>> handled_reply(db, "$event")
    {'reply': {'text': 'Action 23 : à démarrer → fait'}, 'delivered': False}
    >>> note_answered(db, "$read", None)        # a read: kept in memory, nothing written
    >>> handled_reply(db, "$read")
    {'reply': None, 'delivered': False}
    >>> set_value(db, "sync token", "s72594_4483_1934")
    >>> prune_handled(db, 30, now_utc())     # delivered events older than 30 days
    0

A command that writes stores its event id in the same transaction as its effect, so a message
seen twice is applied once, across restarts too; its reply is kept until the transport says it
was delivered. A command that does not write (a read, a refusal) writes nothing at all: its
event is remembered in memory (`note_answered`), and what is only worth keeping (which of those
events were delivered, who wrote to the bot) waits in memory as notes that go to the database
with the next write or the next upkeep (`prune_handled`), best effort. Lost in a crash, such a
note costs a read answered twice, never a change applied twice.
"""

import json
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlite_utils

from storage.clock import now_utc
from storage.transactions import transaction

#: Most events answered without writing that are remembered; the oldest are forgotten first.
RECENT_EVENTS = 4096
#: Most notes waiting for a write (a disk that stays full); the oldest are dropped first.
MAX_NOTES = 10_000


@dataclass
class _Notes:
    """What one database's bookkeeping knows without having written it."""

    #: Event id -> {"reply": dict | None, "delivered": bool, "at": iso time}, oldest first.
    events: OrderedDict = field(default_factory=OrderedDict)
    #: Delivered events (of `events`) whose mark is not written yet: event id -> handled at.
    delivered: dict[str, str] = field(default_factory=dict)
    #: People seen write, not written yet: chat id -> first seen at.
    seen: dict[str, str] = field(default_factory=dict)
    #: People known to be in people_seen (no need to ask the database again).
    known: set[str] = field(default_factory=set)


_NOTES: "weakref.WeakKeyDictionary[sqlite_utils.Database, _Notes]" = weakref.WeakKeyDictionary()


def _notes(db: sqlite_utils.Database) -> _Notes:
    notes = _NOTES.get(db)
    if notes is None:
        notes = _NOTES[db] = _Notes()
    return notes


def handled_reply(db: sqlite_utils.Database, event_id: str) -> dict | None:
    """The stored reply of an event already handled, with its `delivered` flag, or None."""
    notes = _notes(db)
    if event_id in notes.events:
        noted = notes.events[event_id]
        return {"reply": noted["reply"], "delivered": noted["delivered"]}
    if event_id in notes.delivered:
        return {"reply": None, "delivered": True}
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


def note_answered(db: sqlite_utils.Database, event_id: str, reply: dict | None) -> None:
    """Remember in memory an event answered without writing (a read: `reply` None, it runs
    again if replayed before delivery; a refusal: its reply). Writes nothing."""
    notes = _notes(db)
    notes.events[event_id] = {"reply": reply, "delivered": False, "at": now_utc().isoformat()}
    notes.events.move_to_end(event_id)
    while len(notes.events) > RECENT_EVENTS:
        notes.events.popitem(last=False)


def mark_delivered(db: sqlite_utils.Database, event_id: str) -> None:
    """The transport sent the reply of `event_id`. An event answered without writing is marked
    in memory (written later, with the notes); a written one in the database, with the notes."""
    notes = _notes(db)
    if event_id in notes.events:
        noted = notes.events[event_id]
        if not noted["delivered"]:
            noted["delivered"] = True
            notes.delivered[event_id] = noted["at"]
            _bound(notes.delivered)
        return
    with transaction(db):
        db.execute("update handled_events set delivered = 1 where event_id = ?", [event_id])
        written = write_notes(db)
    notes_written(db, written)


def note_seen(db: sqlite_utils.Database, chat_id: str, at: datetime) -> None:
    """Remember that `chat_id` wrote to the bot: in memory, written with the next write."""
    notes = _notes(db)
    if chat_id in notes.known or chat_id in notes.seen:
        return
    if db.execute("select 1 from people_seen where chat_id = ?", [chat_id]).fetchone():
        notes.known.add(chat_id)
        return
    notes.seen[chat_id] = at.isoformat()
    _bound(notes.seen)


def seen_unwritten(db: sqlite_utils.Database, chat_id: str) -> bool:
    """Whether `chat_id` was seen write and that is not in people_seen yet."""
    return chat_id in _notes(db).seen


def _bound(pending: dict) -> None:
    while len(pending) > MAX_NOTES:
        del pending[next(iter(pending))]


@dataclass(frozen=True)
class Written:
    """The notes one transaction wrote: forgotten once it has committed (`notes_written`)."""

    delivered: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()


def write_notes(db: sqlite_utils.Database) -> Written:
    """Write the waiting notes; call inside a transaction that writes anyway, then
    `notes_written` once it committed (rolled back, they are written next time)."""
    notes = _notes(db)
    if notes.delivered:
        db.conn.executemany(
            "insert into handled_events (event_id, at, reply, delivered) values (?, ?, null, 1)"
            " on conflict(event_id) do update set delivered = 1",
            list(notes.delivered.items()),
        )
    if notes.seen:
        db.conn.executemany(
            "insert or ignore into people_seen (chat_id, first_at) values (?, ?)",
            list(notes.seen.items()),
        )
    return Written(tuple(notes.delivered), tuple(notes.seen))


def notes_written(db: sqlite_utils.Database, written: Written) -> None:
    notes = _notes(db)
    for event_id in written.delivered:
        notes.delivered.pop(event_id, None)
    for chat_id in written.seen:
        notes.seen.pop(chat_id, None)
        notes.known.add(chat_id)


def prune_handled(db: sqlite_utils.Database, older_than_days: int, now: datetime) -> int:
    """Forget the delivered events handled more than `older_than_days` before `now`; how many.
    The notes waiting in memory are written in the same transaction.

    An undelivered reply is kept whatever its age: the transport still owes it.
    """
    cutoff = now.astimezone(UTC).replace(microsecond=0) - timedelta(days=older_than_days)
    with transaction(db):
        cursor = db.execute(
            "delete from handled_events where delivered = 1 and at < ?", [cutoff.isoformat()]
        )
        pruned = cursor.rowcount
        written = write_notes(db)
    notes_written(db, written)
    return pruned


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
