"""Loading a parsed plan into the database, and what the load changed (`ImportReport`).

    >>> db = open_db(":memory:")
    >>> import_plan(db, load_example()).summary().splitlines()[0]
    '6 OS, 25 OO, 127 actions importés (127 nouvelles, 0 modifiées, 0 statuts repris du fichier).'

The plan's definition (objectives, titles, indicators, deadlines, pilots) is written here; a
status, progress or comment from the file goes to the history through
`history.record_update`, like any other change.
"""

from dataclasses import dataclass, field

import sqlite_utils

from storage import history
from storage.db import transaction
from storage.importing.model import ActionRow, ImportFormatError, ParsedPST
from storage.vocabulary import IMPORT, NOT_STARTED, parse_status


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


def _import_action(
    db, row: ActionRow, current: dict | None, who: str, report: ImportReport
) -> None:
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


def _import_status(db, row: ActionRow, current: dict, who: str, report: ImportReport) -> None:
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
        history.record_update(
            db,
            row.number,
            who,
            kind=IMPORT,
            new_status=status if status_changes else None,
            progress=row.progress if progress_changes else None,
            comment=comment,
        )
