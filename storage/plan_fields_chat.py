"""What the chat says of an action's fields (`!indicateur`, `!budget`, `!odd`, `!mandataire`,
`!decision`, `!synergie`: commands/fields.py) and how `!annuler` takes it back; the fields
themselves and their reads are in storage/plan_fields.py.

A value, a decision or a synergy said in chat is written with its history entry
(`update_id`, storage/history.py) in the same transaction; the reads skip a row whose entry
was undone. Each write appends its entry and changes the field in one transaction; the
command replies from the entry.

Budget lines, ODD tags, mandataires and indicator definitions are kept as they stand (their
tables have no `update_id`): their history entry keeps what was there before (`old_value`),
and `take_back` puts it back when the entry is undone. An undo is refused while a later change
of the same action stands (storage/history.py), so what is put back is what was there.

    >>> from datetime import UTC, datetime
    >>> from storage.plan_fields import ActionFields, fields_of, store_imported
    >>> store_imported(db, 29, ActionFields(odd=(11,)))
    >>> at = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    >>> entry = record_odd(db, 29, "@dg:x", [11, 13], at=at)
    >>> (entry["value"], entry["old_value"])
    ('11, 13', '11')
    >>> take_back(db, entry)
    >>> fields_of(db, [29])[29].odd
    (11,)
"""

import json
from collections.abc import Iterable
from datetime import datetime

import sqlite_utils

from storage import history
from storage.clock import today as local_day
from storage.french import number_text
from storage.plan_fields import BudgetLine, Decision, Synergy, decision_text, money, synergy_text
from storage.transactions import transaction
from storage.vocabulary import (
    BUDGET,
    DECISION,
    INDICATOR_SET,
    MANDATARY,
    MEASURE,
    ODD,
    SYNERGY,
    fold,
)


def indicator_rows(db: sqlite_utils.Database, number: int) -> list[dict]:
    """The action's indicators as stored (id, name, unit, target), in their order."""
    return list(
        db.query("select * from indicators where action_number = ? order by position, id", [number])
    )


def indicator_named(db: sqlite_utils.Database, number: int, name: str) -> dict | None:
    """The action's indicator called `name`, accents and case forgiven."""
    wanted = fold(name)
    return next((row for row in indicator_rows(db, number) if fold(row["name"]) == wanted), None)


def record_measure(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    indicator: dict,
    value: float,
    *,
    at: datetime,
    source_id: str | None = None,
) -> dict:
    """A value the indicator reached today (the message's local day)."""
    with transaction(db):
        said = f"{indicator['name']} = {number_text(value)}"
        entry = history.record_field(
            db, number, who, kind=MEASURE, value=said, at=at, source_id=source_id
        )
        db.execute(
            "insert into indicator_values (indicator_id, value, day, who, update_id)"
            " values (?, ?, ?, ?, ?)",
            [indicator["id"], value, local_day(at).isoformat(), who, entry["id"]],
        )
    return entry


def define_indicator(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    name: str,
    *,
    target: float | None,
    unit: str | None,
    at: datetime,
    source_id: str | None = None,
) -> dict:
    """Create the action's indicator `name`, or change its target and unit (a unit not said
    stays); the entry's `old_value` keeps the former definition (or that it is new)."""
    with transaction(db):
        known = indicator_named(db, number, name)
        if known is not None:
            name, unit = known["name"], unit or known["unit"]
            former = {"id": known["id"], "unit": known["unit"], "target": known["target"]}
            db.execute(
                "update indicators set target = ?, unit = ? where id = ?",
                [target, unit, known["id"]],
            )
        else:
            position = db.execute(
                "select coalesce(max(position) + 1, 0) from indicators where action_number = ?",
                [number],
            ).fetchone()[0]
            cursor = db.execute(
                "insert into indicators (action_number, position, name, unit, target)"
                " values (?, ?, ?, ?, ?)",
                [number, position, name, unit, target],
            )
            former = {"id": cursor.lastrowid, "new": True}
        said = f"{name} : cible {number_text(target)}" + (f" {unit}" if unit else "")
        return history.record_field(
            db,
            number,
            who,
            kind=INDICATOR_SET,
            value=said,
            old_value=json.dumps(former),
            at=at,
            source_id=source_id,
        )


def record_budget(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    line: BudgetLine,
    *,
    at: datetime,
    source_id: str | None = None,
) -> dict:
    """Add a budget line; the entry's `old_value` is the line's id (an undo removes it)."""
    with transaction(db):
        cursor = db.execute(
            "insert into budget_lines (action_number, year, amount, kind, funding)"
            " values (?, ?, ?, ?, ?)",
            [number, line.year, line.amount, line.kind, line.funding],
        )
        said = f"{line.year} : {money(line.amount)} {line.kind}" + (
            f" ({line.funding})" if line.funding else ""
        )
        entry = history.record_field(
            db,
            number,
            who,
            kind=BUDGET,
            value=said,
            old_value=str(cursor.lastrowid),
            at=at,
            source_id=source_id,
        )
    return entry


def record_odd(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    odd: Iterable[int],
    *,
    at: datetime,
    source_id: str | None = None,
) -> dict:
    """Set the action's ODD tags to `odd` (none: empty); `old_value` keeps the former ones."""
    odd = sorted(set(odd))
    with transaction(db):
        before = [row[0] for row in db.execute(_ODD_OF, [number])]
        entry = history.record_field(
            db,
            number,
            who,
            kind=ODD,
            value=_listed(odd),
            old_value=_listed(before),
            at=at,
            source_id=source_id,
        )
        _set_odd(db, number, odd)
    return entry


def record_mandataries(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    names: list[str],
    *,
    at: datetime,
    source_id: str | None = None,
) -> dict:
    """Set the action's mandataires to `names`, in order; `old_value` keeps the former ones."""
    with transaction(db):
        before = mandataries_of(db, number)
        entry = history.record_field(
            db,
            number,
            who,
            kind=MANDATARY,
            value=_NAMES.join(names),
            old_value=_NAMES.join(before),
            at=at,
            source_id=source_id,
        )
        _set_mandataries(db, number, names)
    return entry


def record_decision(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    decision: Decision,
    *,
    at: datetime,
    source_id: str | None = None,
) -> dict:
    with transaction(db):
        entry = history.record_field(
            db,
            number,
            who,
            kind=DECISION,
            value=decision_text(decision),
            at=at,
            source_id=source_id,
        )
        db.execute(
            "insert into decisions (action_number, body, day, point, url, who, at, update_id)"
            " values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                number,
                decision.body,
                decision.day.isoformat(),
                decision.point,
                decision.url,
                who,
                entry["at"],
                entry["id"],
            ],
        )
    return entry


def record_synergy(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    synergy: Synergy,
    *,
    at: datetime,
    source_id: str | None = None,
) -> dict:
    with transaction(db):
        entry = history.record_field(
            db,
            number,
            who,
            kind=SYNERGY,
            value=synergy_text(synergy),
            at=at,
            source_id=source_id,
        )
        db.execute(
            "insert into synergies (action_number, partner_plan, partner_code, who, at,"
            " update_id) values (?, ?, ?, ?, ?, ?)",
            [number, synergy.partner_plan, synergy.partner_code, who, entry["at"], entry["id"]],
        )
    return entry


def take_back(db: sqlite_utils.Database, entry: dict) -> None:
    """Put back what `entry` changed in a table without `update_id` (called with its undo, in
    the same transaction); values, decisions and synergies need nothing: their reads skip an
    undone entry's rows."""
    kind, number, before = entry["kind"], entry["action_number"], entry["old_value"] or ""
    if kind == ODD:
        _set_odd(db, number, [int(part) for part in before.split(",") if part.strip()])
    elif kind == MANDATARY:
        _set_mandataries(db, number, [name for name in before.split(_NAMES) if name])
    elif kind == BUDGET and before.isdigit():
        db.execute("delete from budget_lines where id = ?", [int(before)])
    elif kind == INDICATOR_SET and before.startswith("{"):
        former = json.loads(before)
        if former.get("new"):
            # Its values said since are undone (an undo waits for every later change's).
            db.execute("delete from indicator_values where indicator_id = ?", [former["id"]])
            db.execute("delete from indicators where id = ?", [former["id"]])
        else:
            db.execute(
                "update indicators set unit = ?, target = ? where id = ?",
                [former["unit"], former["target"], former["id"]],
            )


_ODD_OF = "select odd from action_odd where action_number = ? order by odd"
#: How a list of mandataires is kept in a history entry.
_NAMES = "; "


def _listed(odd: list[int]) -> str:
    return ", ".join(str(n) for n in odd)


def _set_odd(db, number: int, odd: list[int]) -> None:
    db.execute("delete from action_odd where action_number = ?", [number])
    for n in odd:
        db.execute("insert into action_odd (action_number, odd) values (?, ?)", [number, n])


def _set_mandataries(db, number: int, names: list[str]) -> None:
    db.execute("delete from action_mandataries where action_number = ?", [number])
    for position, name in enumerate(dict.fromkeys(names)):
        db.execute(
            "insert into action_mandataries (action_number, position, name) values (?, ?, ?)",
            [number, position, name],
        )


def mandataries_of(db: sqlite_utils.Database, number: int) -> list[str]:
    rows = db.execute(
        "select name from action_mandataries where action_number = ? order by position",
        [number],
    )
    return [row[0] for row in rows]
