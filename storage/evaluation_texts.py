"""The CODIR's words in the evaluation: its introduction and a comment per OS, written once in
chat (`!evaluation texte intro …`, `!evaluation texte OS 2 …`) and kept for every evaluation
after (schema 11, `evaluation_texts`).

    >>> from storage.clock import now_utc
    >>> set_text(db, plan_id, "os:2", "Objectif tenu malgré la crise.", who="@dg:x", at=now_utc())
    >>> texts_of(db, plan_id)
    {'os:2': 'Objectif tenu malgré la crise.'}

Keys: "intro", and "os:N" for the OS numbered N. Call the writers inside a transaction.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

INTRO = "intro"


def os_key(number: int | str) -> str:
    return f"os:{number}"


@dataclass(frozen=True)
class EvaluationText:
    key: str
    text: str
    who: str
    at: str  # UTC, ISO


def set_text(
    db: sqlite_utils.Database, plan_id: int, key: str, text: str, *, who: str, at: datetime
) -> None:
    """Store (or replace) the text under `key` for the plan."""
    db.execute(
        "insert into evaluation_texts (plan_id, key, text, who, at) values (?, ?, ?, ?, ?)"
        " on conflict (plan_id, key) do update set text = excluded.text, who = excluded.who,"
        " at = excluded.at",
        [plan_id, key, text, who, at.isoformat()],
    )


def clear_text(db: sqlite_utils.Database, plan_id: int, key: str) -> bool:
    """Remove the text under `key`; False when there was none."""
    cursor = db.execute(
        "delete from evaluation_texts where plan_id = ? and key = ?", [plan_id, key]
    )
    return cursor.rowcount > 0


def stored_texts(db: sqlite_utils.Database, plan_id: int) -> dict[str, EvaluationText]:
    rows = db.execute(
        "select key, text, who, at from evaluation_texts where plan_id = ? order by key",
        [plan_id],
    ).fetchall()
    return {key: EvaluationText(key, text, who, at) for key, text, who, at in rows}


def texts_of(db: sqlite_utils.Database, plan_id: int) -> dict[str, str]:
    """Key -> text, as `reports.evaluation_report(texts=...)` reads them."""
    return {key: entry.text for key, entry in stored_texts(db, plan_id).items()}
