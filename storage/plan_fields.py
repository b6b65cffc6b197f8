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

Every read here is of the effective record: a value, a decision or a synergy said in chat
(written with its history entry by storage/plan_fields_chat.py) whose entry was undone is not
read. What an import brings has no entry and is replaced by the next import of the same action.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from storage.french import number_text
from storage.history import undone_ids
from storage.vocabulary import fold

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


# ---------------------------------------------------------------- reading across the plan


def actions_with_odd(db: sqlite_utils.Database, plan_id: int, odd: int | None) -> list[int]:
    """The numbers of the plan's actions tagged ODD `odd`; with None, those without any."""
    if odd is None:
        sql = (
            "select number from actions where plan_id = ? and number not in"
            " (select action_number from action_odd)"
        )
        return [row[0] for row in db.execute(sql, [plan_id])]
    sql = (
        "select a.number from actions a join action_odd d on d.action_number = a.number"
        " where a.plan_id = ? and d.odd = ?"
    )
    return [row[0] for row in db.execute(sql, [plan_id, odd])]


def actions_of_mandataries(
    db: sqlite_utils.Database, plan_id: int, names: Iterable[str]
) -> list[int]:
    """The numbers of the plan's actions whose mandataire is one of `names` (accents and case
    forgiven): a mandataire is named as the directory names a pilot (its initials or name)."""
    wanted = {fold(name) for name in names}
    sql = (
        "select m.action_number, m.name from action_mandataries m join actions a"
        " on a.number = m.action_number where a.plan_id = ?"
    )
    return sorted({number for number, name in db.execute(sql, [plan_id]) if fold(name) in wanted})


def action_in_plan(db: sqlite_utils.Database, plan_code: str, action_code: str):
    """(plan exists, action number or None) for a synergy's partner `plan_code:action_code`."""
    plan = db.execute("select id from plans where lower(code) = lower(?)", [plan_code]).fetchone()
    if plan is None:
        return False, None
    row = db.execute(
        "select number from actions where plan_id = ? and code = ?", [plan[0], action_code]
    ).fetchone()
    return True, row[0] if row else None


def synergies_towards(db: sqlite_utils.Database, plan_code: str, action_code: str) -> list[dict]:
    """The effective synergies other plans' actions mark towards `plan_code:action_code`, each
    with the marking action's plan code and action code."""
    undone = undone_ids(db)
    rows = db.query(
        "select s.update_id, p.code as plan_code, a.code as action_code from synergies s"
        " join actions a on a.number = s.action_number join plans p on p.id = a.plan_id"
        " where lower(s.partner_plan) = lower(?) and s.partner_code = ? order by s.id",
        [plan_code, action_code],
    )
    return [row for row in rows if _effective(row, undone)]


def budget_totals(db: sqlite_utils.Database, plan_id: int) -> dict[str, dict]:
    """The plan's budget summed by OO and by OS: {"oo": {"1.1": 15000.0}, "os": {1: …}}; only
    the objectives that have budget lines."""
    sql = (
        "select o.number, s.number, sum(b.amount) from budget_lines b"
        " join actions a on a.number = b.action_number"
        " join operational_objectives o on o.id = a.oo_id"
        " join strategic_objectives s on s.id = o.os_id"
        " where a.plan_id = ? group by o.number, s.number"
    )
    totals: dict[str, dict] = {"oo": {}, "os": {}}
    for oo, os_, amount in db.execute(sql, [plan_id]):
        totals["oo"][oo] = amount
        totals["os"][os_] = totals["os"].get(os_, 0) + amount
    return totals


# ---------------------------------------------------------------- how they read


def money(amount: float) -> str:
    """An amount in euros.

    >>> money(15000)
    '15 000 €'
    """
    return f"{number_text(amount)} €"


def decision_text(decision: Decision) -> str:
    """A decision as it reads.

    >>> decision_text(Decision("conseil", date(2027, 3, 24), "12"))
    'conseil du 24/03/2027, point 12'
    """
    text = f"{decision.body} du {decision.day.strftime('%d/%m/%Y')}"
    if decision.point:
        text += f", point {decision.point}"
    if decision.url:
        text += f" {decision.url}"
    return text


def synergy_text(synergy: Synergy) -> str:
    return synergy.partner_plan + (f":{synergy.partner_code}" if synergy.partner_code else "")
