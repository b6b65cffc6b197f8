"""Reporting campaigns: from `opens` to `closes` (local days, both included) every pilot of
the scope (the plan, or one OS) gives word on each of their open actions; at the close the
situation is kept (`take_snapshot`) for the evaluation of that moment.

    >>> from datetime import UTC, date, datetime
    >>> now = datetime(2027, 2, 20, 9, tzinfo=UTC)
    >>> campaign = create(db, 1, date(2027, 3, 1), date(2027, 3, 15), "@dg:x", at=now)
    >>> (campaign.id, campaign.opens.isoformat(), campaign.os_number)
    (1, '2027-03-01', None)

An action has answered when a change said within the window still stands (storage/effective:
an undone update is no answer; an import is none). A pilot has answered when each of their
actions in the scope has.
"""

from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from storage.actions import Action, list_actions
from storage.clock import today as local_day
from storage.effective import changes_of
from storage.vocabulary import CLOSED, IMPORT


@dataclass(frozen=True)
class Campaign:
    id: int
    plan_id: int
    os_number: int | None
    opens: date
    closes: date
    who: str

    def is_open(self, day: date) -> bool:
        return self.opens <= day <= self.closes


def _campaign(row: dict) -> Campaign:
    return Campaign(
        id=row["id"],
        plan_id=row["plan_id"],
        os_number=row["os_number"],
        opens=date.fromisoformat(row["opens"]),
        closes=date.fromisoformat(row["closes"]),
        who=row["who"],
    )


def create(
    db: sqlite_utils.Database,
    plan_id: int,
    opens: date,
    closes: date,
    who: str,
    *,
    at: datetime,
    os_number: int | None = None,
) -> Campaign:
    """A new campaign, in the caller's transaction."""
    cursor = db.execute(
        "insert into campaigns (plan_id, os_number, opens, closes, who, at) values (?,?,?,?,?,?)",
        [plan_id, os_number, opens.isoformat(), closes.isoformat(), who, at.isoformat()],
    )
    return get(db, cursor.lastrowid)


def get(db: sqlite_utils.Database, campaign_id: int) -> Campaign | None:
    rows = list(db.query("select * from campaigns where id = ?", [campaign_id]))
    return _campaign(rows[0]) if rows else None


def of_plan(db: sqlite_utils.Database, plan_id: int) -> list[Campaign]:
    """The plan's campaigns, the latest first."""
    rows = db.query("select * from campaigns where plan_id = ? order by id desc", [plan_id])
    return [_campaign(row) for row in rows]


def every(db: sqlite_utils.Database) -> list[Campaign]:
    return [_campaign(row) for row in db.query("select * from campaigns order by id")]


def overlapping(db: sqlite_utils.Database, plan_id: int, opens: date, closes: date) -> list:
    return [c for c in of_plan(db, plan_id) if c.opens <= closes and opens <= c.closes]


def scope(db: sqlite_utils.Database, campaign: Campaign) -> list[Action]:
    """The open actions the campaign asks about (with their history read)."""
    where, params = "", []
    if campaign.os_number is not None:
        where, params = "s.number = ?", [campaign.os_number]
    actions = list_actions(db, campaign.plan_id, where, params, with_history=True)
    return [a for a in actions if a.status not in CLOSED]


def answered(action: Action, campaign: Campaign) -> bool:
    """A change said within the window still stands."""
    return any(
        change.kind != IMPORT and campaign.is_open(local_day(change.at))
        for change in changes_of(action)
    )


def take_snapshot(db: sqlite_utils.Database, campaign: Campaign, at: datetime) -> bool:
    """Keep each action's situation at the close, once (in the caller's transaction); False
    when it was kept already."""
    if db.execute(
        "select 1 from campaign_snapshots where campaign_id = ? limit 1", [campaign.id]
    ).fetchone():
        return False
    db.conn.executemany(
        "insert into campaign_snapshots (campaign_id, action_number, status, progress, health,"
        " last_comment, answered, taken_at) values (?,?,?,?,?,?,?,?)",
        [
            (
                campaign.id,
                a.number,
                a.status,
                a.progress,
                a.health,
                a.last_comment,
                int(answered(a, campaign)),
                at.isoformat(),
            )
            for a in scope(db, campaign)
        ],
    )
    return True


def snapshot(db: sqlite_utils.Database, campaign_id: int) -> dict[int, dict]:
    """Action number -> its kept situation at the close (empty before the close)."""
    rows = db.query("select * from campaign_snapshots where campaign_id = ?", [campaign_id])
    return {row["action_number"]: row for row in rows}
