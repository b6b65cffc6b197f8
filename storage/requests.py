"""What pilots ask the DG for in chat: for now, a later deadline for an action.

    >>> from datetime import UTC, datetime
    >>> now = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    >>> record_deadline_request(db, 95, "@sylvie:x", wanted="2027", at=now)["wanted"]
    '2027'
    >>> [(r["action_number"], r["wanted"]) for r in open_deadline_requests(db)]
    [(95, '2027')]

A request changes nothing in the plan: the DG grants it with `!echeance` (a later issue gives
the DG their side: listing, granting, refusing).
"""

from datetime import datetime

import sqlite_utils


def record_deadline_request(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    *,
    at: datetime,
    wanted: str | None = None,
    reason: str | None = None,
    source_id: str | None = None,
) -> dict:
    """Keep `who`'s request for a later deadline of action `number` (`wanted`: "2027", or
    None when the pilot did not say); the stored row."""
    row = {
        "action_number": number,
        "who": who,
        "at": at.isoformat(),
        "wanted": wanted,
        "reason": reason,
        "source_id": source_id,
    }
    table = db["deadline_requests"]
    table.insert(row)
    return table.get(table.last_pk)


def open_deadline_requests(db: sqlite_utils.Database, number: int | None = None) -> list[dict]:
    """The requests the DG has not decided yet, oldest first (of one action when `number`)."""
    sql = "select * from deadline_requests where decided_at is null"
    params: list = []
    if number is not None:
        sql += " and action_number = ?"
        params.append(number)
    return list(db.query(sql + " order by id", params))
