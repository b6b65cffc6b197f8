"""What administrations keep per action beside its status: result indicators with a unit, a
target and dated values; budget lines per year; ODD (SDG) tags; mandataires (the échevin or
président responsible); the Collège's and Conseil's decisions; synergies with another plan.

    >>> fields = ActionFields(
    ...     indicators=(Indicator("dossiers traités", unit="dossiers", target=12),),
    ...     odd=(11,), mandataries=("Échevin Dupont",),
    ... )
    >>> store_imported(db, 29, fields)
    >>> fields_of(db, [29])[29].odd
    (11,)

A value, a decision or a synergy said in chat is written with its history entry
(`update_id`, storage/history.py) in the same transaction; every read here is of the
effective record: a row whose entry was undone is not read. What an import brings has no
entry and is replaced by the next import of the same action.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from storage.history import undone_ids

#: Budget line kinds, as the Walloon budget names them.
ORDINARY, EXTRAORDINARY = "ordinaire", "extraordinaire"
BUDGET_KINDS = (ORDINARY, EXTRAORDINARY)
#: The 17 Sustainable Development Goals (Objectifs de développement durable).
ODD_NUMBERS = range(1, 18)


@dataclass(frozen=True)
class Measure:
    """A value an indicator reached on a day."""

    day: date
    value: float
    who: str | None = None


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str | None = None
    target: float | None = None
    #: Oldest first; effective only (an undone value is not here).
    values: tuple[Measure, ...] = ()

    @property
    def latest(self) -> Measure | None:
        return self.values[-1] if self.values else None


@dataclass(frozen=True)
class BudgetLine:
    year: int
    amount: float
    kind: str = ORDINARY
    funding: str | None = None


@dataclass(frozen=True)
class Decision:
    #: "college", "conseil" (or another body as said).
    body: str
    day: date
    point: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Synergy:
    #: The partner plan's code ("commune") and the partner action's code ("5.1.4").
    partner_plan: str
    partner_code: str | None = None


@dataclass(frozen=True)
class ActionFields:
    indicators: tuple[Indicator, ...] = ()
    budget: tuple[BudgetLine, ...] = ()
    odd: tuple[int, ...] = ()
    mandataries: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()
    synergies: tuple[Synergy, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.indicators
            or self.budget
            or self.odd
            or self.mandataries
            or self.decisions
            or self.synergies
        )


EMPTY = ActionFields()


# ---------------------------------------------------------------- reading


def _marks(numbers: list[int]) -> str:
    return ",".join("?" * len(numbers))


def _effective(row: dict, undone: set[int]) -> bool:
    return row.get("update_id") is None or row["update_id"] not in undone


def fields_of(db: sqlite_utils.Database, numbers: Iterable[int]) -> dict[int, ActionFields]:
    """Each action's fields, effective (undone values, decisions and synergies left out); an
    action without any gets `EMPTY`."""
    numbers = list(numbers)
    if not numbers:
        return {}
    undone = undone_ids(db)
    marks = _marks(numbers)
    gathered: dict[int, dict[str, list]] = {
        number: {
            key: []
            for key in ("indicators", "budget", "odd", "mandataries", "decisions", "synergies")
        }
        for number in numbers
    }
    values: dict[int, list[Measure]] = {}
    for row in db.query(
        "select v.* from indicator_values v join indicators i on i.id = v.indicator_id"
        f" where i.action_number in ({marks}) order by v.day, v.id",
        numbers,
    ):
        if _effective(row, undone):
            measure = Measure(date.fromisoformat(row["day"]), row["value"], row["who"])
            values.setdefault(row["indicator_id"], []).append(measure)
    for row in db.query(
        f"select * from indicators where action_number in ({marks}) order by position, id",
        numbers,
    ):
        gathered[row["action_number"]]["indicators"].append(
            Indicator(row["name"], row["unit"], row["target"], tuple(values.get(row["id"], ())))
        )
    for row in db.query(
        f"select * from budget_lines where action_number in ({marks}) order by year, id", numbers
    ):
        gathered[row["action_number"]]["budget"].append(
            BudgetLine(row["year"], row["amount"], row["kind"], row["funding"])
        )
    for row in db.query(
        f"select * from action_odd where action_number in ({marks}) order by odd", numbers
    ):
        gathered[row["action_number"]]["odd"].append(row["odd"])
    for row in db.query(
        f"select * from action_mandataries where action_number in ({marks}) order by position",
        numbers,
    ):
        gathered[row["action_number"]]["mandataries"].append(row["name"])
    for row in db.query(
        f"select * from decisions where action_number in ({marks}) order by day, id", numbers
    ):
        if _effective(row, undone):
            gathered[row["action_number"]]["decisions"].append(
                Decision(row["body"], date.fromisoformat(row["day"]), row["point"], row["url"])
            )
    for row in db.query(
        f"select * from synergies where action_number in ({marks}) order by id", numbers
    ):
        if _effective(row, undone):
            gathered[row["action_number"]]["synergies"].append(
                Synergy(row["partner_plan"], row["partner_code"])
            )
    return {
        number: ActionFields(**{key: tuple(items) for key, items in parts.items()})
        for number, parts in gathered.items()
    }


# ---------------------------------------------------------------- what an import brings


def store_imported(db: sqlite_utils.Database, number: int, fields: ActionFields) -> None:
    """Set action `number`'s fields to what the file says, in the caller's transaction.

    Indicators are kept by name (their values said in chat stay; a file's own values replace
    the imported ones); budget lines, ODD tags and mandataires are the file's; decisions and
    synergies from the file replace the imported ones, those said in chat stay."""
    kept = {
        row["name"]: row["id"]
        for row in db.query("select id, name from indicators where action_number = ?", [number])
    }
    for position, indicator in enumerate(fields.indicators):
        row = {
            "action_number": number,
            "position": position,
            "name": indicator.name,
            "unit": indicator.unit,
            "target": indicator.target,
        }
        if indicator.name in kept:
            db["indicators"].update(kept[indicator.name], row)
            indicator_id = kept[indicator.name]
        else:
            indicator_id = db["indicators"].insert(row).last_pk
        if indicator.values:
            db.execute(
                "delete from indicator_values where indicator_id = ? and update_id is null",
                [indicator_id],
            )
            db["indicator_values"].insert_all(
                {
                    "indicator_id": indicator_id,
                    "value": m.value,
                    "day": m.day.isoformat(),
                    "who": m.who,
                }
                for m in indicator.values
            )
    for table in ("budget_lines", "action_odd", "action_mandataries"):
        db.execute(f"delete from {table} where action_number = ?", [number])
    db["budget_lines"].insert_all(
        {
            "action_number": number,
            "year": line.year,
            "amount": line.amount,
            "kind": line.kind,
            "funding": line.funding,
        }
        for line in fields.budget
    )
    db["action_odd"].insert_all(
        {"action_number": number, "odd": odd} for odd in dict.fromkeys(fields.odd)
    )
    db["action_mandataries"].insert_all(
        {"action_number": number, "position": position, "name": name}
        for position, name in enumerate(dict.fromkeys(fields.mandataries))
    )
    if fields.decisions:
        db.execute("delete from decisions where action_number = ? and update_id is null", [number])
        db["decisions"].insert_all(
            {
                "action_number": number,
                "body": d.body,
                "day": d.day.isoformat(),
                "point": d.point,
                "url": d.url,
            }
            for d in fields.decisions
        )
    if fields.synergies:
        db.execute("delete from synergies where action_number = ? and update_id is null", [number])
        db["synergies"].insert_all(
            {
                "action_number": number,
                "partner_plan": s.partner_plan,
                "partner_code": s.partner_code,
            }
            for s in fields.synergies
        )
