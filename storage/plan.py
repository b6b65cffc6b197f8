"""Every read of the plan: objectives, actions, their pilots, search, and the consolidated table.

    >>> get_action(db, 52)["pilots"]
    ['LM', 'ACB']
    >>> operational_objective(db, "3.1")["os_number"]
    3
    >>> search_actions(db, ["numerisation", "courrier"])
    [52]

Nothing here writes: the plan is loaded by `storage.importing` and changed through
`storage.history`, which keeps every change.
"""

import re
from datetime import date, datetime

import sqlite_utils

from storage.vocabulary import CLOSED

# ---------------------------------------------------------------- objectives


def strategic_objective(db: sqlite_utils.Database, number: int) -> dict | None:
    rows = list(db.query("select * from strategic_objectives where number = ?", [number]))
    return rows[0] if rows else None


def strategic_objectives(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("select * from strategic_objectives order by number"))


def operational_objective(db: sqlite_utils.Database, number: str) -> dict | None:
    rows = list(db.query("select * from operational_objectives where number = ?", [number]))
    return rows[0] if rows else None


def operational_objectives(db: sqlite_utils.Database, os_number: int) -> list[dict]:
    sql = "select * from operational_objectives where os_number = ? order by position"
    return list(db.query(sql, [os_number]))


# ---------------------------------------------------------------- actions

_ACTION_SELECT = """
select a.*, o.title as oo_title, o.os_number as os_number, s.title as os_title, s.volet as volet,
       (select group_concat(pilot, '/') from
          (select pilot from action_pilots p where p.action_number = a.number order by position))
         as pilots_joined
from actions a
join operational_objectives o on o.number = a.oo_number
join strategic_objectives s on s.number = o.os_number
"""

_PLAN_ORDER = " order by s.number, o.position, a.number"


def _action_from_row(row: dict) -> dict:
    joined = row.pop("pilots_joined")
    row["pilots"] = joined.split("/") if joined else []
    return row


def get_action(db: sqlite_utils.Database, number: int) -> dict | None:
    """The action with its OS and OO titles and its pilots, or None."""
    rows = list(db.query(_ACTION_SELECT + " where a.number = ?", [number]))
    return _action_from_row(rows[0]) if rows else None


def list_actions(db: sqlite_utils.Database, where: str = "", params=()) -> list[dict]:
    """Actions in plan order; `where` is an SQL condition on a (action), o (OO) or s (OS)."""
    sql = _ACTION_SELECT + (f" where {where}" if where else "") + _PLAN_ORDER
    return [_action_from_row(row) for row in db.query(sql, params)]


def actions_of_os(db: sqlite_utils.Database, os_number: int) -> list[dict]:
    return list_actions(db, "o.os_number = ?", [os_number])


def actions_of_oo(db: sqlite_utils.Database, oo_number: str) -> list[dict]:
    return list_actions(db, "a.oo_number = ?", [oo_number])


def actions_of_pilots(db: sqlite_utils.Database, pilots: set[str]) -> list[dict]:
    """The actions one of `pilots` (initials or group names) is pilot of."""
    if not pilots:
        return []
    marks = ",".join("?" * len(pilots))
    where = f"a.number in (select action_number from action_pilots where pilot in ({marks}))"
    return list_actions(db, where, sorted(pilots))


def action_range(db: sqlite_utils.Database) -> tuple[int, int] | None:
    """Smallest and largest action numbers, or None for an empty plan."""
    low, high = db.execute("select min(number), max(number) from actions").fetchone()
    return None if low is None else (low, high)


def is_overdue(action: dict, today: date) -> bool:
    end = action.get("end_date")
    return bool(end) and action["status"] not in CLOSED and date.fromisoformat(end) < today


# ---------------------------------------------------------------- pilots


def pilot_codes(db: sqlite_utils.Database) -> list[str]:
    """Every pilot named in the plan (initials and groups), sorted."""
    return [r[0] for r in db.execute("select distinct pilot from action_pilots order by pilot")]


def action_counts_by_pilot(db: sqlite_utils.Database) -> dict[str, int]:
    """Pilot (initials or group) -> number of actions they pilot."""
    sql = "select pilot, count(*) from action_pilots group by pilot"
    return dict(db.execute(sql).fetchall())


# ---------------------------------------------------------------- search

#: A search word: letters and digits only, so FTS5 operators and quotes never reach the query.
_WORD = re.compile(r"\w+")
MAX_SEARCH_WORDS = 8


def search_words(text: str) -> list[str]:
    """The words of a search, without punctuation: `"l'audit" -> ["l", "audit"]`."""
    return _WORD.findall(text)[:MAX_SEARCH_WORDS]


def search_actions(db: sqlite_utils.Database, words: list[str]) -> list[int]:
    """Action numbers whose title or indicators hold every word (as a prefix), best first.

    Accents and case do not matter: the index folds them (remove_diacritics 2).
    """
    if not words:
        return []
    # Each word quoted, so "AND", "NEAR" or "*" are searched for, not obeyed.
    query = " ".join('"' + word.replace('"', "") + '"*' for word in words)
    sql = "select rowid from actions_fts where actions_fts match ? order by rank"
    return [row[0] for row in db.execute(sql, [query])]


# ---------------------------------------------------------------- the consolidated table


def consolidated_rows(db: sqlite_utils.Database, with_history: bool = False) -> list[dict]:
    """One row per action for the table and the reports (see reports/plan.py)."""
    histories: dict[int, list[dict]] = {}
    if with_history:
        for entry in db.query("select * from updates order by id"):
            entry["at"] = datetime.fromisoformat(entry["at"])
            histories.setdefault(entry["action_number"], []).append(entry)
    rows = []
    for a in list_actions(db):
        rows.append(
            {
                "os_number": a["os_number"],
                "os_title": a["os_title"],
                "volet": a["volet"],
                "oo_number": a["oo_number"],
                "oo_title": a["oo_title"],
                "number": a["number"],
                "title": a["title"],
                "indicators": a["indicators"] or "",
                "pilots": a["pilots"],
                "deadline": a["deadline"] or "",
                "start_date": date.fromisoformat(a["start_date"]) if a["start_date"] else None,
                "end_date": date.fromisoformat(a["end_date"]) if a["end_date"] else None,
                "status": a["status"],
                "progress": a["progress"],
                "health": a["health"],
                "indicator_value": a["indicator_value"],
                "last_comment": a["last_comment"],
                "last_update": datetime.fromisoformat(a["updated_at"]) if a["updated_at"] else None,
                "history": histories.get(a["number"], []),
            }
        )
    return rows
