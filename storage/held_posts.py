"""CODIR posts held for the quarter hour's grouped post (`[rhythm] codir_posts = "grouped"`).

    hold(db, posts, at)                   # in the command's transaction, instead of sending them
    for key, quarter, rows in ended(db, now): ...   # quarters over at `now`, not posted yet
    prune(db, before)                     # the upkeep forgets what was posted long ago

A post is held in the same transaction as the change it tells, so it is never lost, and under
the key of its quarter: the scheduler records one grouped post per key (storage/sends.py), so
each change is posted once, in the post of the quarter it was made in.
"""

from datetime import UTC, datetime, timedelta

import sqlite_utils

from storage.transactions import transaction

QUARTER = timedelta(minutes=15)
#: A quarter older than this is no longer posted (the digest tells it).
STALE_AFTER = timedelta(days=1)
KEY_PREFIX = "codir-posts"


def quarter_of(moment: datetime) -> datetime:
    """The start (UTC) of the quarter hour `moment` falls in."""
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def key_of(room: str, quarter: datetime) -> str:
    """The send key of `room`'s grouped post for the quarter starting at `quarter`."""
    return f"{KEY_PREFIX}:{room}:{quarter.astimezone(UTC):%Y-%m-%dT%H:%M}Z"


def hold(db: sqlite_utils.Database, posts, at: datetime) -> None:
    """Hold `posts` (commands.types.Post) made at `at`; call inside the command's transaction."""
    quarter = quarter_of(at)
    for post in posts:
        db.execute(
            "insert into held_posts (key, room, text, html, at) values (?,?,?,?,?)",
            [key_of(post.room, quarter), post.room, post.text, post.html, at.isoformat()],
        )


def ended(db: sqlite_utils.Database, now: datetime) -> list[tuple[str, datetime, list[dict]]]:
    """(key, quarter start, held rows oldest first) of each quarter over at `now` whose
    grouped post is not recorded yet, oldest quarter first; quarters older than a day are left."""
    current = quarter_of(now)
    oldest = current - STALE_AFTER
    rows = db.query(
        "select * from held_posts h where h.at >= ? and h.at < ?"
        " and not exists (select 1 from sends s where s.key = h.key) order by h.id",
        [oldest.isoformat(), current.isoformat()],
    )
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(row["key"], []).append(row)
    return [
        (key, quarter_of(datetime.fromisoformat(group[0]["at"])), group)
        for key, group in sorted(found.items(), key=lambda item: item[1][0]["at"])
    ]


def prune(db: sqlite_utils.Database, before: datetime) -> int:
    """Forget the held posts made before `before`; how many."""
    with transaction(db):
        cursor = db.execute("delete from held_posts where at < ?", [before.isoformat()])
    return cursor.rowcount
