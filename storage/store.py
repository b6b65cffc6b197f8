"""Reading and writing the PST: plain functions over a sqlite-utils Database.

    >>> db = open_db(":memory:")
    >>> report = import_plan(db, load_example())
    >>> get_action(db, 52)["pilots"]
    ['LM', 'ACB']
    >>> record_update(db, 52, "LM", new_status="fait")["old_status"]
    'à démarrer'

Every write to an action also appends to `updates`, in the same transaction, so the current
status is always the last status of the history.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlite_utils

from storage.db import transaction
from storage.importing import ImportFormatError, ParsedPST
from storage.statuses import CLOSED, DONE, NOT_STARTED, parse_status


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# ---------------------------------------------------------------- reading the plan

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


def pilot_codes(db: sqlite_utils.Database) -> list[str]:
    """Every pilot named in the plan (initials and groups), sorted."""
    return [r[0] for r in db.execute("select distinct pilot from action_pilots order by pilot")]


def is_overdue(action: dict, today: date) -> bool:
    end = action.get("end_date")
    return bool(end) and action["status"] not in CLOSED and date.fromisoformat(end) < today


def last_updates(db: sqlite_utils.Database, number: int, limit: int = 3) -> list[dict]:
    """The latest history entries of an action, newest first."""
    sql = "select * from updates where action_number = ? order by id desc limit ?"
    return list(db.query(sql, [number, limit]))


def history(db: sqlite_utils.Database, number: int) -> list[dict]:
    """Every history entry of an action, oldest first."""
    return list(db.query("select * from updates where action_number = ? order by id", [number]))


def consolidated_rows(db: sqlite_utils.Database, with_history: bool = False) -> list[dict]:
    """One row per action for the table and the reports (see commands/reports)."""
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


# ---------------------------------------------------------------- writing updates


def record_update(
    db: sqlite_utils.Database,
    number: int,
    who: str,
    *,
    kind: str = "status",
    new_status: str | None = None,
    progress: int | None = None,
    comment: str | None = None,
    value: str | None = None,
    source_id: str | None = None,
    at: datetime | None = None,
) -> dict:
    """Change an action and append the change to its history; return the history entry.

    `new_status=None` keeps the status. Marking an action done sets its progress to 100 unless
    a progress is given. `value` is the indicator's reached value (kind "indicator") or the
    health (kind "health": bon, risque, bloque).
    """
    at_text = (at or now_utc()).isoformat()
    with transaction(db):
        current = db.execute(
            "select status, progress from actions where number = ?", [number]
        ).fetchone()
        if current is None:
            raise KeyError(number)
        old_status, old_progress = current
        status = new_status or old_status
        if progress is None and new_status == DONE:
            progress = 100
        new_progress = old_progress if progress is None else progress
        cursor = db.execute(
            "insert into updates (action_number, at, who, kind, old_status, new_status,"
            " old_progress, new_progress, comment, value, source_id)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                number,
                at_text,
                who,
                kind,
                old_status,
                status,
                old_progress,
                new_progress,
                comment,
                value,
                source_id,
            ],
        )
        db.execute(
            "update actions set status = ?, progress = ?, updated_at = ?,"
            " last_comment = coalesce(?, last_comment),"
            " indicator_value = coalesce(?, indicator_value), health = coalesce(?, health)"
            " where number = ?",
            [
                status,
                new_progress,
                at_text,
                comment,
                value if kind == "indicator" else None,
                value if kind == "health" else None,
                number,
            ],
        )
    return {
        "id": cursor.lastrowid,
        "action_number": number,
        "at": at_text,
        "who": who,
        "kind": kind,
        "old_status": old_status,
        "new_status": status,
        "old_progress": old_progress,
        "new_progress": new_progress,
        "comment": comment,
    }


# ---------------------------------------------------------------- importing a plan


@dataclass
class ImportReport:
    objectives: int = 0
    operational: int = 0
    actions: int = 0
    created: int = 0
    changed: int = 0
    statuses_applied: int = 0
    kept_missing: list[int] = field(default_factory=list)
    unparsed_deadlines: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report in French, for the DG."""
        lines = [
            f"{self.objectives} OS, {self.operational} OO, {self.actions} actions importés "
            f"({self.created} nouvelles, {self.changed} modifiées, "
            f"{self.statuses_applied} statuts repris du fichier)."
        ]
        if self.kept_missing:
            kept = ", ".join(map(str, self.kept_missing[:20]))
            lines.append(f"Actions absentes du fichier, conservées : {kept}.")
        if self.unparsed_deadlines:
            lines.append("Échéances non reconnues (gardées telles quelles) :")
            lines += [f"  action {n} : « {raw} »" for n, raw in self.unparsed_deadlines]
        lines += self.warnings
        return "\n".join(lines)


_DEFINITION = ("oo_number", "title", "indicators", "deadline", "start_date", "end_date")


def import_plan(db: sqlite_utils.Database, plan: ParsedPST, who: str = "import") -> ImportReport:
    """Load or refresh the plan in one transaction; statuses and history are never erased.

    Re-importing the same file changes nothing. A status, progress or comment given in the file
    is applied as a history entry when it differs from the current one.
    """
    report = ImportReport(
        objectives=len(plan.objectives),
        operational=len(plan.operational),
        actions=len(plan.actions),
        unparsed_deadlines=list(plan.unparsed_deadlines),
        warnings=list(plan.warnings),
    )
    with transaction(db):
        for os_row in plan.objectives:
            db.execute(
                "insert into strategic_objectives (number, title, volet) values (?, ?, ?)"
                " on conflict(number) do update set title = excluded.title, volet = excluded.volet",
                [os_row.number, os_row.title, os_row.volet],
            )
        for position, oo in enumerate(plan.operational):
            db.execute(
                "insert into operational_objectives (number, os_number, title, position)"
                " values (?, ?, ?, ?) on conflict(number) do update set"
                " os_number = excluded.os_number, title = excluded.title,"
                " position = excluded.position",
                [oo.number, oo.os_number, oo.title, position],
            )
        existing = {
            row["number"]: row
            for row in db.query(
                "select number, oo_number, title, indicators, deadline, start_date, end_date,"
                " status, progress, last_comment from actions"
            )
        }
        for row in plan.actions:
            _import_action(db, row, existing.get(row.number), who, report)
        seen = {row.number for row in plan.actions}
        report.kept_missing = sorted(set(existing) - seen)
    return report


def _import_action(db, row, current: dict | None, who: str, report: ImportReport) -> None:
    definition = {
        "oo_number": row.oo_number,
        "title": row.title,
        "indicators": row.indicators or "",
        "deadline": row.deadline or "",
        "start_date": row.start_date.isoformat() if row.start_date else None,
        "end_date": row.end_date.isoformat() if row.end_date else None,
    }
    if current is None:
        report.created += 1
        db.execute(
            "insert into actions (number, oo_number, title, indicators, deadline, start_date,"
            " end_date, status) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [row.number, *definition.values(), NOT_STARTED],
        )
        current = {**definition, "status": NOT_STARTED, "progress": None, "last_comment": None}
    elif any(current[key] != definition[key] for key in _DEFINITION):
        report.changed += 1
        db.execute(
            "update actions set oo_number = ?, title = ?, indicators = ?, deadline = ?,"
            " start_date = ?, end_date = ? where number = ?",
            [*definition.values(), row.number],
        )
    pilots = list(
        db.execute(
            "select pilot from action_pilots where action_number = ? order by position",
            [row.number],
        )
    )
    if [p[0] for p in pilots] != list(row.pilots):
        db.execute("delete from action_pilots where action_number = ?", [row.number])
        db.conn.executemany(
            "insert into action_pilots (action_number, pilot, position) values (?, ?, ?)",
            [(row.number, pilot, i) for i, pilot in enumerate(row.pilots)],
        )
    _import_status(db, row, current, who, report)


def _import_status(db, row, current: dict, who: str, report: ImportReport) -> None:
    status = None
    if row.status:
        status = parse_status(row.status)
        if status is None:
            raise ImportFormatError(
                f"Ligne {row.line} : statut « {row.status} » inconnu pour l'action {row.number}.",
                line=row.line,
            )
    comment = row.comment or None
    if comment == current["last_comment"]:
        comment = None
    status_changes = status is not None and status != current["status"]
    progress_changes = row.progress is not None and row.progress != current["progress"]
    if status_changes or progress_changes or comment:
        report.statuses_applied += 1
        record_update(
            db,
            row.number,
            who,
            kind="import",
            new_status=status if status_changes else None,
            progress=row.progress if progress_changes else None,
            comment=comment,
        )


# ---------------------------------------------------------------- transport bookkeeping


def handled_reply(db: sqlite_utils.Database, event_id: str) -> dict | None:
    """The stored reply of an event already handled, with its `delivered` flag, or None."""
    row = db.execute(
        "select reply, delivered from handled_events where event_id = ?", [event_id]
    ).fetchone()
    if row is None:
        return None
    return {"reply": json.loads(row[0]) if row[0] else None, "delivered": bool(row[1])}


def record_handled(db: sqlite_utils.Database, event_id: str, reply: dict | None) -> None:
    """Remember an event as handled; call inside the transaction that applied its effect."""
    db.execute(
        "insert or ignore into handled_events (event_id, at, reply, delivered) values (?,?,?,0)",
        [event_id, now_utc().isoformat(), json.dumps(reply) if reply is not None else None],
    )


def mark_delivered(db: sqlite_utils.Database, event_id: str) -> None:
    with transaction(db):
        db.execute("update handled_events set delivered = 1 where event_id = ?", [event_id])


def get_value(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("select value from kv where key = ?", [key]).fetchone()
    return row[0] if row else None


def set_value(db: sqlite_utils.Database, key: str, value: str) -> None:
    with transaction(db):
        db.execute(
            "insert into kv (key, value) values (?, ?)"
            " on conflict(key) do update set value = excluded.value",
            [key, value],
        )
