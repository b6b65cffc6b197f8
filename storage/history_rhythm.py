"""The history as the rhythm reads it: when each action last had news (reminders and the
digest call it silent after a while) and the status changes of a period. Reads of the `updates`
table that storage/history.py, its only writer, keeps.

    >>> from datetime import UTC, datetime
    >>> from storage.history import record_update
    >>> at = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    >>> _ = record_update(db, 52, "LM", new_status="fait", at=at)
    >>> last_news(db, plan_id)[52] == at
    True
    >>> since = datetime(2026, 3, 1, tzinfo=UTC)
    >>> [(e["action_code"], e["new_status"]) for e in status_changes(db, plan_id, since, at)]
    [('52', 'fait')]
"""

from datetime import UTC, datetime

import sqlite_utils


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def last_news(db: sqlite_utils.Database, plan_id: int) -> dict[int, datetime]:
    """Action number -> when it last had news: its latest history entry, or when its plan came
    into the bot (reminders and the digest call it silent after a while)."""
    rows = db.execute(
        "select u.action_number, max(u.at) from updates u join actions a"
        " on a.number = u.action_number where a.plan_id = ? group by u.action_number",
        [plan_id],
    )
    news = {number: _when(at) for number, at in rows}
    created = db.execute("select created_at from plans where id = ?", [plan_id]).fetchone()
    if created and created[0]:
        # An action without history has had no news since the plan came into the bot.
        arrived = _when(created[0])
        numbers = db.execute("select number from actions where plan_id = ?", [plan_id])
        for (number,) in numbers:
            news.setdefault(number, arrived)
    return news


def status_changes(
    db: sqlite_utils.Database, plan_id: int, since: datetime, until: datetime
) -> list[dict]:
    """The plan's history entries in (since, until] that changed a status, oldest first."""
    sql = (
        "select u.*, a.code as action_code from updates u join actions a"
        " on a.number = u.action_number where a.plan_id = ? and u.at > ? and u.at <= ?"
        " and u.new_status is not u.old_status order by u.id"
    )
    moments = [m.astimezone(UTC).replace(microsecond=0).isoformat() for m in (since, until)]
    return list(db.query(sql, [plan_id, *moments]))
