"""Loading a parsed plan into the database, and what the load changed (`ImportReport`).

    >>> from storage.importing import load_example
    >>> import_plan(db, load_example(), "cpas").summary().splitlines()[0]   # a new plan, "cpas"
    '6 OS, 25 OO, 127 actions importés (127 nouvelles, 0 modifiées, 0 statuts repris du fichier).'

The plan's definition (objectives, titles, indicators, deadlines, pilots) is written here; a
status, progress or comment from the file goes to the history through
`history.record_update`, like any other change.
"""

import difflib
from dataclasses import dataclass, field, replace

import sqlite_utils

from storage import history, plan_fields, plans
from storage.deadlines import read_deadline
from storage.importing.messages import MESSAGES
from storage.importing.model import ActionRow, ImportFormatError, ParsedPST
from storage.transactions import transaction
from storage.vocabulary import IMPORT, NOT_STARTED, code_key, fold, split_status

#: How many listed items a report shows before "… et N autres".
SHOWN = 20
#: A file whose titles differ at more than this share of the codes both hold is another plan.
OTHER_PLAN_SHARE = 0.5
#: Two titles this similar (0-1) are the same action reworded, not another action.
SAME_TITLE = 0.6


class WrongPlan(ImportFormatError):
    """The file is another plan than the one it is imported into."""


@dataclass
class ImportReport:
    objectives: int = 0
    operational: int = 0
    actions: int = 0
    created: int = 0
    changed: int = 0
    statuses_applied: int = 0
    kept_missing: list[str] = field(default_factory=list)
    unparsed_deadlines: list[tuple[str, str]] = field(default_factory=list)
    #: The file line of each action, to name it in the deadline warnings.
    deadline_lines: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: What changed, one French line per action ("action 12 : titre « … » → « … »").
    changes: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: The code of the plan imported into.
    plan: str = ""

    def summary(self) -> str:
        """The report in French, for the DG."""
        verb = "seraient importés" if self.dry_run else "importés"
        lines = [
            f"{self.objectives} OS, {self.operational} OO, {self.actions} actions {verb} "
            f"({self.created} nouvelles, {self.changed} modifiées, "
            f"{self.statuses_applied} statuts repris du fichier)."
        ]
        if self.changes:
            lines.append("Modifications :")
            lines += [f"  {line}" for line in _listed(self.changes)]
        if self.kept_missing:
            kept = ", ".join(_listed(self.kept_missing))
            lines.append(f"Actions absentes du fichier, conservées : {kept}.")
        lines += self._deadline_warnings()
        lines += self.warnings
        if self.dry_run:
            lines.append("Aperçu seulement : rien n'a été enregistré.")
        return "\n".join(lines)

    def _deadline_warnings(self) -> list[str]:
        """Ongoing deadlines (« continu ») in one line; those not understood one per line."""
        ongoing, unknown = [], []
        for code, raw in self.unparsed_deadlines:
            line = self.deadline_lines.get(code)
            where = f"action {code} (ligne {line})" if line else f"action {code}"
            if read_deadline(raw).ongoing:
                ongoing.append(where)
            else:
                unknown.append(f"{where} : « {raw} »")
        lines = []
        if ongoing:
            listed = ", ".join(_listed(ongoing))
            lines.append(f"Échéances en continu (sans fin, jamais en retard) : {listed}.")
        if unknown:
            lines.append("Échéances non reconnues (gardées telles quelles, sans date) :")
            lines += [f"  {line}" for line in _listed(unknown)]
        return lines


def _listed(items: list[str]) -> list[str]:
    """At most SHOWN items, then how many more there are."""
    if len(items) <= SHOWN:
        return list(items)
    return [*items[:SHOWN], f"… et {len(items) - SHOWN} autres"]


class _Preview(Exception):  # noqa: N818 (a signal: roll the preview back)
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def import_plan(
    db: sqlite_utils.Database,
    parsed: ParsedPST,
    plan: str | None = None,
    *,
    title: str = "",
    who: str = "import",
    dry_run: bool = False,
) -> ImportReport:
    """Import `parsed` into the plan coded `plan` (created if new). Without a code: the only
    plan of the database, or a new plan "pst" in an empty one; with several plans, a code is
    required (the refusal lists them)."""
    try:
        with transaction(db):
            target = _target_plan(db, plan, title)
            report = merge_plan(db, parsed, target.id, who)
            report.plan, report.dry_run = target.code, dry_run
            if dry_run:
                raise _Preview(report)
    except _Preview as preview:
        return preview.report
    return report


def _target_plan(db, code: str | None, title: str) -> plans.Plan:
    """The plan `plans.choose_plan` picks; a new code, or an empty database, makes a new plan."""
    if code is not None:
        code = code.strip().lower()
        if not plans.CODE.match(code):
            raise ImportFormatError(MESSAGES["bad_plan_code"].format(code=code[:40]))
    try:
        found = plans.choose_plan(db, code=code)
    except plans.PlanAmbiguous as error:
        codes = ", ".join(error.codes)
        raise ImportFormatError(MESSAGES["which_plan"].format(codes=codes)) from None
    except (plans.NoPlan, plans.PlanUnknown):
        return plans.create_plan(db, code or plans.DEFAULT_CODE, title=title)
    if found.closed and code is not None:  # the only plan, unnamed, is refreshed as before
        raise ImportFormatError(MESSAGES["closed_plan"].format(code=found.code))
    return found


def merge_plan(
    db: sqlite_utils.Database,
    parsed: ParsedPST,
    plan_id: int,
    who: str = "import",
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Load or refresh plan `plan_id` in one transaction; statuses and history are never erased.

    Re-importing the same file changes nothing. A status, progress or comment given in the file
    is applied as a history entry when it differs from the current one. A file that is another
    plan (its titles differ at most of the codes both hold) is refused (`WrongPlan`), nothing
    changed. With `dry_run`, everything is computed and nothing kept.
    """
    report = ImportReport(
        objectives=len(parsed.objectives),
        operational=len(parsed.operational),
        actions=len(parsed.actions),
        unparsed_deadlines=list(parsed.unparsed_deadlines),
        deadline_lines={row.code: row.line for row in parsed.actions},
        warnings=list(parsed.warnings),
        dry_run=dry_run,
    )
    try:
        with transaction(db):
            _load(db, parsed, plan_id, who, report)
            if dry_run:
                raise _Preview(report)
    except _Preview as preview:
        return preview.report
    return report


def _load(db, parsed: ParsedPST, plan_id: int, who: str, report: ImportReport) -> None:
    existing = {
        row["code"]: row
        for row in db.query(
            "select a.number, a.code, a.oo_id, a.title, a.indicators, a.deadline, a.start_date,"
            " a.end_date, a.status, a.progress, a.last_comment from actions a"
            " where a.plan_id = ?",
            [plan_id],
        )
    }
    _refuse_another_plan(db, parsed, plan_id, existing)
    os_ids = {}
    for os_row in parsed.objectives:
        db.execute(
            "insert into strategic_objectives (plan_id, number, title, volet) values (?, ?, ?, ?)"
            " on conflict(plan_id, number) do update set title = excluded.title,"
            " volet = excluded.volet",
            [plan_id, os_row.number, os_row.title, os_row.volet],
        )
        os_ids[os_row.number] = db.execute(
            "select id from strategic_objectives where plan_id = ? and number = ?",
            [plan_id, os_row.number],
        ).fetchone()[0]
    oo_ids = {}
    for position, oo in enumerate(parsed.operational):
        db.execute(
            "insert into operational_objectives (plan_id, os_id, number, title, position)"
            " values (?, ?, ?, ?, ?) on conflict(plan_id, number) do update set"
            " os_id = excluded.os_id, title = excluded.title, position = excluded.position",
            [plan_id, os_ids[oo.os_number], oo.number, oo.title, position],
        )
        oo_ids[oo.number] = db.execute(
            "select id from operational_objectives where plan_id = ? and number = ?",
            [plan_id, oo.number],
        ).fetchone()[0]
    for position, row in enumerate(parsed.actions):
        number, *status = _import_action(
            db, plan_id, row, oo_ids[row.oo_number], position, existing, who, report
        )
        if parsed.fields_given:
            _import_fields(db, number, row, parsed.fields_given, tuple(status), report)
    seen = {row.code for row in parsed.actions}
    report.kept_missing = sorted(set(existing) - seen, key=code_key)


def _refuse_another_plan(db, parsed: ParsedPST, plan_id: int, existing: dict) -> None:
    common = [row for row in parsed.actions if row.code in existing]
    if len(common) < 3:
        return
    differ = [row for row in common if not _same_title(row.title, existing[row.code]["title"])]
    if len(differ) > OTHER_PLAN_SHARE * len(common):
        code = db.execute("select code from plans where id = ?", [plan_id]).fetchone()[0]
        raise WrongPlan(
            MESSAGES["wrong_plan"].format(
                plan=code, differ=len(differ), common=len(common), example=differ[0].code
            )
        )


def _same_title(new: str, old: str) -> bool:
    return difflib.SequenceMatcher(None, fold(new), fold(old)).ratio() >= SAME_TITLE


_DEFINITION = ("oo_id", "title", "indicators", "deadline", "start_date", "end_date")


def _import_action(
    db, plan_id, row: ActionRow, oo_id, position, existing, who, report: ImportReport
) -> tuple[int, bool, bool]:
    """Write one action's definition, pilots and status: (its number, whether it is new,
    whether its definition changed)."""
    definition = {
        "oo_id": oo_id,
        "title": row.title,
        "indicators": row.indicators or "",
        "deadline": row.deadline or "",
        "start_date": row.start_date.isoformat() if row.start_date else None,
        "end_date": row.end_date.isoformat() if row.end_date else None,
    }
    current = existing.get(row.code)
    if current is None:
        report.created += 1
        cursor = db.execute(
            "insert into actions (plan_id, code, position, oo_id, title, indicators, deadline,"
            " start_date, end_date, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [plan_id, row.code, position, *definition.values(), NOT_STARTED],
        )
        number = cursor.lastrowid
        current = {**definition, "status": NOT_STARTED, "progress": None, "last_comment": None}
        created, counted = True, False
    else:
        created = counted = False
        number = current["number"]
        db.execute("update actions set position = ? where number = ?", [position, number])
        if any(current[key] != definition[key] for key in _DEFINITION):
            counted = True
            report.changed += 1
            report.changes += _changes(row.code, current, definition)
            db.execute(
                "update actions set oo_id = ?, title = ?, indicators = ?, deadline = ?,"
                " start_date = ?, end_date = ? where number = ?",
                [*definition.values(), number],
            )
    pilots = list(
        db.execute(
            "select pilot from action_pilots where action_number = ? order by position",
            [number],
        )
    )
    if [p[0] for p in pilots] != list(row.pilots):
        db.execute("delete from action_pilots where action_number = ?", [number])
        db.conn.executemany(
            "insert into action_pilots (action_number, pilot, position) values (?, ?, ?)",
            [(number, pilot, i) for i, pilot in enumerate(row.pilots)],
        )
    _import_status(db, number, row, current, who, report)
    return number, created, counted


#: The fields `store_imported` replaces whole: a file without their column keeps them.
_REPLACED = ("budget", "odd", "mandataries")
#: How a changed field is named in the report.
_FIELD_NAMES = {
    "indicators": "indicateurs chiffrés",
    "budget": "budget",
    "odd": "ODD",
    "mandataries": "mandataires",
    "decisions": "décisions",
    "synergies": "synergies",
}


def _import_fields(
    db, number: int, row: ActionRow, given: list[str], status: tuple, report: ImportReport
) -> None:
    """Store the fields the file has columns for (`plan_fields.store_imported`); a changed
    field makes the action one of the changed ones (`status`: whether it is new, whether
    it already counts as changed)."""
    created, counted = status
    before = plan_fields.fields_of(db, [number])[number]
    kept = {name: getattr(before, name) for name in _REPLACED if name not in given}
    wanted = replace(row.fields, **kept)
    if wanted.is_empty and before.is_empty:
        return
    plan_fields.store_imported(db, number, wanted)
    after = plan_fields.fields_of(db, [number])[number]
    changed = [name for name in _FIELD_NAMES if getattr(before, name) != getattr(after, name)]
    if not changed or created:
        return
    if not counted:
        report.changed += 1
    if changed:
        names = ", ".join(_FIELD_NAMES[name] for name in changed)
        report.changes.append(f"action {row.code} : {names} modifiés")


def _changes(code: str, current: dict, definition: dict) -> list[str]:
    """What a re-import changes in one action, in French."""
    labels = {"title": "titre", "indicators": "indicateurs", "deadline": "échéance"}
    lines = [
        f"action {code} : {label} « {current[key] or '—'} » → « {definition[key] or '—'} »"
        for key, label in labels.items()
        if current[key] != definition[key]
    ]
    if current["oo_id"] != definition["oo_id"]:
        lines.append(f"action {code} : change d'objectif opérationnel")
    return lines or [f"action {code} : dates de l'échéance relues"]


def _import_status(
    db, number: int, row: ActionRow, current: dict, who: str, report: ImportReport
) -> None:
    status, comment = None, row.comment or None
    if row.status:
        # "Terminé le 03/05" is done, with a comment; free text ("Formation reçue le
        # 02/12/15") is kept whole as the comment: never lost, never a reason to refuse.
        status, rest = split_status(row.status.split())
        if status is None:
            rest = [row.status.strip()]
            report.warnings.append(
                MESSAGES["free_status"].format(code=row.code, text=row.status.strip())
            )
        comment = " — ".join(part for part in (" ".join(rest), comment) if part) or None
    if comment == current["last_comment"]:
        comment = None
    status_changes = status is not None and status != current["status"]
    progress_changes = row.progress is not None and row.progress != current["progress"]
    if status_changes or progress_changes or comment:
        report.statuses_applied += 1
        history.record_update(
            db,
            number,
            who,
            kind=IMPORT,
            new_status=status if status_changes else None,
            progress=row.progress if progress_changes else None,
            comment=comment,
        )
