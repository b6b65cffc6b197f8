"""The append-only history of the actions: the only module that writes the `updates` table.

    >>> from datetime import UTC, datetime
    >>> now = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    >>> record_update(db, 52, "LM", new_status="fait", at=now)["old_status"]
    'à démarrer'
    >>> record_deadline(db, 52, "@dg:x", deadline="2025-06", at=now)["old_value"]
    '2020 pour entrant - 2022 pour sortant'
    >>> [e["kind"] for e in last_undoable(db, "@dg:x")]
    ['deadline']
    >>> undo = record_undo(db, last_undoable(db, "@dg:x"), "@dg:x", at=now, comments={})
    >>> [e["kind"] for e in entries(db, 52)]
    ['status', 'deadline', 'undo']
    >>> db.execute("select status, deadline from actions where number = 52").fetchone()
    ('fait', '2020 pour entrant - 2022 pour sortant')

Every change to an action appends its entry in the same transaction, so the current status is
always the last status of the history. Nothing is ever deleted: an undo is a new entry of kind
"undo" whose `value` is the id of the entry it cancels. An entry can be undone only while every
later entry of its action is itself undone or an undo, so an undo never overwrites somebody
else's newer change. What the rhythm reads of it (last news, status changes) is in
storage/history_rhythm.py.
"""

from datetime import datetime

import sqlite_utils

from storage.clock import now_utc
from storage.deadlines import parse_deadline
from storage.transactions import transaction
from storage.vocabulary import (
    DEADLINE,
    DONE,
    HEALTH,
    INDICATOR,
    NOT_STARTED,
    STATUS_CHANGE,
    UNDO,
    UNDOABLE,
)

# ---------------------------------------------------------------- reading


def entries(db: sqlite_utils.Database, number: int) -> list[dict]:
    """Every history entry of an action, oldest first."""
    return list(db.query("select * from updates where action_number = ? order by id", [number]))


def last_entries(db: sqlite_utils.Database, number: int, limit: int = 3) -> list[dict]:
    """The latest history entries of an action, newest first."""
    sql = "select * from updates where action_number = ? order by id desc limit ?"
    return list(db.query(sql, [number, limit]))


def changes_by(db: sqlite_utils.Database, who: str, limit: int = 30) -> list[dict]:
    """A person's latest history entries, newest first."""
    sql = (
        "select u.*, a.code as action_code from updates u join actions a"
        " on a.number = u.action_number where u.who = ? order by u.id desc limit ?"
    )
    return list(db.query(sql, [who, limit]))


def count_changes_by(db: sqlite_utils.Database, who: str) -> int:
    return db.execute("select count(*) from updates where who = ?", [who]).fetchone()[0]


# ---------------------------------------------------------------- writing


def resulting_state(
    old_status: str, old_progress: int | None, new_status: str | None, progress: int | None
) -> tuple[str, int | None]:
    """The (status, progress) an update leaves: `None` keeps what was there, except that done
    is 100 %, going back to "à démarrer" clears the progress, and a done action reopened
    without a percentage has none (100 % no longer holds, the new one is not known).

    >>> resulting_state("en cours", 40, "fait", None)
    ('fait', 100)
    >>> resulting_state("fait", 100, "en cours", None)
    ('en cours', None)
    """
    status = new_status or old_status
    if progress is not None:
        return status, progress
    if new_status == DONE:
        return status, 100
    if new_status == NOT_STARTED or (old_status == DONE and new_status not in (None, DONE)):
        return status, None
    return status, old_progress


def record_update(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    *,
    kind: str = STATUS_CHANGE,
    new_status: str | None = None,
    progress: int | None = None,
    comment: str | None = None,
    value: str | None = None,
    source_id: str | None = None,
    at: datetime | None = None,
) -> dict:
    """Change an action and append the change to its history; return the history entry.

    `new_status=None` keeps the status. Marking an action done sets its progress to 100 unless
    a progress is given. `value` is the indicator's reached value (kind "indicator") or the
    health (kind "health": bon, risque, bloque).
    """
    at = at or now_utc()
    with transaction(db):
        current = db.execute(
            "select status, progress from actions where number = ?", [number]
        ).fetchone()
        if current is None:
            raise KeyError(number)
        old_status, old_progress = current
        status, new_progress = resulting_state(old_status, old_progress, new_status, progress)
        entry = _append(
            db,
            number,
            who,
            kind,
            at,
            status=(old_status, status),
            progress=(old_progress, new_progress),
            comment=comment,
            value=value,
            old_value=None,
            source_id=source_id,
        )
        db.execute(
            "update actions set status = ?, progress = ?, updated_at = ?,"
            " last_comment = coalesce(?, last_comment),"
            " indicator_value = coalesce(?, indicator_value), health = coalesce(?, health)"
            " where number = ?",
            [
                status,
                new_progress,
                entry["at"],
                comment,
                value if kind == INDICATOR else None,
                value if kind == HEALTH else None,
                number,
            ],
        )
    return entry


def record_deadline(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    *,
    deadline: str,
    at: datetime,
    comment: str | None = None,
    source_id: str | None = None,
) -> dict:
    """Change an action's deadline (text, start and end) and append the change to its history."""
    current = db.execute("select deadline from actions where number = ?", [number]).fetchone()
    if current is None:
        raise KeyError(number)
    entry = record_field(
        db,
        number,
        who,
        kind=DEADLINE,
        value=deadline,
        old_value=current[0] or "",
        comment=comment,
        at=at,
        source_id=source_id,
    )
    _set_deadline(db, number, deadline)
    if comment is not None:
        db.execute("update actions set last_comment = ? where number = ?", [comment, number])
    return entry


def record_field(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    *,
    kind: str,
    value: str,
    at: datetime,
    old_value: str | None = None,
    comment: str | None = None,
    source_id: str | None = None,
) -> dict:
    """Append the entry of a change that keeps the status and progress: a deadline, or an
    action's fields (storage/plan_fields_chat.py writes the field in the same transaction)."""
    current = db.execute(
        "select status, progress from actions where number = ?", [number]
    ).fetchone()
    if current is None:
        raise KeyError(number)
    status, progress = current
    entry = _append(
        db,
        number,
        who,
        kind,
        at,
        status=(status, status),
        progress=(progress, progress),
        comment=comment,
        value=value,
        old_value=old_value,
        source_id=source_id,
    )
    db.execute("update actions set updated_at = ? where number = ?", [entry["at"], number])
    return entry


def last_undoable(db: sqlite_utils.Database, who: str, number: int | None = None) -> list[dict]:
    """The entries of `who`'s latest command not undone yet (several for a grouped !maj); of
    action `number` only when given."""
    undone = undone_ids(db)
    marks = ",".join("?" * len(UNDOABLE))
    rows = db.query(
        "select u.*, a.code as action_code from updates u join actions a"
        f" on a.number = u.action_number where u.who = ? and u.kind in ({marks})"
        " order by u.id desc limit 200",
        [who, *UNDOABLE],
    )
    candidates = [
        row for row in rows if row["id"] not in undone and number in (None, row["action_number"])
    ]
    if not candidates:
        return []
    latest = candidates[0]
    if latest["source_id"] is None:
        return [latest]
    return sorted(
        (row for row in candidates if row["source_id"] == latest["source_id"]),
        key=lambda row: row["id"],
    )


def undone_ids(db: sqlite_utils.Database) -> set[int]:
    rows = db.execute("select value from updates where kind = ?", [UNDO])
    return {int(row[0]) for row in rows if row[0] and row[0].isdigit()}


def newer_change(db: sqlite_utils.Database, entry: dict, ignore: set[int]) -> dict | None:
    """A later, still effective entry of the same action (that an undo would overwrite)."""
    undone = undone_ids(db) | ignore
    later = db.query(
        "select * from updates where action_number = ? and id > ? order by id",
        [entry["action_number"], entry["id"]],
    )
    for row in later:
        if row["kind"] != UNDO and row["id"] not in undone:
            return row
    return None


def value_before(db: sqlite_utils.Database, entry: dict, kind: str) -> str | None:
    """The indicator value or health (by `kind`) the action had just before `entry`."""
    undone = undone_ids(db)
    rows = db.execute(
        "select id, value from updates where action_number = ? and id < ? and kind = ?"
        " order by id desc",
        [entry["action_number"], entry["id"], kind],
    )
    return next((value for id_, value in rows if id_ not in undone), None)


def comment_before(db: sqlite_utils.Database, entry: dict) -> str | None:
    undone = undone_ids(db)
    rows = db.execute(
        "select id, comment from updates where action_number = ? and id < ?"
        " and kind != ? and comment is not null order by id desc",
        [entry["action_number"], entry["id"], UNDO],
    )
    return next((comment for id_, comment in rows if id_ not in undone), None)


def record_undo(
    db: sqlite_utils.Database,
    entries: list[dict],
    who: str,
    *,
    at: datetime,
    comments: dict[int, str],
    source_id: str | None = None,
) -> list[dict]:
    """Put each action back as it was before `entries`, newest first; return the undo entries.

    `comments` gives, per undone entry id, the text the undo entry carries ("annulation : ...").
    """
    done = []
    for entry in sorted(entries, key=lambda e: e["id"], reverse=True):
        number = entry["action_number"]
        status, progress = db.execute(
            "select status, progress from actions where number = ?", [number]
        ).fetchone()
        restored = {"status": entry["old_status"], "progress": entry["old_progress"]}
        if entry["kind"] == HEALTH:
            restored["health"] = value_before(db, entry, HEALTH)
        if entry["kind"] == INDICATOR:
            restored["indicator_value"] = value_before(db, entry, INDICATOR)
        if entry["comment"] is not None:
            restored["last_comment"] = comment_before(db, entry)
        done.append(
            _append(
                db,
                number,
                who,
                UNDO,
                at,
                status=(status, entry["old_status"]),
                progress=(progress, entry["old_progress"]),
                comment=comments.get(entry["id"]),
                value=str(entry["id"]),
                old_value=None,
                source_id=source_id,
            )
        )
        if entry["kind"] == DEADLINE:
            _set_deadline(db, number, entry["old_value"] or "")
        assignments = ", ".join(f"{column} = ?" for column in restored)
        db.execute(
            f"update actions set {assignments}, updated_at = ? where number = ?",
            [*restored.values(), at.isoformat(), number],
        )
    return done


def _set_deadline(db, number: int, deadline: str) -> None:
    start, end = parse_deadline(deadline)
    db.execute(
        "update actions set deadline = ?, start_date = ?, end_date = ? where number = ?",
        [
            deadline,
            start.isoformat() if start else None,
            end.isoformat() if end else None,
            number,
        ],
    )


def _append(
    db, number, who, kind, at, *, status, progress, comment, value, old_value, source_id
) -> dict:
    """The one INSERT into `updates`: `status` and `progress` are (old, new) pairs."""
    entry = {
        "action_number": number,
        "at": at.isoformat(),
        "who": who,
        "kind": kind,
        "old_status": status[0],
        "new_status": status[1],
        "old_progress": progress[0],
        "new_progress": progress[1],
        "comment": comment,
        "value": value,
        "old_value": old_value,
        "source_id": source_id,
    }
    cursor = db.execute(
        f"insert into updates ({', '.join(entry)}) values ({', '.join('?' * len(entry))})",
        list(entry.values()),
    )
    return {"id": cursor.lastrowid, **entry}
