"""Backups: a consistent copy of the database, taken while the bot runs, and the nightly one.

    >>> import tempfile
    >>> from datetime import UTC, datetime
    >>> folder = Path(tempfile.mkdtemp())
    >>> backup(db, folder / "pst-copie.db").name         # what sits in the WAL included
    'pst-copie.db'
    >>> at_three = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)  # 03:00 in Brussels
    >>> nightly(db, folder / "backups", at_three, hour=2, kept=14).name
    'pst-2025-03-14.db'
    >>> nightly(db, folder / "backups", at_three, hour=2, kept=14) is None   # made already
    True

Copying `pst.db` with `cp` while the bot runs misses the changes still in `pst.db-wal`; SQLite's
online backup API reads the database as one transaction sees it, WAL included. The copy is one
standalone file (journal mode DELETE), readable by its owner only, written under a temporary
name and renamed: a backup interrupted halfway never looks like a finished one.

Restoring is copying a backup over the database while the bot is stopped
(docs/operations.md).
"""

import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import sqlite_utils

from storage.clock import local_time
from storage.db import companions
from storage.permissions import create_private_file, create_private_folder

#: The nightly backups' names: pst-2025-03-14.db (the local day).
NIGHTLY_NAME = re.compile(r"pst-\d{4}-\d{2}-\d{2}\.db")


def backup(db: sqlite_utils.Database, target: Path) -> Path:
    """Copy the database behind `db` to `target` (replaced if it exists); `target`."""
    target = Path(target)
    create_private_folder(target.parent)
    partial = target.with_name(target.name + ".partial")
    _remove(partial)
    create_private_file(partial)
    try:
        copy = sqlite3.connect(str(partial), isolation_level=None)
        try:
            db.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        os.replace(partial, target)
    except BaseException:
        _remove(partial)
        raise
    return target


def nightly(
    db: sqlite_utils.Database, folder: Path, now: datetime, hour: int, kept: int
) -> Path | None:
    """The day's backup `folder/pst-YYYY-MM-DD.db`, made once the local hour reaches `hour`
    if that day has none yet; then only the `kept` newest backups are kept. The path made,
    or None when nothing was due. `now` is an aware datetime (UTC in the bot)."""
    local = local_time(now)
    target = Path(folder) / f"pst-{local.date().isoformat()}.db"
    if local.hour < hour or target.exists():
        return None
    backup(db, target)
    for old in nightly_backups(folder)[:-kept]:
        old.unlink(missing_ok=True)
    return target


def nightly_backups(folder: Path) -> list[Path]:
    """The nightly backups in `folder`, oldest first (none if the folder does not exist)."""
    if not Path(folder).is_dir():
        return []
    return sorted(path for path in Path(folder).iterdir() if NIGHTLY_NAME.fullmatch(path.name))


def _remove(path: Path) -> None:
    """A file and the journal files SQLite may have left next to it."""
    for leftover in [path, *companions(path), path.with_name(path.name + "-journal")]:
        leftover.unlink(missing_ok=True)
