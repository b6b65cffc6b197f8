"""Read queries over the plan for the reading commands: objectives, search, counts.

>>> operational_objective(db, "3.1")["os_number"]
3
>>> search_actions(db, ["numerisation", "courrier"])
[52]
"""

import re

import sqlite_utils

from storage import store

#: A search word: letters and digits only, so FTS5 operators and quotes never reach the query.
_WORD = re.compile(r"\w+")
MAX_SEARCH_WORDS = 8


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


def actions_of_os(db: sqlite_utils.Database, os_number: int) -> list[dict]:
    return store.list_actions(db, "o.os_number = ?", [os_number])


def actions_of_oo(db: sqlite_utils.Database, oo_number: str) -> list[dict]:
    return store.list_actions(db, "a.oo_number = ?", [oo_number])


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


def action_counts_by_pilot(db: sqlite_utils.Database) -> dict[str, int]:
    """Pilot (initials or group) -> number of actions they pilot."""
    sql = "select pilot, count(*) from action_pilots group by pilot"
    return dict(db.execute(sql).fetchall())
