"""Files for the DG and the Conseil: !export, !evaluation, !ecomptes, !graphique."""

import re
from datetime import date

from commands import texts
from commands.access import READERS_OF_REPORTS
from commands.arguments import PLAN, Param, Reading, limited, word_choice
from commands.errors import UserError
from commands.files import (
    EVALUATION_FORMATS,
    TABLE_FORMATS,
    chart_file,
    ecomptes_file,
    evaluation_file,
    table_file,
)
from commands.formatting import day, shorten
from commands.registry import command
from commands.types import ADMIN, Args, Context, Reply
from storage import evaluation_texts
from storage.actions import SILENT_AFTER_WEEKS, strategic_objectives
from storage.deadlines import parse_deadline
from storage.vocabulary import fold

_SINCE_WORDS = ("depuis", "since")
_ANNEX_WORDS = ("annexe", "annexes", "annex")
_CONSEIL_WORDS = ("conseil",)
_TEXT_WORDS = ("texte", "textes")
#: An introduction or an OS comment, in characters (a page or so).
TEXT_LIMIT = 5000

# What !evaluation texte says (kept here beside its only command).
BAD_CONSEIL = (
    "Date du Conseil « {word} » illisible : écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA."
    " Exemple : !evaluation odt conseil 2027-03-24"
)
TEXT_WHERE = (
    "Où mettre ce texte ? « {word} » n'est ni « intro » ni « OS N »."
    " Exemple : !evaluation texte intro Le présent rapport…"
    " ou !evaluation texte OS 2 Objectif tenu…"
)
TEXT_UNKNOWN_OS = "Le plan n'a pas d'OS {number} (OS : {known})."
TEXT_SAVED = (
    "{what} enregistré pour les évaluations ({length} caractères). "
    "Il remplace « [À compléter par le CODIR] » dans !evaluation."
)
TEXT_CLEARED = "{what} effacé : l'évaluation marquera de nouveau la place à compléter."
TEXT_NONE = "{what} : pas encore de texte. Pour l'écrire : !evaluation texte {example} …"
TEXT_SHOWN = "{what} (enregistré le {day}) :\n{text}"
TEXT_LIST_HEAD = "Textes du CODIR pour l'évaluation : {filled} remplis, {missing} à compléter."
TEXT_LIST_HINT = (
    "Pour remplir : !evaluation texte intro … ou !evaluation texte OS 2 … ;"
    " pour effacer : !evaluation texte OS 2 effacer."
)
_CLEAR_WORDS = ("effacer", "supprimer")


def file_format(known: dict, default: str, command: str, skip=_SINCE_WORDS) -> Param:
    """An optional format word among `known` ("xlsx", ".ods"), `default` when absent; a
    word of `skip` ("depuis") is the next argument's, not a format."""

    def read(reading: Reading) -> str:
        present = reading.words and reading.words[0].lower() not in skip
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


def _annex(reading: Reading) -> bool:
    """Takes "annexe" out of the words: True when it was there."""
    kept = [word for word in reading.words if fold(word) not in _ANNEX_WORDS]
    found, reading.words = len(kept) < len(reading.words), kept
    return found


def conseil_day(word: str) -> date:
    """ "2027-03-24" or "24/03/2027" -> the day; refuses anything else in French."""
    text = word.strip().rstrip(".,;")
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(BAD_CONSEIL.format(word=text[:30])) from None


def _conseil(reading: Reading) -> date | None:
    """Takes "conseil 2027-03-24" out of the words."""
    for index, word in enumerate(reading.words):
        if fold(word) in _CONSEIL_WORDS:
            # "conseil 2027-03-24", also "conseil du 24/03/2027" and "conseil le …".
            skip = 1 + (fold(" ".join(reading.words[index + 1 : index + 2])) in ("du", "le"))
            following = reading.words[index + skip : index + skip + 1]
            reading.words = reading.words[:index] + reading.words[index + skip + 1 :]
            return conseil_day(following[0] if following else "")
    return None


def _text_words(reading: Reading) -> list[str] | None:
    """ "texte OS 2 …" -> every word after "texte"; None for an evaluation file."""
    if reading.words and fold(reading.words[0]) in _TEXT_WORDS:
        words = reading.words[1:]
        reading.words = []
        return words
    return None


ANNEX = Param("annex", "[annexe]", _annex)
CONSEIL = Param("conseil", "[conseil AAAA-MM-JJ]", _conseil)
TEXTS = Param("texts", "", _text_words)
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
    args=[
        PLAN,
        TEXTS,
        file_format(
            EVALUATION_FORMATS,
            "odt",
            "evaluation",
            skip=_SINCE_WORDS + _ANNEX_WORDS + _CONSEIL_WORDS,
        ),
        ANNEX,
        CONSEIL,
        SINCE,
    ],
    who=READERS_OF_REPORTS,
    summary="Le rapport d'évaluation (mi-législature) : réalisées, en cours, à démarrer…",
    details=(
        "Avec « depuis », l'historique résumé se limite à la période ; « conseil » date la "
        "séance sur la couverture ; « annexe » ajoute le tableau des actions en retard et sans "
        "nouvelles. Les administrateurs écrivent une fois l'introduction et le commentaire de "
        "chaque OS : « !evaluation texte intro … », « !evaluation texte OS 2 … » ; "
        "« !evaluation texte » dit ce qui est rempli et ce qui manque."
    ),
    examples=[
        "!evaluation odt",
        "!evaluation pdf conseil 2027-03-24",
        "!evaluation docx annexe",
        "!rapport docx depuis 2024-01-01",
        "!evaluation texte",
        "!evaluation texte OS 2 Objectif tenu malgré la crise sanitaire.",
    ],
    questions=["evaluation", "rapport", "conseil"],
    questions_rank=100,
)
def evaluation(ctx: Context, args: Args) -> Reply:
    if args.texts is not None:
        return _evaluation_texts(ctx, args.plan, args.texts)
    weeks = ctx.rhythm.silent_after_weeks if ctx.rhythm else SILENT_AFTER_WEEKS
    attachment = evaluation_file(
        ctx.db,
        args.plan,
        args.format,
        ctx.now,
        args.since,
        organisation=ctx.organisation,
        silent_after_weeks=weeks,
        conseil=args.conseil,
        annex=bool(args.annex),
    )
    period = texts.EVALUATION_PERIOD.format(day=day(args.since)) if args.since else ""
    text = texts.EVALUATION_DONE.format(
        period=period, format=args.format.upper(), filename=attachment.filename
    )
    return Reply(text=text, attachments=[attachment])


def _text_place(words: list[str], known: dict[int, str]) -> tuple[str, str, list[str]]:
    """ "intro …", "OS 2 …", "OS2 …" -> (key, name, the words of the text)."""
    first = fold(words[0])
    if first in ("intro", "introduction"):
        return evaluation_texts.INTRO, "Texte de l'introduction", words[1:]
    found = re.fullmatch(r"o\.?s\.?(\d+)?", first)
    rest = words[1:]
    if found and found.group(1) is None and rest and rest[0].isdigit():
        number, rest = int(rest[0]), rest[1:]
    elif found and found.group(1):
        number = int(found.group(1))
    else:
        raise UserError(TEXT_WHERE.format(word=shorten(" ".join(words[:3]), 30)))
    if number not in known:
        raise UserError(TEXT_UNKNOWN_OS.format(number=number, known=", ".join(map(str, known))))
    return evaluation_texts.os_key(number), f"Commentaire de l'OS {number}", rest


def _evaluation_texts(ctx: Context, the_plan, words: list[str]) -> Reply:
    """!evaluation texte: the CODIR's words kept for every evaluation (admins)."""
    if not ctx.user.is_admin:
        raise UserError(texts.role_refusal("evaluation texte", {ADMIN}, ctx.directory.admins))
    known = {row["number"]: row["title"] for row in strategic_objectives(ctx.db, the_plan.id)}
    stored = evaluation_texts.stored_texts(ctx.db, the_plan.id)
    if not words:
        places = [(evaluation_texts.INTRO, "Introduction")] + [
            (evaluation_texts.os_key(n), f"OS {n} – {shorten(title or '', 50)}")
            for n, title in sorted(known.items())
        ]
        filled = sum(1 for key, _ in places if key in stored)
        lines = [TEXT_LIST_HEAD.format(filled=filled, missing=len(places) - filled)]
        for key, name in places:
            entry = stored.get(key)
            state = f"rempli le {day(entry.at[:10])}" if entry else "à compléter"
            lines.append(f"• {name} : {state}")
        lines.append(TEXT_LIST_HINT)
        return Reply(text="\n".join(lines))
    key, what, rest = _text_place(words, known)
    text = limited(" ".join(rest).strip(), what, TEXT_LIMIT)
    if not text:
        entry = stored.get(key)
        if entry is None:
            example = "intro" if key == evaluation_texts.INTRO else f"OS {key[3:]}"
            return Reply(text=TEXT_NONE.format(what=what, example=example))
        return Reply(text=TEXT_SHOWN.format(what=what, day=day(entry.at[:10]), text=entry.text))
    if fold(text) in _CLEAR_WORDS:
        evaluation_texts.clear_text(ctx.db, the_plan.id, key)
        return Reply(text=TEXT_CLEARED.format(what=what))
    evaluation_texts.set_text(ctx.db, the_plan.id, key, text, who=ctx.user.chat_id, at=ctx.now)
    return Reply(text=TEXT_SAVED.format(what=what, length=len(text)))


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
