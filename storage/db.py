"""The SQLite database: opening it (created and brought to the current schema if needed),
or opening an existing one as it is.

    >>> db = open_db(":memory:")
    >>> schema_version(db) == CURRENT_VERSION
    True

The schema and its steps are in storage/migrations.py, transactions in storage/transactions.py,
the owner-only files in storage/permissions.py.
"""

import errno
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from storage.migrations import CURRENT_VERSION, schema_version, upgrade
from storage.permissions import create_private_file, create_private_folder, restrict_to_owner

__all__ = [
    "DatabaseTooNew",
    "companions",
    "open_db",
    "open_existing",
]


class DatabaseTooNew(Exception):
    """The database was written by a newer pst-bot: refused rather than misread.

    The command line says it in French (bot/console_texts.py) from `path`, `found`, `known`.
    """

    def __init__(self, path: str | Path, found: int, known: int) -> None:
        super().__init__(f"{path}: schema version {found}, this code knows up to {known}")
        self.path, self.found, self.known = str(path), found, known


def companions(path: Path) -> list[Path]:
    """The files SQLite keeps next to a database in WAL mode."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the PST database at `path`.

    A new database file is created 0600 in a folder created 0700; SQLite gives its -wal and
    -shm files the database's mode. A database written by a newer pst-bot raises
    `DatabaseTooNew`, before anything is changed in it.
    """
    on_disk = str(path) != ":memory:"
    if on_disk:
        create_private_folder(Path(path).parent)
        create_private_file(Path(path))
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    if (found := schema_version(db)) > CURRENT_VERSION:
        db.close()
        raise DatabaseTooNew(path, found, CURRENT_VERSION)
    db.execute("PRAGMA foreign_keys = ON")
    if on_disk:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA busy_timeout = 5000")
    upgrade(db)
    if on_disk:
        restrict_to_owner(companions(Path(path)))
    return db


def open_existing(path: str | Path) -> sqlite_utils.Database:
    """An existing database as it is, neither created nor migrated nor switched to WAL: to
    copy it or look at it while a bot (perhaps an older or newer one) runs on it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    conn = sqlite3.connect(
        path.resolve().as_uri() + "?mode=rw",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA busy_timeout = 5000")
    return db
