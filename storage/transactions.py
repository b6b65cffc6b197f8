"""All or nothing: one transaction around a command's writes (or a migration step).

    >>> with transaction(db):
    ...     changed = db.execute("update actions set status = 'fait' where number = 52").rowcount
    >>> changed
    1

Writes go through `transaction(db)` with plain SQL: sqlite-utils' table helpers commit on their
own, which would break the one-command-one-transaction rule, so they are used for reads and for
creating the schema only. Its own module so that opening the database (storage/db.py) and the
migrations it runs (storage/migrations.py) both use it without importing each other.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils


@contextmanager
def transaction(db: sqlite_utils.Database, write: bool = True) -> Iterator[sqlite_utils.Database]:
    """All or nothing: commit when the block ends, roll back if it raises.

    `write=False` begins a deferred transaction: it reads without taking the write lock, which
    it takes only at its first write (a command that only reads never blocks the others).
    Nested calls join the outer transaction.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
