"""Every read of the plan: objectives, actions, their pilots, search, and the consolidated table.

    >>> action_by_code(db, plan_id, "52")["pilots"]
    ['LM', 'ACB']
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
from datetime import date, datetime

import sqlite_utils

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

_ACTION_SELECT = """
select a.*, o.number as oo_number, o.title as oo_title, s.number as os_number,
       s.title as os_title, s.volet as volet,
       (select group_concat(pilot, '/') from
          (select pilot from action_pilots p where p.action_number = a.number order by position))
         as pilots_joined
from actions a
join operational_objectives o on o.id = a.oo_id
join strategic_objectives s on s.id = o.os_id
"""


def _action_from_row(row: dict) -> dict:
    joined = row.pop("pilots_joined")
    row["pilots"] = joined.split("/") if joined else []
    return row


def _plan_order(action: dict) -> tuple:
    return (action["os_number"], action["oo_position"], code_key(action["code"]))


def get_action(db: sqlite_utils.Database, number: int) -> dict | None:
    """The action with the database key `number` (any plan), its OS and OO titles and pilots."""
    rows = list(db.query(_ACTION_SELECT + " where a.number = ?", [number]))
    return _action_from_row(rows[0]) if rows else None


def action_by_code(db: sqlite_utils.Database, plan_id: int, code: str) -> dict | None:
    """The action of the plan whose code is `code` ("29", "1.1.1"; case does not matter)."""
    exact = list(db.query(_ACTION_SELECT + " where a.plan_id = ? and a.code = ?", [plan_id, code]))
    rows = exact or list(
        db.query(
            _ACTION_SELECT + " where a.plan_id = ? and a.code = ? collate nocase",
            [plan_id, code],
        )
    )
    return _action_from_row(rows[0]) if rows else None


def list_actions(db: sqlite_utils.Database, plan_id: int, where: str = "", params=()) -> list[dict]:
    """The plan's actions in plan order (OS, OO, then codes compared part by part as numbers);
    `where` is an SQL condition on a (action), o (OO) or s (OS)."""
    sql = (
        _ACTION_SELECT.replace("select a.*,", "select a.*, o.position as oo_position,", 1)
        # "+a.plan_id": let SQLite pick the pilots' or the OO's index when there is one,
        # rather than walk every action of the plan.
        + " where +a.plan_id = ?"
        + (f" and ({where})" if where else "")
    )
    actions = [_action_from_row(row) for row in db.query(sql, [plan_id, *params])]
    actions.sort(key=_plan_order)
    return actions


def actions_of_os(db: sqlite_utils.Database, plan_id: int, os_number: int) -> list[dict]:
    return list_actions(db, plan_id, "s.number = ?", [os_number])


def actions_of_oo(db: sqlite_utils.Database, plan_id: int, oo_number: str) -> list[dict]:
    return list_actions(db, plan_id, "o.number = ?", [oo_number])


def actions_of_pilots(db: sqlite_utils.Database, plan_id: int, pilots: set[str]) -> list[dict]:
    """The plan's actions one of `pilots` (initials or group names) is pilot of."""
    if not pilots:
        return []
    marks = ",".join("?" * len(pilots))
    where = f"a.number in (select action_number from action_pilots where pilot in ({marks}))"
    return list_actions(db, plan_id, where, sorted(pilots))


def code_range(db: sqlite_utils.Database, plan_id: int) -> tuple[str, str] | None:
    """The first and last action codes of the plan, or None when it has no action."""
    codes = [row[0] for row in db.execute("select code from actions where plan_id = ?", [plan_id])]
    if not codes:
        return None
    codes.sort(key=code_key)
    return codes[0], codes[-1]


def is_overdue(action: dict, today: date) -> bool:
    end = action.get("end_date")
    return bool(end) and action["status"] not in CLOSED and date.fromisoformat(end) < today


# ---------------------------------------------------------------- pilots


def pilot_codes(db: sqlite_utils.Database) -> list[str]:
    """Every pilot named in any plan (initials and groups), sorted."""
    return [r[0] for r in db.execute("select distinct pilot from action_pilots order by pilot")]


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


# ---------------------------------------------------------------- the consolidated table


def consolidated_rows(
    db: sqlite_utils.Database, plan_id: int, with_history: bool = False
) -> list[dict]:
    """One row per action of the plan for the table and the reports (see reports/plan.py);
    "number" is the action's code as printed (an int when it is one)."""
    histories: dict[int, list[dict]] = {}
    if with_history:
        sql = (
            "select u.* from updates u join actions a on a.number = u.action_number"
            " where a.plan_id = ? order by u.id"
        )
        for entry in db.query(sql, [plan_id]):
            entry["at"] = datetime.fromisoformat(entry["at"])
            histories.setdefault(entry["action_number"], []).append(entry)
    rows = []
    for a in list_actions(db, plan_id):
        rows.append(
            {
                "os_number": a["os_number"],
                "os_title": a["os_title"],
                "volet": a["volet"],
                "oo_number": a["oo_number"],
                "oo_title": a["oo_title"],
                "number": int(a["code"]) if a["code"].isdigit() else a["code"],
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
