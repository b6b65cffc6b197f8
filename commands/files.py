"""The files a command or the command line hands out: the consolidated table, the evaluation,
the eComptes XML and the chart, as attachments.

    attachment = table_file(db, the_plan, "xlsx", now, organisation=organisation)
    attachment.filename  # "cpas-de-frameries-pst-2019-2024-tableau-2026-11-24-0930.xlsx"

`!export`, `!tableau`, `!evaluation`, `!ecomptes`, `!graphique` and `pst-bot export|evaluation`
all go through these functions. A file name says whose plan it is and when it was made, to
the minute, so that two evaluations asked the same day do not overwrite each other.
"""

import re
from dataclasses import replace
from datetime import date, datetime

import sqlite_utils

import reports
from commands import texts
from commands.errors import UserError
from commands.types import Attachment, Organisation
from reports.grouping import Objective
from reports.plan_fields_report import evaluation_fields
from reports.table import TableHeading
from storage import campaigns
from storage.actions import (
    SILENT_AFTER_WEEKS,
    Action,
    list_actions,
    operational_objectives,
    strategic_objectives,
)
from storage.clock import local_time
from storage.evaluation_texts import texts_of
from storage.plan_fields import fields_of
from storage.plans import DEFAULT_CODE, Plan
from storage.vocabulary import fold

TABLE_FORMATS = {
    "xlsx": (
        reports.table_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ods": (reports.table_ods, "application/vnd.oasis.opendocument.spreadsheet"),
    "pdf": (reports.table_pdf, "application/pdf"),
    "csv": (reports.table_csv, "text/csv"),
    "md": (reports.table_md, "text/markdown"),
    "html": (reports.table_html, "text/html"),
}
EVALUATION_FORMATS = {
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "md": "text/markdown",
    "pdf": "application/pdf",
}
#: Table formats that print a title (organisation, plan, date) and judge lateness on that day.
_HEADED = frozenset({"xlsx", "ods", "pdf"})
#: The PDF table for the Conseil keeps its columns: the fields are in the other formats.
_WITHOUT_FIELDS = frozenset({"pdf"})
_PLACEHOLDER = Organisation()
#: Parts of a file name, in characters: the whole stays under 100.
_ORGANISATION_LENGTH, _PLAN_LENGTH = 32, 24


def plan_actions(
    db: sqlite_utils.Database, the_plan: Plan, with_history: bool = False
) -> list[Action]:
    """The plan's actions for a report; refuses an empty plan."""
    rows = list_actions(db, the_plan.id, with_history=with_history)
    if not rows:
        raise UserError(texts.EMPTY_PLAN)
    return rows


def slug(text: str, length: int) -> str:
    """ASCII, lower case, words joined by "-", cut at a word within `length`.

    >>> slug("CPAS de Frameries — Hainaut", 20)
    'cpas-de-frameries'
    """
    words = re.sub(r"[^a-z0-9]+", "-", fold(text).encode("ascii", "ignore").decode()).strip("-")
    if len(words) <= length:
        return words
    return words[: length + 1].rsplit("-", 1)[0] if "-" in words[:length] else words[:length]


def is_placeholder(organisation: Organisation) -> bool:
    """True while the configuration keeps an identifier of the default Organisation()."""
    return organisation.ins.strip() in ("", _PLACEHOLDER.ins) or organisation.name in (
        "",
        _PLACEHOLDER.name,
    )


def _organisation_name(the_plan: Plan, organisation: Organisation | None) -> str:
    if the_plan.organisation:
        return the_plan.organisation
    if organisation is not None and organisation.name not in ("", _PLACEHOLDER.name):
        return organisation.name
    return ""


def _plan_part(the_plan: Plan) -> str:
    """ "pst-commune" for a plan with its own code; the default plan by its title
    ("pst-2019-2024"), or "pst" when it has none of its own."""
    if the_plan.code != DEFAULT_CODE:
        return f"pst-{the_plan.code}"
    titled = slug(the_plan.title, _PLAN_LENGTH)
    if not titled or titled == f"pst-{DEFAULT_CODE}":
        return "pst"
    return titled if titled.startswith("pst") else f"pst-{titled}"


def _stamp(moment: date | datetime) -> str:
    """ "2026-11-24-0930" in Belgian time; a bare date gives "2026-11-24"."""
    if isinstance(moment, datetime):
        return local_time(moment).strftime("%Y-%m-%d-%H%M")
    return moment.isoformat()


def file_name(
    the_plan: Plan,
    what: str,
    moment: date | datetime | str,
    suffix: str,
    organisation: Organisation | None = None,
) -> str:
    """ "cpas-de-frameries-pst-2019-2024-tableau-2026-11-24-0930.xlsx": organisation (the
    plan's, else the configured one unless left at its placeholder), plan, what, when, suffix.

    `moment` is a datetime (date and time, Belgian), a date, or a text such as "2026" (eComptes
    exercise). ASCII only, under 100 characters.
    """
    when = moment if isinstance(moment, str) else _stamp(moment)
    parts = [
        slug(_organisation_name(the_plan, organisation), _ORGANISATION_LENGTH),
        _plan_part(the_plan),
        what,
        when,
    ]
    return "-".join(part for part in parts if part) + f".{suffix}"


def heading(
    the_plan: Plan, moment: date | datetime, organisation: Organisation | None = None
) -> TableHeading:
    """The title printed above the table: organisation, plan title, local date and time."""
    if isinstance(moment, datetime):
        local = local_time(moment)
    else:
        local = datetime(moment.year, moment.month, moment.day)
    # A plan imported without a title is called "PST pst": "PST" reads better on paper.
    title = "PST" if the_plan.title == f"PST {DEFAULT_CODE}" else the_plan.title
    return TableHeading(_organisation_name(the_plan, organisation), title, local)


def table_file(
    db: sqlite_utils.Database,
    the_plan: Plan,
    fmt: str,
    moment: date | datetime,
    rows=None,
    organisation: Organisation | None = None,
) -> Attachment:
    """The consolidated table in `fmt` (xlsx, ods, pdf, csv, md, html); `rows` if already read.

    `moment` (a datetime, or a date) dates the file name and the printed title.
    """
    render, mimetype = TABLE_FORMATS[fmt]
    # With their history: « Dernière mise à jour » is the last change still standing.
    rows = rows if rows is not None else plan_actions(db, the_plan, with_history=True)
    headed = (heading(the_plan, moment, organisation),) if fmt in _HEADED else ()
    # Every OO of the plan, those without an action yet too (CSV: one row per action).
    shaped = {} if fmt == "csv" else {"outline": plan_outline(db, the_plan.id)}
    if fmt not in _WITHOUT_FIELDS:  # indicators, budget, ODD…: a column each, when present
        shaped["fields"] = fields_of(db, [row.number for row in rows])
    data = render(rows, *headed, **shaped)
    name = file_name(the_plan, "tableau", moment, fmt, organisation)
    return Attachment(name, data, mimetype)


def plan_outline(db: sqlite_utils.Database, plan_id: int) -> list[Objective]:
    """The plan's OOs in plan order, as the reports receive them."""
    return [
        Objective(os["number"], os["title"], os["volet"], oo["number"], oo["title"])
        for os in strategic_objectives(db, plan_id)
        for oo in operational_objectives(db, plan_id, os["number"])
    ]


def evaluation_file(
    db: sqlite_utils.Database,
    the_plan: Plan,
    fmt: str,
    moment: date | datetime,
    since: date | None = None,
    organisation: Organisation | None = None,
    silent_after_weeks: int = SILENT_AFTER_WEEKS,
    conseil: date | None = None,
    annex: bool = False,
    campaign: int | None = None,
) -> Attachment:
    """The mid-term evaluation report, in the shape of the Bernissart one: with the CODIR's
    texts stored in chat, the day of the Conseil (`conseil`) on the cover, the annex of late
    and silent actions when `annex`; as a closed campaign kept the plan when `campaign`."""
    today = local_time(moment).date() if isinstance(moment, datetime) else moment
    actions = plan_actions(db, the_plan, with_history=True)
    if campaign is not None:
        actions, today = at_the_close(db, the_plan, actions, campaign)
    # A plan imported without a title is called "PST pst": its code is no title.
    title = "" if the_plan.title.strip() in ("", f"PST {the_plan.code}") else the_plan.title
    data = reports.evaluation_report(
        actions,
        fmt,
        since=since,
        generated_on=today,
        organisation=_organisation_name(the_plan, organisation),
        plan_title=title,
        period=the_plan.period,
        silent_after_weeks=silent_after_weeks,
        conseil=conseil,
        texts=texts_of(db, the_plan.id),
        annex=annex,
        fields=evaluation_fields(db, actions),
        # Every OO of the plan, those without an action yet too.
        outline=plan_outline(db, the_plan.id),
    )
    name = file_name(the_plan, "evaluation", moment, fmt, organisation)
    return Attachment(name, data, EVALUATION_FORMATS[fmt])


def _when(at) -> datetime:
    return at if isinstance(at, datetime) else datetime.fromisoformat(at)


def at_the_close(db, the_plan: Plan, actions: list[Action], campaign_id: int):
    """The plan as the campaign's close kept it: each action's status, progress, health and
    comment then, and its history up to that day; refused while it is not closed."""
    campaign = campaigns.get(db, campaign_id)
    if campaign is None or campaign.plan_id != the_plan.id:
        raise UserError(texts.NO_CAMPAIGN.format(id=campaign_id))
    kept = campaigns.snapshot(db, campaign_id)
    if not kept:
        closes = f"{campaign.closes:%d/%m/%Y}"
        raise UserError(texts.CAMPAIGN_OPEN.format(id=campaign_id, closes=closes))
    until = campaign.closes.isoformat()
    situation = []
    for action in actions:
        row = kept.get(action.number)
        if row is None:
            situation.append(action)
            continue
        history = tuple(
            entry
            for entry in action.history
            if local_time(_when(entry["at"])).date().isoformat() <= until
        )
        situation.append(
            replace(
                action,
                status=row["status"],
                progress=row["progress"],
                health=row["health"],
                last_comment=row["last_comment"],
                history=history,
            )
        )
    return situation, campaign.closes


def ecomptes_file(
    db: sqlite_utils.Database,
    the_plan: Plan,
    organisation: Organisation,
    moment: date | datetime,
    force: bool = False,
) -> Attachment:
    """The PST as an eComptes XML file (version 201805V1), validated before it is sent.

    Refused while the organisation keeps a placeholder identifier (INS 00000, name "CPAS"),
    unless `force`: the Region would receive a plan it cannot attribute.
    """
    if is_placeholder(organisation) and not force:
        raise UserError(
            texts.ECOMPTES_PLACEHOLDER.format(ins=organisation.ins, name=organisation.name)
        )
    today = local_time(moment).date() if isinstance(moment, datetime) else moment
    exercise = organisation.exercise or today.year
    actions = plan_actions(db, the_plan)
    data = reports.ecomptes_xml(
        actions,
        fields=fields_of(db, [action.number for action in actions]),
        ins=organisation.ins,
        admin_type=organisation.admin_type,
        exercise=exercise,
        pst_id=f"PST-{organisation.admin_type}-{organisation.ins}"[:40],
        description=f"PST du {organisation.name}",
    )
    reports.validate_ecomptes(data)
    name = file_name(the_plan, "ecomptes", str(exercise), "xml", organisation)
    return Attachment(name, data, "application/xml")


def chart_file(
    db: sqlite_utils.Database,
    the_plan: Plan,
    moment: date | datetime,
    organisation: Organisation | None = None,
) -> Attachment:
    shown = heading(the_plan, moment, organisation)
    data = reports.progress_chart_png(
        plan_actions(db, the_plan, with_history=True),
        organisation=shown.organisation,
        plan_title=shown.plan,
        today=shown.today,
    )
    return Attachment(
        file_name(the_plan, "avancement", moment, "png", organisation), data, "image/png"
    )
