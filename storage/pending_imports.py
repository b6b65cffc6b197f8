"""A plan file an admin dropped in a room, kept until « !importer confirmer » (at most
KEPT_MINUTES), then deleted: applied, cancelled or expired, the file is not kept.

    >>> from datetime import UTC, datetime, timedelta
    >>> now = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    >>> put(db, "!room", "@dg:x", plan_id=plan_id, file_name="pst.csv", data=b"...", at=now)
    1
    >>> pending = take(db, "!room", "@dg:x")     # deleted from the store; None when none waits
    >>> pending.file_name, pending.expired(now + timedelta(minutes=31))
    ('pst.csv', True)

One file waits per person and room: a new one replaces the earlier. Writes are plain SQL, in the
caller's transaction (the engine's, with the command's event id). The file's bytes are read by
`storage.importing.parse_bytes`, as `pst-bot import` reads a file of that name.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath

import sqlite_utils

from storage.importing import READERS

#: How long a dropped file waits for its confirmation.
KEPT_MINUTES = 30


@dataclass(frozen=True)
class PendingImport:
    id: int
    room: str
    sender: str
    #: The plan it goes into; None: the database had no plan (the import creates one).
    plan_id: int | None
    file_name: str
    data: bytes
    at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.at + timedelta(minutes=KEPT_MINUTES)


def importable(file_name: str) -> bool:
    """Whether the import reads files named so (by extension).

    >>> importable("PST 2025.xlsx"), importable("photo.jpg")
    (True, False)
    """
    return PurePath(file_name).suffix.lower() in READERS


def put(
    db: sqlite_utils.Database,
    room: str,
    sender: str,
    *,
    plan_id: int | None,
    file_name: str,
    data: bytes,
    at: datetime,
) -> int:
    """Keep a dropped file (replacing what this person left in this room); its id."""
    expire(db, at)
    db.execute("delete from pending_imports where room = ? and sender = ?", [room, sender])
    cursor = db.execute(
        "insert into pending_imports (room, sender, plan_id, file_name, data, at)"
        " values (?, ?, ?, ?, ?, ?)",
        [room, sender, plan_id, file_name, data, at.isoformat()],
    )
    return cursor.lastrowid


def take(db: sqlite_utils.Database, room: str, sender: str) -> PendingImport | None:
    """The file this person left in this room, deleted from the store; None when none waits."""
    row = db.execute(
        "select id, room, sender, plan_id, file_name, data, at from pending_imports"
        " where room = ? and sender = ? order by id desc limit 1",
        [room, sender],
    ).fetchone()
    if row is None:
        return None
    db.execute("delete from pending_imports where room = ? and sender = ?", [room, sender])
    *head, at = row
    return PendingImport(*head, at=datetime.fromisoformat(at))


def cancel(db: sqlite_utils.Database, room: str, sender: str) -> bool:
    """Drop the file this person left in this room; whether there was one."""
    cursor = db.execute("delete from pending_imports where room = ? and sender = ?", [room, sender])
    return cursor.rowcount > 0


def expire(db: sqlite_utils.Database, now: datetime) -> int:
    """Delete every file left more than KEPT_MINUTES ago; how many."""
    cutoff = now - timedelta(minutes=KEPT_MINUTES)
    if not db.execute(
        "select 1 from pending_imports where at <= ? limit 1", [cutoff.isoformat()]
    ).fetchone():
        return 0  # nothing to delete: no write (a read-only command stays one)
    cursor = db.execute("delete from pending_imports where at <= ?", [cutoff.isoformat()])
    return cursor.rowcount
