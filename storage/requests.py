"""What pilots ask the DG for in chat, kept until the DG decides: a later deadline, « ce n'est
pas moi », a new action in an OO, a suspension or an abandon.

    >>> from datetime import UTC, datetime
    >>> now = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    >>> record_deadline_request(db, 95, "@sylvie:x", wanted="2027", at=now)["wanted"]
    '2027'
    >>> [(r["action_number"], r["wanted"]) for r in open_deadline_requests(db)]
    [(95, '2027')]
    >>> decide(db, open_requests(db)[0]["id"], "@dg:x", VALIDATED, at=now)["decision"]
    'validée'

A request changes nothing in the plan: the DG validates it (commands/requests.py applies it
then, in the same transaction as the decision) or refuses it with a reason; either way the
pilot is told. Each is decided once.
"""

from datetime import datetime

import sqlite_utils

#: What a request asks for.
DEADLINE, NOT_ME, NEW_ACTION, SUSPEND, ABANDON = (
    "echeance",
    "pas-moi",
    "nouvelle-action",
    "suspend",
    "abandon",
)
KINDS = (DEADLINE, NOT_ME, NEW_ACTION, SUSPEND, ABANDON)
VALIDATED, REFUSED = "validée", "refusée"
#: A request the same pilot asked again differently (another date) before the decision.
REPLACED = "remplacée"


def record_request(
    db: sqlite_utils.Database,
    kind: str,
    who: str,
    *,
    at: datetime,
    plan_id: int | None = None,
    number: int | None = None,
    oo_number: str | None = None,
    wanted: str | None = None,
    reason: str | None = None,
    source_id: str | None = None,
) -> dict:
    """Keep `who`'s request (in the caller's transaction); the stored row. `number` is the
    action's (None for a new action, which names its OO); `wanted` the deadline or the title."""
    if plan_id is None and number is not None:
        row = db.execute("select plan_id from actions where number = ?", [number]).fetchone()
        plan_id = row[0] if row else None
    values = {
        "plan_id": plan_id,
        "action_number": number,
        "oo_number": oo_number,
        "kind": kind,
        "who": who,
        "at": at.isoformat(),
        "wanted": wanted,
        "reason": reason,
        "source_id": source_id,
    }
    cursor = db.execute(
        f"insert into requests ({', '.join(values)}) values ({', '.join('?' * len(values))})",
        list(values.values()),
    )
    return get_request(db, cursor.lastrowid)


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
    return record_request(
        db, DEADLINE, who, at=at, number=number, wanted=wanted, reason=reason, source_id=source_id
    )


def get_request(db: sqlite_utils.Database, request_id: int) -> dict | None:
    rows = list(db.query("select * from requests where id = ?", [request_id]))
    return rows[0] if rows else None


def open_requests(db: sqlite_utils.Database, plan_id: int | None = None) -> list[dict]:
    """The requests the DG has not decided yet, oldest first (of one plan when `plan_id`)."""
    sql, params = "select * from requests where decided_at is null", []
    if plan_id is not None:
        sql += " and plan_id = ?"
        params.append(plan_id)
    return list(db.query(sql + " order by id", params))


def open_deadline_requests(db: sqlite_utils.Database, number: int | None = None) -> list[dict]:
    """The deadline requests the DG has not decided yet, oldest first (of one action when
    `number`)."""
    sql = "select * from requests where decided_at is null and kind = ?"
    params: list = [DEADLINE]
    if number is not None:
        sql += " and action_number = ?"
        params.append(number)
    return list(db.query(sql + " order by id", params))


def decide(
    db: sqlite_utils.Database,
    request_id: int,
    who: str,
    decision: str,
    *,
    at: datetime,
    answer: str | None = None,
) -> dict:
    """Mark the request decided (VALIDATED, REFUSED or REPLACED) by `who`, in the caller's
    transaction; the row as it now stands. Deciding a decided request changes nothing (the
    caller checks)."""
    db.execute(
        "update requests set decided_at = ?, decided_by = ?, decision = ?, answer = ?"
        " where id = ? and decided_at is null",
        [at.isoformat(), who, decision, answer, request_id],
    )
    return get_request(db, request_id)
