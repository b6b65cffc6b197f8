"""Files for the DG and the Conseil: !export, !evaluation, !ecomptes, !graphique.

The same functions serve the command line (`pst-bot export`, `pst-bot evaluation`):

    attachment = table_file(db, "xlsx", today)
    attachment.filename, attachment.mimetype   # "pst-tableau-2026-11-23.xlsx", "application/..."
"""

from datetime import date

import sqlite_utils

from commands import reports, texts
from commands.access import ADMIN, CODIR
from commands.engine import Attachment, Context, Organisation, Reply
from commands.errors import UserError
from commands.registry import command
from storage import store
from storage.deadlines import parse_deadline

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
READERS = (ADMIN, CODIR)


def _rows(db: sqlite_utils.Database, with_history: bool = False) -> list[dict]:
    rows = store.consolidated_rows(db, with_history=with_history)
    if not rows:
        raise UserError(texts.EMPTY_PLAN)
    return rows


def _format(word: str | None, known: dict, default: str, command: str) -> str:
    fmt = (word or default).lower().lstrip(".")
    if fmt not in known:
        raise UserError(
            f"Format « {fmt[:20]} » inconnu pour !{command}. Formats : {', '.join(known)}."
        )
    return fmt


def table_file(db: sqlite_utils.Database, fmt: str, today: date, rows=None) -> Attachment:
    """The consolidated table in `fmt` (xlsx, ods, csv, md, html); `rows` if already read."""
    render, mimetype = TABLE_FORMATS[fmt]
    data = render(rows if rows is not None else _rows(db))
    return Attachment(f"pst-tableau-{today.isoformat()}.{fmt}", data, mimetype)


def evaluation_file(
    db: sqlite_utils.Database, fmt: str, today: date, since: date | None = None
) -> Attachment:
    """The mid-term evaluation report, in the shape of the Bernissart one."""
    data = reports.evaluation_report(
        _rows(db, with_history=True), fmt, since=since, generated_on=today
    )
    return Attachment(f"pst-evaluation-{today.isoformat()}.{fmt}", data, EVALUATION_FORMATS[fmt])


def ecomptes_file(db: sqlite_utils.Database, organisation: Organisation, today: date) -> Attachment:
    """The PST as an eComptes XML file (version 201805V1), validated before it is sent."""
    exercise = organisation.exercise or today.year
    data = reports.ecomptes_xml(
        _rows(db),
        ins=organisation.ins,
        admin_type=organisation.admin_type,
        exercise=exercise,
        pst_id=f"PST-{organisation.admin_type}-{organisation.ins}"[:40],
        description=f"PST du {organisation.name}",
    )
    reports.validate_ecomptes(data)
    return Attachment(f"pst-ecomptes-{exercise}.xml", data, "application/xml")


def chart_file(db: sqlite_utils.Database, today: date) -> Attachment:
    data = reports.progress_chart_png(_rows(db))
    return Attachment(f"pst-avancement-{today.isoformat()}.png", data, "image/png")


def _since(words: list[str]) -> tuple[list[str], date | None]:
    """Takes "depuis 2024-01-01" (or "since ...") out of the words."""
    for index, word in enumerate(words):
        if word.lower() in ("depuis", "since"):
            text = " ".join(words[index + 1 :])
            start, _ = parse_deadline(text)
            if start is None:
                raise UserError(
                    f"Date « {text[:30]} » illisible. Exemple : !evaluation odt depuis 2024-01-01"
                )
            return words[:index], start
    return words, None


@command(
    "export",
    aliases=["exporter"],
    usage="[xlsx|ods|csv|md|html]",
    summary="Le tableau consolidé du PST en fichier (XLSX par défaut).",
    details="XLSX : une feuille de synthèse puis une par OS, filtres et en-têtes figés.",
    examples=["!export xlsx", "!export ods"],
    roles=READERS,
)
def export_table(ctx: Context, args: str) -> Reply:
    words = args.split()
    fmt = _format(words[0] if words else None, TABLE_FORMATS, "xlsx", "export")
    attachment = table_file(ctx.db, fmt, ctx.today)
    return Reply(
        text=f"Tableau consolidé ({fmt.upper()}) : {attachment.filename}", attachments=[attachment]
    )


@command(
    "evaluation",
    aliases=["rapport"],
    usage="[odt|docx|html|md] [depuis AAAA-MM-JJ]",
    summary="Le rapport d'évaluation (mi-législature) : réalisées, en cours, à démarrer…",
    details="Avec « depuis », l'historique résumé se limite à la période.",
    examples=["!evaluation odt", "!rapport docx depuis 2024-01-01"],
    roles=READERS,
)
def evaluation(ctx: Context, args: str) -> Reply:
    words, since = _since(args.split())
    fmt = _format(words[0] if words else None, EVALUATION_FORMATS, "odt", "evaluation")
    attachment = evaluation_file(ctx.db, fmt, ctx.today, since)
    period = f" depuis le {since.strftime('%d/%m/%Y')}" if since else ""
    return Reply(
        text=f"Rapport d'évaluation{period} ({fmt.upper()}) : {attachment.filename}",
        attachments=[attachment],
    )


@command(
    "ecomptes",
    aliases=["e-comptes"],
    summary="Le PST au format régional eComptes (XML 201805V1, validé).",
    examples=["!ecomptes"],
    roles=READERS,
)
def ecomptes(ctx: Context, args: str) -> Reply:
    try:
        attachment = ecomptes_file(ctx.db, ctx.organisation, ctx.today)
    except ValueError as error:  # identifiers from the configuration, or schema validation
        raise UserError(f"Export eComptes impossible : {error}") from error
    return Reply(text=f"PST au format eComptes : {attachment.filename}", attachments=[attachment])


@command(
    "graphique",
    aliases=["chart", "graph"],
    summary="Un graphique de l'avancement par objectif stratégique (image).",
    examples=["!graphique"],
)
def chart(ctx: Context, args: str) -> Reply:
    attachment = chart_file(ctx.db, ctx.today)
    return Reply(text="Avancement du PST par objectif stratégique.", attachments=[attachment])
