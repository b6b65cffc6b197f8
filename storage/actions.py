"""The plan's actions as one value, `Action`, and every read of the plan: objectives, actions,
their pilots, search.

    >>> action = action_by_code(db, plan_id, "52")
    >>> action.code, action.pilots, action.end
    ('52', ('LM', 'ACB'), datetime.date(2022, 12, 31))
    >>> action.is_late(date(2023, 1, 1)), action.days_late(date(2023, 1, 31))
    (True, 31)
    >>> operational_objective(db, plan_id, "3.1")["os_number"]
    3
    >>> search_actions(db, plan_id, ["numerisation", "courrier"])
    [52]

Every read is of one plan (`plan_id`, see storage/plans.py). An action has a code as printed
("29", "1.1.1") and a number, the database's key, that the history and the pilots refer to.

Nothing here writes: the plan is loaded by `storage.importing` and changed through
`storage.history`, which keeps every change.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlite_utils

from storage.clock import local_time
from storage.vocabulary import CLOSED, code_key

# ---------------------------------------------------------------- objectives


def strategic_objective(db: sqlite_utils.Database, plan_id: int, number: int) -> dict | None:
    sql = "select * from strategic_objectives where plan_id = ? and number = ?"
    rows = list(db.query(sql, [plan_id, number]))
    return rows[0] if rows else None


def strategic_objectives(db: sqlite_utils.Database, plan_id: int) -> list[dict]:
    sql = "select * from strategic_objectives where plan_id = ? order by number"
    return list(db.query(sql, [plan_id]))


_OO_SELECT = (
    "select o.*, s.number as os_number from operational_objectives o"
    " join strategic_objectives s on s.id = o.os_id where o.plan_id = ?"
)


def operational_objective(db: sqlite_utils.Database, plan_id: int, number: str) -> dict | None:
    rows = list(db.query(_OO_SELECT + " and o.number = ?", [plan_id, number]))
    return rows[0] if rows else None


def operational_objectives(db: sqlite_utils.Database, plan_id: int, os_number: int) -> list[dict]:
    sql = _OO_SELECT + " and s.number = ? order by o.position"
    return list(db.query(sql, [plan_id, os_number]))


# ---------------------------------------------------------------- actions

#: An open action without an update for this many weeks is "silent", unless the configuration
#: says otherwise (`[rhythm] silent_after_weeks`): the digest, the reminders and the evaluation.
SILENT_AFTER_WEEKS = 6


@dataclass(frozen=True)
class Action:
    """One action of a plan, as storage holds it: what chat commands and reports read."""

    #: The database key, that the history and the pilots refer to.
    number: int
    plan_id: int
    #: The code as printed in the plan ("29", "1.1.1").
    code: str
    title: str
    os_number: int
    os_title: str
    volet: str | None
    oo_number: str
    oo_title: str
    #: The OO's place among the plan's OOs, then the action's own among the OO's.
    oo_position: int
    position: int | None
    pilots: tuple[str, ...]
    indicators: str
    #: The deadline as written ("fin 2024", "T2 2026"); `end` is the day it stands for.
    deadline: str
    start: date | None
    end: date | None
    status: str
    progress: int | None
    health: str | None
    indicator_value: str | None
    last_comment: str | None
    updated_at: datetime | None
    #: The history entries, oldest first, when the read asked for them (`with_history`).
    history: tuple[dict, ...] = field(default=(), compare=False, repr=False)

    def days_late(self, day: date) -> int:
        """Days past the end date on `day`; 0 when not late (or done, or abandoned)."""
        if self.end is None or self.status in CLOSED or self.end >= day:
            return 0
        return (day - self.end).days

    def is_late(self, day: date) -> bool:
        return self.days_late(day) > 0

    def is_silent(self, day: date, weeks: int = SILENT_AFTER_WEEKS) -> bool:
        """Open, and not updated in the `weeks` before `day` (done and abandoned are quiet)."""
        if self.status in CLOSED:
            return False
        last = local_time(self.updated_at).date() if self.updated_at else None
        return last is None or last < day - timedelta(weeks=weeks)

    @property
    def printed_number(self) -> int | str:
        """The code as a report sorts and prints it: 29 (a number) or "1.1.1"."""
        return int(self.code) if self.code.isdigit() else self.code

    @property
    def pilots_text(self) -> str:
        """ "LM/ACB" """
        return "/".join(self.pilots)


_ACTION_SELECT = """
select a.*, o.number as oo_number, o.title as oo_title, o.position as oo_position,
       s.number as os_number, s.title as os_title, s.volet as volet,
       (select group_concat(pilot, '/') from
          (select pilot from action_pilots p where p.action_number = a.number order by position))
         as pilots_joined
from actions a
join operational_objectives o on o.id = a.oo_id
join strategic_objectives s on s.id = o.os_id
"""


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _action_from_row(row: dict, history: tuple[dict, ...] = ()) -> Action:
    joined = row["pilots_joined"]
    return Action(
        number=row["number"],
        plan_id=row["plan_id"],
        code=row["code"],
        title=row["title"],
        os_number=row["os_number"],
        os_title=row["os_title"],
        volet=row["volet"],
        oo_number=row["oo_number"],
        oo_title=row["oo_title"],
        oo_position=row["oo_position"],
        position=row["position"],
        pilots=tuple(joined.split("/")) if joined else (),
        indicators=row["indicators"] or "",
        deadline=row["deadline"] or "",
        start=_day(row["start_date"]),
        end=_day(row["end_date"]),
        status=row["status"],
        progress=row["progress"],
        health=row["health"],
        indicator_value=row["indicator_value"],
        last_comment=row["last_comment"],
        updated_at=datetime.fromisoformat(row["updated_at"]) if row["updated_at"] else None,
        history=history,
    )


def _plan_order(action: Action) -> tuple:
    return (action.os_number, action.oo_position, code_key(action.code))


def get_action(db: sqlite_utils.Database, number: int) -> Action | None:
    """The action with the database key `number` (any plan), its OS and OO titles and pilots."""
    rows = list(db.query(_ACTION_SELECT + " where a.number = ?", [number]))
    return _action_from_row(rows[0]) if rows else None


def action_by_code(db: sqlite_utils.Database, plan_id: int, code: str) -> Action | None:
    """The action of the plan whose code is `code` ("29", "1.1.1"; case does not matter)."""
    exact = list(db.query(_ACTION_SELECT + " where a.plan_id = ? and a.code = ?", [plan_id, code]))
    rows = exact or list(
        db.query(
            _ACTION_SELECT + " where a.plan_id = ? and a.code = ? collate nocase",
            [plan_id, code],
        )
    )
    return _action_from_row(rows[0]) if rows else None


def list_actions(
    db: sqlite_utils.Database,
    plan_id: int,
    where: str = "",
    params=(),
    *,
    with_history: bool = False,
) -> list[Action]:
    """The plan's actions in plan order (OS, OO, then codes compared part by part as numbers);
    `where` is an SQL condition on a (action), o (OO) or s (OS). `with_history`: each with its
    history entries (their "at" a datetime), for the reports that tell the past."""
    sql = (
        _ACTION_SELECT
        # "+a.plan_id": let SQLite pick the pilots' or the OO's index when there is one,
        # rather than walk every action of the plan.
        + " where +a.plan_id = ?"
        + (f" and ({where})" if where else "")
    )
    histories = _histories(db, plan_id) if with_history else {}
    actions = [
        _action_from_row(row, histories.get(row["number"], ()))
        for row in db.query(sql, [plan_id, *params])
    ]
    actions.sort(key=_plan_order)
    return actions


def _histories(db: sqlite_utils.Database, plan_id: int) -> dict[int, tuple[dict, ...]]:
    sql = (
        "select u.* from updates u join actions a on a.number = u.action_number"
        " where a.plan_id = ? order by u.id"
    )
    histories: dict[int, list[dict]] = {}
    for entry in db.query(sql, [plan_id]):
        entry["at"] = datetime.fromisoformat(entry["at"])
        histories.setdefault(entry["action_number"], []).append(entry)
    return {number: tuple(entries) for number, entries in histories.items()}


def actions_of_os(db: sqlite_utils.Database, plan_id: int, os_number: int) -> list[Action]:
    return list_actions(db, plan_id, "s.number = ?", [os_number])


def actions_of_oo(db: sqlite_utils.Database, plan_id: int, oo_number: str) -> list[Action]:
    return list_actions(db, plan_id, "o.number = ?", [oo_number])


def actions_of_pilots(db: sqlite_utils.Database, plan_id: int, pilots: set[str]) -> list[Action]:
    """The plan's actions one of `pilots` (initials or group names) is pilot of."""
    if not pilots:
        return []
    marks = ",".join("?" * len(pilots))
    where = f"a.number in (select action_number from action_pilots where pilot in ({marks}))"
    return list_actions(db, plan_id, where, sorted(pilots))


def codes_ending(db: sqlite_utils.Database, plan_id: int, code: str) -> list[str]:
    """The plan's codes that end with `code` after a dot, in plan order: « A1 » gives
    ["1.1.A1", "1.2.A1"] when the numbering restarted in each OO (the file printed « A1 »)."""
    rows = db.execute(
        "select code from actions where plan_id = ? and code like ? escape '\\'",
        [plan_id, "%." + code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")],
    )
    return sorted((row[0] for row in rows), key=code_key)


def code_range(db: sqlite_utils.Database, plan_id: int) -> tuple[str, str] | None:
    """The first and last action codes of the plan, or None when it has no action."""
    codes = [row[0] for row in db.execute("select code from actions where plan_id = ?", [plan_id])]
    if not codes:
        return None
    codes.sort(key=code_key)
    return codes[0], codes[-1]


# ---------------------------------------------------------------- pilots


def pilot_codes(db: sqlite_utils.Database, plan_id: int | None = None) -> list[str]:
    """Every pilot named in the plan (in any plan when None): initials and groups, sorted."""
    if plan_id is None:
        sql, params = "select distinct pilot from action_pilots order by pilot", []
    else:
        sql = (
            "select distinct p.pilot from action_pilots p join actions a"
            " on a.number = p.action_number where a.plan_id = ? order by p.pilot"
        )
        params = [plan_id]
    return [r[0] for r in db.execute(sql, params)]


def action_counts_by_pilot(db: sqlite_utils.Database, plan_id: int) -> dict[str, int]:
    """Pilot (initials or group) -> number of the plan's actions they pilot."""
    sql = (
        "select p.pilot, count(*) from action_pilots p join actions a on a.number ="
        " p.action_number where a.plan_id = ? group by p.pilot"
    )
    return dict(db.execute(sql, [plan_id]).fetchall())


# ---------------------------------------------------------------- search

#: A search word: letters and digits only, so FTS5 operators and quotes never reach the query.
_WORD = re.compile(r"\w+")
MAX_SEARCH_WORDS = 8


def search_words(text: str) -> list[str]:
    """The words of a search, without punctuation: `"l'audit" -> ["l", "audit"]`."""
    return _WORD.findall(text)[:MAX_SEARCH_WORDS]


def search_actions(db: sqlite_utils.Database, plan_id: int, words: list[str]) -> list[int]:
    """The plan's actions (database keys) whose title or indicators hold every word (as a
    prefix), best first.

    Accents and case do not matter: the index folds them (remove_diacritics 2).
    """
    if not words:
        return []
    # Each word quoted, so "AND", "NEAR" or "*" are searched for, not obeyed.
    query = " ".join('"' + word.replace('"', "") + '"*' for word in words)
    sql = (
        "select f.rowid from actions_fts f join actions a on a.number = f.rowid"
        " where actions_fts match ? and a.plan_id = ? order by f.rank"
    )
    return [row[0] for row in db.execute(sql, [query, plan_id])]
