"""The plans a database holds: each with a short code ("cpas", "commune", "cpas-2019"), a
title, its organisation and period, and a state (active, or closed: readable, updates refused).

    >>> cpas = create_plan(db, "cpas", title="PST du CPAS 2025-2030", period="2025-2030")
    >>> [p.code for p in all_plans(db)]   # beside the example plan, "pst"
    ['cpas', 'pst']
    >>> set_room_plan(db, "!abc:example.org", cpas.id, who="@dg:x", at=now_utc())
    >>> room_plan(db, "!abc:example.org").code
    'cpas'

Every objective, action and history entry belongs to one plan. Rooms are mapped to a plan by
the configuration, or by an admin in chat (stored here, it wins). Which plan a room, the
command line or an import works on is decided once, by `choose_plan`:

    >>> choose_plan(db, room="!abc:example.org").code
    'cpas'
    >>> choose_plan(db)
    Traceback (most recent call last):
    ...
    storage.plans.PlanAmbiguous: cpas, pst
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from storage.clock import now_utc

ACTIVE, CLOSED = "active", "closed"
#: The code a plan gets when nobody named one (first import into an empty database).
DEFAULT_CODE = "pst"
#: A plan code: lower-case letters, digits and dashes, as typed in `--plan` and `!plan`.
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Plan:
    id: int
    code: str
    title: str
    organisation: str
    period: str
    state: str
    #: When the plan came into the bot (UTC, ISO); "" for a plan made before that was kept.
    created_at: str = ""

    @property
    def closed(self) -> bool:
        return self.state == CLOSED


def _plan(row: dict) -> Plan:
    return Plan(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        organisation=row["organisation"] or "",
        period=row["period"] or "",
        state=row["state"],
        created_at=row.get("created_at") or "",
    )


def all_plans(db: sqlite_utils.Database) -> list[Plan]:
    """Every plan, active ones first, then by code."""
    rows = db.query("select * from plans order by state = 'closed', code")
    return [_plan(row) for row in rows]


def plan_by_code(db: sqlite_utils.Database, code: str) -> Plan | None:
    rows = list(db.query("select * from plans where code = ?", [code.strip().lower()]))
    return _plan(rows[0]) if rows else None


def plan_by_id(db: sqlite_utils.Database, plan_id: int) -> Plan | None:
    rows = list(db.query("select * from plans where id = ?", [plan_id]))
    return _plan(rows[0]) if rows else None


def only_plan(db: sqlite_utils.Database) -> Plan | None:
    """The plan when the database holds exactly one, else None."""
    plans = all_plans(db)
    return plans[0] if len(plans) == 1 else None


def create_plan(
    db: sqlite_utils.Database,
    code: str,
    *,
    title: str = "",
    organisation: str = "",
    period: str = "",
) -> Plan:
    """A new, active plan; call inside a transaction. `code` must match CODE and be new."""
    cursor = db.execute(
        "insert into plans (code, title, organisation, period, state, created_at)"
        " values (?, ?, ?, ?, ?, ?)",
        [code, title or f"PST {code}", organisation, period, ACTIVE, now_utc().isoformat()],
    )
    return plan_by_id(db, cursor.lastrowid)


def set_state(db: sqlite_utils.Database, plan_id: int, state: str) -> None:
    db.execute("update plans set state = ? where id = ?", [state, plan_id])


def counts(db: sqlite_utils.Database, plan_id: int) -> dict[str, int]:
    """How many OS, OO and actions the plan holds."""
    return {
        "os": _count(db, "strategic_objectives", plan_id),
        "oo": _count(db, "operational_objectives", plan_id),
        "actions": _count(db, "actions", plan_id),
    }


def _count(db, table: str, plan_id: int) -> int:
    return db.execute(f"select count(*) from {table} where plan_id = ?", [plan_id]).fetchone()[0]


# ---------------------------------------------------------------- rooms


def room_plan(db: sqlite_utils.Database, room: str) -> Plan | None:
    """The plan an admin set for this room in chat, or None."""
    rows = list(
        db.query(
            "select p.* from room_plans r join plans p on p.id = r.plan_id where r.room = ?",
            [room],
        )
    )
    return _plan(rows[0]) if rows else None


def set_room_plan(db: sqlite_utils.Database, room: str, plan_id: int, *, who: str, at: datetime):
    """Map `room` to a plan (stored and audited in the directory audit); call inside a
    transaction."""
    db.execute(
        "insert into room_plans (room, plan_id, at, who) values (?, ?, ?, ?)"
        " on conflict(room) do update set plan_id = excluded.plan_id, at = excluded.at,"
        " who = excluded.who",
        [room, plan_id, at.isoformat(), who],
    )


# ---------------------------------------------------------------- which plan


class PlanChoiceError(Exception):
    """No plan can be chosen; `codes` are the plans of the database, for the refusal to list."""

    def __init__(self, codes: tuple[str, ...] = ()):
        super().__init__(", ".join(codes))
        self.codes = codes


class NoPlan(PlanChoiceError):
    """The database holds no plan yet."""


class PlanAmbiguous(PlanChoiceError):
    """Nothing names a plan and the database holds several (`codes`)."""


class PlanUnknown(PlanChoiceError):
    """The plan `code` names is not in the database (which holds `codes`)."""

    def __init__(self, code: str, codes: tuple[str, ...] = ()):
        super().__init__(codes)
        self.code = code
        self.args = (code,)


class ConfiguredPlanUnknown(PlanUnknown):
    """The configuration maps the room to a plan (`code`) the database does not hold."""


def choose_plan(
    db: sqlite_utils.Database,
    *,
    room: str | None = None,
    code: str | None = None,
    configured: Mapping[str, str] | None = None,
) -> Plan:
    """The plan to work on: the one `code` names (a `--plan` or `!plan CODE`), else the one set
    in chat for `room`, else the one the configuration maps `room` to (`configured`, as
    `[rooms.plans]`), else the only plan of the database.

    Raises `PlanUnknown` (a code names no plan; `ConfiguredPlanUnknown` when the configuration
    named it), `NoPlan` (an empty database, nothing configured) or `PlanAmbiguous` (several
    plans, none named).
    """
    if code is None and room is not None:
        stored = room_plan(db, room)
        if stored is not None:
            return stored
        if configured and room in configured:
            wanted = configured[room]
            found = plan_by_code(db, wanted)
            if found is None:
                raise ConfiguredPlanUnknown(wanted, _codes(db))
            return found
    codes = _codes(db)
    if not codes:
        raise NoPlan()
    if code is not None:
        found = plan_by_code(db, code)
        if found is None:
            raise PlanUnknown(code, codes)
        return found
    if len(codes) > 1:
        raise PlanAmbiguous(codes)
    return plan_by_code(db, codes[0])


def _codes(db: sqlite_utils.Database) -> tuple[str, ...]:
    return tuple(plan.code for plan in all_plans(db))
