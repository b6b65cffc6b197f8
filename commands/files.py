"""The files a command or the command line hands out: the consolidated table, the evaluation,
the eComptes XML and the chart, as attachments.

    attachment = table_file(db, "xlsx", today)
    attachment.filename, attachment.mimetype   # "pst-tableau-2026-11-23.xlsx", "application/..."

`!export`, `!tableau`, `!evaluation`, `!ecomptes`, `!graphique` and `pst-bot export|evaluation`
all go through these functions.
"""

from datetime import date

import sqlite_utils

import reports
from commands import texts
from commands.errors import UserError
from commands.types import Attachment, Organisation
from storage import plan
from storage.plans import DEFAULT_CODE, Plan

TABLE_FORMATS = {
    "xlsx": (
        reports.table_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ods": (reports.table_ods, "application/vnd.oasis.opendocument.spreadsheet"),
    "csv": (reports.table_csv, "text/csv"),
    "md": (reports.table_md, "text/markdown"),
    "html": (reports.table_html, "text/html"),
}
EVALUATION_FORMATS = {
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "md": "text/markdown",
}


def plan_rows(db: sqlite_utils.Database, the_plan: Plan, with_history: bool = False) -> list[dict]:
    """The plan's consolidated rows; refuses an empty plan."""
    rows = plan.consolidated_rows(db, the_plan.id, with_history=with_history)
    if not rows:
        raise UserError(texts.EMPTY_PLAN)
    return rows


def file_name(the_plan: Plan, what: str, suffix: str) -> str:
    """ "pst-tableau-2026-11-23.xlsx"; with the plan's code when it has its own:
    "pst-commune-tableau-2026-11-23.xlsx"."""
    prefix = "pst" if the_plan.code == DEFAULT_CODE else f"pst-{the_plan.code}"
    return f"{prefix}-{what}-{suffix}"


def table_file(
    db: sqlite_utils.Database, the_plan: Plan, fmt: str, today: date, rows=None
) -> Attachment:
    """The consolidated table in `fmt` (xlsx, ods, csv, md, html); `rows` if already read."""
    render, mimetype = TABLE_FORMATS[fmt]
    data = render(rows if rows is not None else plan_rows(db, the_plan))
    return Attachment(file_name(the_plan, "tableau", f"{today.isoformat()}.{fmt}"), data, mimetype)


def evaluation_file(
    db: sqlite_utils.Database, the_plan: Plan, fmt: str, today: date, since: date | None = None
) -> Attachment:
    """The mid-term evaluation report, in the shape of the Bernissart one."""
    data = reports.evaluation_report(
        plan_rows(db, the_plan, with_history=True), fmt, since=since, generated_on=today
    )
    name = file_name(the_plan, "evaluation", f"{today.isoformat()}.{fmt}")
    return Attachment(name, data, EVALUATION_FORMATS[fmt])


def ecomptes_file(
    db: sqlite_utils.Database, the_plan: Plan, organisation: Organisation, today: date
) -> Attachment:
    """The PST as an eComptes XML file (version 201805V1), validated before it is sent."""
    exercise = organisation.exercise or today.year
    data = reports.ecomptes_xml(
        plan_rows(db, the_plan),
        ins=organisation.ins,
        admin_type=organisation.admin_type,
        exercise=exercise,
        pst_id=f"PST-{organisation.admin_type}-{organisation.ins}"[:40],
        description=f"PST du {organisation.name}",
    )
    reports.validate_ecomptes(data)
    return Attachment(file_name(the_plan, "ecomptes", f"{exercise}.xml"), data, "application/xml")


def chart_file(db: sqlite_utils.Database, the_plan: Plan, today: date) -> Attachment:
    data = reports.progress_chart_png(plan_rows(db, the_plan))
    return Attachment(
        file_name(the_plan, "avancement", f"{today.isoformat()}.png"), data, "image/png"
    )
