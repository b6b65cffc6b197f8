"""Files for the DG and the Conseil: !export, !evaluation, !ecomptes, !graphique."""

from datetime import date

from commands import texts
from commands.access import READERS_OF_REPORTS
from commands.arguments import PLAN, Param, Reading, word_choice
from commands.errors import UserError
from commands.files import (
    EVALUATION_FORMATS,
    TABLE_FORMATS,
    chart_file,
    ecomptes_file,
    evaluation_file,
    table_file,
)
from commands.formatting import day
from commands.registry import command
from commands.types import Args, Context, Reply
from storage.actions import SILENT_AFTER_WEEKS
from storage.deadlines import parse_deadline

_SINCE_WORDS = ("depuis", "since")


def file_format(known: dict, default: str, command: str) -> Param:
    """An optional format word among `known` ("xlsx", ".ods"), `default` when absent."""

    def read(reading: Reading) -> str:
        present = reading.words and reading.words[0].lower() not in _SINCE_WORDS
        word = reading.take()[0] if present else default
        fmt = word.lower().lstrip(".")
        if fmt not in known:
            raise UserError(
                texts.UNKNOWN_FORMAT.format(word=fmt[:20], command=command, known=", ".join(known))
            )
        return fmt

    return Param("format", f"[{'|'.join(known)}]", read)


def _since(reading: Reading) -> date | None:
    """Takes "depuis 2024-01-01" (or "since ...") out of the words."""
    for index, word in enumerate(reading.words):
        if word.lower() in _SINCE_WORDS:
            text = " ".join(reading.words[index + 1 :])
            reading.words = reading.words[:index]
            start, _ = parse_deadline(text)
            if start is None:
                raise UserError(texts.BAD_SINCE.format(word=text[:30]))
            return start
    return None


SINCE = Param("since", "[depuis AAAA-MM-JJ]", _since)
FORCE = word_choice(
    "force",
    "[forcer]",
    {"forcer": True, "force": True},
    lambda word: texts.ECOMPTES_FORCE_WORD.format(word=word),
)


@command(
    "export",
    aliases=["exporter"],
    args=[PLAN, file_format(TABLE_FORMATS, "xlsx", "export")],
    who=READERS_OF_REPORTS,
    summary="Le tableau consolidé du PST en fichier (XLSX par défaut).",
    details=(
        "XLSX et ODS : une feuille de synthèse puis une par OS, colonne « En retard », "
        "prêts à imprimer (A4 paysage, une page de large, titre et en-têtes répétés). "
        "PDF : une ligne par action, pour le Conseil."
    ),
    examples=["!export xlsx", "!export pdf", "!export ods"],
    questions=["excel", "export"],
    questions_rank=80,
)
def export_table(ctx: Context, args: Args) -> Reply:
    attachment = table_file(ctx.db, args.plan, args.format, ctx.now, organisation=ctx.organisation)
    text = texts.EXPORT_DONE.format(format=args.format.upper(), filename=attachment.filename)
    return Reply(text=text, attachments=[attachment])


@command(
    "evaluation",
    aliases=["rapport"],
    args=[PLAN, file_format(EVALUATION_FORMATS, "odt", "evaluation"), SINCE],
    who=READERS_OF_REPORTS,
    summary="Le rapport d'évaluation (mi-législature) : réalisées, en cours, à démarrer…",
    details="Avec « depuis », l'historique résumé se limite à la période.",
    examples=["!evaluation odt", "!evaluation pdf", "!rapport docx depuis 2024-01-01"],
    questions=["evaluation", "rapport", "conseil"],
    questions_rank=100,
)
def evaluation(ctx: Context, args: Args) -> Reply:
    weeks = ctx.rhythm.silent_after_weeks if ctx.rhythm else SILENT_AFTER_WEEKS
    attachment = evaluation_file(
        ctx.db,
        args.plan,
        args.format,
        ctx.now,
        args.since,
        organisation=ctx.organisation,
        silent_after_weeks=weeks,
    )
    period = texts.EVALUATION_PERIOD.format(day=day(args.since)) if args.since else ""
    text = texts.EVALUATION_DONE.format(
        period=period, format=args.format.upper(), filename=attachment.filename
    )
    return Reply(text=text, attachments=[attachment])


@command(
    "ecomptes",
    aliases=["e-comptes"],
    args=[PLAN, FORCE],
    who=READERS_OF_REPORTS,
    summary="Le PST au format régional eComptes (XML 201805V1, validé).",
    details=(
        "Refusé tant que la configuration garde les identifiants d'exemple (INS 00000) ; "
        "« forcer » l'envoie quand même."
    ),
    examples=["!ecomptes", "!ecomptes forcer"],
)
def ecomptes(ctx: Context, args: Args) -> Reply:
    try:
        attachment = ecomptes_file(
            ctx.db, args.plan, ctx.organisation, ctx.now, force=bool(args.force)
        )
    except ValueError as error:  # identifiers from the configuration, or schema validation
        raise UserError(texts.ECOMPTES_FAILED.format(error=error)) from error
    return Reply(
        text=texts.ECOMPTES_DONE.format(filename=attachment.filename), attachments=[attachment]
    )


@command(
    "graphique",
    aliases=["chart", "graph"],
    args=[PLAN],
    summary="Un graphique de l'avancement par objectif stratégique (image).",
    examples=["!graphique"],
)
def chart(ctx: Context, args: Args) -> Reply:
    attachment = chart_file(ctx.db, args.plan, ctx.now, organisation=ctx.organisation)
    return Reply(text=texts.CHART_DONE, attachments=[attachment])
