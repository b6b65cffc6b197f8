"""Every message the bot sends on its own (the CODIR digest, the pilots' reminders): recorded
before it goes out, marked once it went, so a restart never sends twice.

    if record(db, outgoing):           # False: already recorded (by a previous run)
        send(outgoing)
        mark_sent(db, outgoing.key)
    for row in unsent(db): ...         # recorded, not marked: the bot died before sending
    last_sent(db, "digest")            # datetime (UTC) or None

A reminder also records which actions it was about and why ("before-30:2026-12-31",
"overdue", "silent"), per person, so a threshold is reminded once and a cadence is kept
(`reminders_of`).

Once a direct message went out, the chat event it became is kept, and a reaction on a reminder
that the bot applied, so that a tap on it, or taking the tap back, is understood even after a
restart:

    remember_event(db, "reminder:@luc:x:2026-11-24", "$ev", "!direct:x")
    reminder_of_event(db, "$ev")           # SentReminder(recipient, actions, …) or None
    remember_tap(db, "$reaction", "$ev", "@luc:x", at)
    tap_of(db, "$reaction")                # {"reminder_event_id", "sender", "at"} or None
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from storage.clock import now_utc
from storage.transactions import transaction


def record(db: sqlite_utils.Database, outgoing) -> bool:
    """Record `outgoing` (a commands.schedule.Outgoing) before sending it, in its own
    transaction; True when it is new, False when its key was already recorded."""
    due_at = getattr(outgoing, "at", None) or now_utc()
    with transaction(db):
        cursor = db.execute(
            "insert or ignore into sends (key, kind, recipient, label, text, html, mentions,"
            " actions, due_at, recorded_at) values (?,?,?,?,?,?,?,?,?,?)",
            [
                outgoing.key,
                outgoing.kind,
                outgoing.recipient,
                outgoing.label,
                outgoing.text,
                outgoing.html,
                json.dumps(list(outgoing.mentions)),
                json.dumps(list(outgoing.actions)),
                _utc(due_at),
                now_utc().isoformat(),
            ],
        )
        if cursor.rowcount == 0:
            return False
        for number, reason in getattr(outgoing, "reminded", ()):
            db.execute(
                "insert into reminded (chat_id, action_number, reason, at, key) values (?,?,?,?,?)",
                [outgoing.recipient, number, reason, _utc(due_at), outgoing.key],
            )
    return True


def mark_sent(db: sqlite_utils.Database, key: str, at: datetime | None = None) -> None:
    """The send recorded under `key` went out (at `at`, now by default)."""
    with transaction(db):
        db.execute(
            "update sends set sent_at = ? where key = ? and sent_at is null",
            [_utc(at or now_utc()), key],
        )


def unsent(db: sqlite_utils.Database) -> list[dict]:
    """The sends recorded but not marked sent, oldest first."""
    rows = db.query(
        "select key, kind, recipient, label, text, html, mentions, actions, due_at from sends"
        " where sent_at is null order by recorded_at, rowid"
    )
    return [
        {**row, "mentions": json.loads(row["mentions"]), "actions": json.loads(row["actions"])}
        for row in rows
    ]


def last_sent(
    db: sqlite_utils.Database, kind: str, recipient: str | None = None
) -> datetime | None:
    """When the latest send of this kind (to `recipient`, if given) went out, or None."""
    return _latest(db, "sent_at", kind, recipient)


def last_due(db: sqlite_utils.Database, kind: str, recipient: str | None = None) -> datetime | None:
    """The moment the latest recorded send of this kind was composed for (sent or not): what
    the next digest counts changes from."""
    return _latest(db, "due_at", kind, recipient)


def _latest(db, column: str, kind: str, recipient: str | None) -> datetime | None:
    sql = f"select max({column}) from sends where kind = ? and {column} is not null"
    params = [kind]
    if recipient is not None:
        sql += " and recipient = ?"
        params.append(recipient)
    return _moment(db.execute(sql, params).fetchone()[0])


def recipients_since(
    db: sqlite_utils.Database, kinds: tuple[str, ...], since: datetime
) -> set[str]:
    """Who has a send of one of `kinds` due at or after `since` (sent or not)."""
    marks = ",".join("?" * len(kinds))
    rows = db.execute(
        f"select distinct recipient from sends where kind in ({marks}) and due_at >= ?",
        [*kinds, _utc(since)],
    )
    return {row[0] for row in rows}


def recorded(db: sqlite_utils.Database, keys: list[str]) -> set[str]:
    """Which of `keys` are already recorded."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(f"select key from sends where key in ({marks})", chunk)
        found |= {key for (key,) in rows}
    return found


def reminders_of(db: sqlite_utils.Database, chat_id: str) -> dict[tuple[int, str], datetime]:
    """(action number, reason) -> when `chat_id` was last reminded of it for that reason."""
    rows = db.execute(
        "select action_number, reason, max(at) from reminded where chat_id = ?"
        " group by action_number, reason",
        [chat_id],
    )
    return {(number, reason): _moment(at) for number, reason, at in rows}


def reminder_times(db: sqlite_utils.Database, chat_id: str) -> list[datetime]:
    """When `chat_id` was sent a reminder (recorded), oldest first."""
    rows = db.execute(
        "select due_at from sends where kind = 'reminder' and recipient = ? order by due_at",
        [chat_id],
    )
    return [_moment(at) for (at,) in rows]


@dataclass(frozen=True)
class SentReminder:
    """A reminder as it went out: to whom, about which actions (codes, in the order of its
    lines), under which key, in which room."""

    key: str
    recipient: str
    actions: tuple[str, ...]
    room: str | None = None


def remember_event(db: sqlite_utils.Database, key: str, event_id: str, room: str) -> None:
    """The send recorded under `key` became the chat event `event_id` in `room` (a resend after
    a crash gives the same event again)."""
    with transaction(db):
        db.execute(
            "insert or replace into sent_events (event_id, send_key, room) values (?,?,?)",
            [event_id, key, room],
        )


def reminder_of_event(db: sqlite_utils.Database, event_id: str) -> SentReminder | None:
    """The reminder that became the chat event `event_id`, or None (another message, or an
    event the bot did not send)."""
    row = db.execute(
        "select s.key, s.recipient, s.actions, e.room from sent_events e"
        " join sends s on s.key = e.send_key where e.event_id = ? and s.kind = 'reminder'",
        [event_id],
    ).fetchone()
    if row is None:
        return None
    key, recipient, actions, room = row
    return SentReminder(key, recipient, tuple(json.loads(actions or "[]")), room)


def remember_tap(
    db: sqlite_utils.Database, event_id: str, reminder_event_id: str, sender: str, at: datetime
) -> None:
    """`sender`'s reaction `event_id` on the reminder `reminder_event_id` stands for a command
    (kept once: a replayed reaction changes nothing)."""
    with transaction(db):
        db.execute(
            "insert or ignore into reminder_taps (event_id, reminder_event_id, sender, at)"
            " values (?,?,?,?)",
            [event_id, reminder_event_id, sender, _utc(at)],
        )


def tap_of(db: sqlite_utils.Database, event_id: str) -> dict | None:
    """The reaction on a reminder kept under `event_id`, or None."""
    rows = list(
        db.query(
            "select reminder_event_id, sender, at from reminder_taps where event_id = ?",
            [event_id],
        )
    )
    return rows[0] if rows else None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
