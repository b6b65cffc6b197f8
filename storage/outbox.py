"""Posts one transport owes another: a change made in Teams is posted in the Matrix CODIR room,
and the other way round.

    queue(db, [post], ["teams"])          # in the transaction that applied the change
    for row in pending(db, "teams"): send(row) then sent(db, row["id"])

A post is queued in the same transaction as the command that produced it (the engine does it),
so it is never lost; it is deleted once sent. A crash between the send and `sent` sends it
once more at the next start: for a CODIR line, a repeat beats a loss.
"""

import sqlite_utils

from storage.clock import now_utc
from storage.transactions import transaction


def queue(db: sqlite_utils.Database, posts, transports: list[str]) -> None:
    """Queue `posts` (commands.types.Post) for each of `transports`; call inside the
    command's transaction."""
    at = now_utc().isoformat()
    for transport in transports:
        for post in posts:
            db.execute(
                "insert into outbox (transport, room, text, html, at) values (?,?,?,?,?)",
                [transport, post.room, post.text, post.html, at],
            )


def pending(db: sqlite_utils.Database, transport: str, limit: int = 20) -> list[dict]:
    """The oldest posts waiting for `transport`."""
    sql = "select * from outbox where transport = ? order by id limit ?"
    return list(db.query(sql, [transport, limit]))


def sent(db: sqlite_utils.Database, post_id: int) -> None:
    with transaction(db):
        db.execute("delete from outbox where id = ?", [post_id])
