"""Richer updates: !note, !indicateur, !sante, !echeance, and !report (a pilot asks the DG for a
later deadline). !annuler and !corriger are in commands/undo.py."""

from datetime import datetime

from commands import intent_texts, named_indicators, request_records, texts
from commands import requests_texts as texts_of_requests
from commands.access import ADMINS, PILOTS_OF_ACTION
from commands.arguments import ACTION, Param, Reading, text
from commands.errors import MissingArgument, UserError
from commands.formatting import day, safe, shorten
from commands.registry import command
from commands.render import codir_note, codir_post, health_news
from commands.request_words import deadline_and_reason
from commands.types import Args, Context, Reply
from storage import history, requests
from storage.deadlines import read_deadline, split_deadline
from storage.vocabulary import HEALTH, HEALTHS, INDICATOR, NOTE, fold, health_label

MAX_INDICATOR = 200
_DEADLINE_YEARS = range(2000, 2101)


def _health(reading: Reading) -> str:
    if not reading.words:
        raise MissingArgument(texts.HEALTH_MISSING)
    (word,) = reading.take()
    health = HEALTHS.get(fold(word))
    if health is None:
        raise UserError(texts.UNKNOWN_HEALTH.format(word=shorten(word, 20)))
    return health


def _deadline(reading: Reading) -> tuple[str, datetime]:
    """A deadline as a PST writes it, and the day it ends."""
    if not reading.words:
        raise MissingArgument(texts.DEADLINE_MISSING)
    deadline, reading.words = split_deadline(reading.words)
    read = read_deadline(deadline) if deadline else None
    if read is not None and read.ongoing:  # « continu », « permanent »: no end, never late
        return deadline, None
    end = read.end if read else None
    if end is None or end.year not in _DEADLINE_YEARS:
        word = deadline or reading.words[0]
        raise UserError(texts.BAD_DEADLINE.format(word=shorten(word, 30)))
    return deadline, end


HEALTH_WORD = Param("health", "bon|risque|bloque", _health)
NEW_DEADLINE = Param("deadline", "échéance", _deadline)


@command(
    "note",
    aliases=["commentaire", "ajouter", "commenter"],
    args=[ACTION, text("note", "texte", what="Note", missing=texts.NOTE_MISSING)],
    who=PILOTS_OF_ACTION,
    summary="Ajouter un commentaire à une action, sans changer son statut.",
    examples=["!note 12 réunion avec le SPW le 5 juin"],
)
def add_note(ctx: Context, args: Args) -> Reply:
    number = args.action.number
    history.record_update(
        ctx.db,
        number,
        ctx.user.chat_id,
        kind=NOTE,
        comment=args.note,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    reply = Reply(text=texts.NOTE_ADDED.format(number=args.action.code))
    reply.posts.append(codir_note(ctx, args.action, args.note))
    return reply


@command(
    "indicateur",
    aliases=["indicator", "ind"],
    args=[
        ACTION,
        text(
            "value", "valeur", what="Valeur", missing=texts.INDICATOR_MISSING, limit=MAX_INDICATOR
        ),
    ],
    who=PILOTS_OF_ACTION,
    summary="Noter la valeur atteinte de l'indicateur d'une action (ex. 12 audits).",
    details=(
        'Un indicateur nommé entre guillemets reçoit une valeur datée : !indicateur 6 "dossiers '
        'traités" 4 ; un administrateur le définit : !indicateur 6 "dossiers traités" cible 12 '
        "unité dossiers."
    ),
    examples=["!indicateur 6 4 audits réalisés", '!indicateur 6 "dossiers traités" 4'],
)
def record_indicator(ctx: Context, args: Args) -> Reply:
    action, value = args.action, args.value
    if value.startswith(named_indicators.QUOTES):
        return named_indicators.record_named_indicator(ctx, action, value)
    if fold(value) == fold(action.indicator_value or ""):
        raise UserError(texts.SAME_INDICATOR.format(number=action.code, value=value))
    history.record_update(
        ctx.db,
        action.number,
        ctx.user.chat_id,
        kind=INDICATOR,
        value=value,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    label = shorten(action.indicators or "indicateur", 50)
    return Reply(
        text=safe(texts.INDICATOR_SET.format(number=action.code, label=label, value=value))
    )


@command(
    "sante",
    aliases=["health", "meteo"],
    args=[ACTION, HEALTH_WORD, text("comment", "commentaire", what="Commentaire")],
    who=PILOTS_OF_ACTION,
    summary="Dire si une action va bien, est à risque ou est bloquée.",
    details="Risque et blocage sont signalés au CODIR.",
    examples=["!sante 12 risque marché public en retard", "!sante 12 bon"],
)
def record_health(ctx: Context, args: Args) -> Reply:
    action, health, comment = args.action, args.health, args.comment
    if health == action.health and not comment:
        raise UserError(texts.SAME_HEALTH.format(number=action.code, health=health))
    history.record_update(
        ctx.db,
        action.number,
        ctx.user.chat_id,
        kind=HEALTH,
        value=health,
        comment=comment,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    label = health_label(health)
    reply = Reply(text=texts.HEALTH_SET.format(number=action.code, label=label))
    if health_news(action.health, health):  # a return to « bon » is news too
        what = texts.HEALTH_CHANGE.format(health=label) + (f" — {comment}" if comment else "")
        reply.posts.append(codir_post(ctx, action, what))
    elif comment and health == action.health:  # the same health, a new word on it
        reply.posts.append(codir_note(ctx, action, comment))
    return reply


@command(
    "echeance",
    aliases=["deadline"],
    args=[ACTION, NEW_DEADLINE, text("reason", "raison", what="Raison")],
    who=ADMINS,
    summary="Changer l'échéance d'une action ; l'ancienne reste dans l'historique.",
    details="Formats : 2025-06, juin 2025, 31/12/2025, 2025, 2024-2026.",
    examples=["!echeance 12 2025-06", "!echeance 12 juin 2026 marché relancé"],
)
def change_deadline(ctx: Context, args: Args) -> Reply:
    action, (deadline, end), reason = args.action, args.deadline, args.reason
    if deadline == action.deadline:
        raise UserError(texts.SAME_DEADLINE.format(number=action.code, deadline=deadline))
    history.record_deadline(
        ctx.db,
        action.number,
        ctx.user.chat_id,
        deadline=deadline,
        comment=reason,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    moved = texts.DEADLINE_MOVED if end else texts.DEADLINE_MOVED_ONGOING
    what = moved.format(old=action.deadline or "—", new=deadline, end=day(end) if end else "")
    reply = Reply(text=safe(texts.DEADLINE_SET.format(number=action.code, what=what)))
    reply.posts.append(codir_post(ctx, action, what + (f" — {reason}" if reason else "")))
    return reply


def _deferred_action(reading: Reading):
    """The action a deadline request is for; a request without one asks which."""
    if not reading.words:
        raise MissingArgument(intent_texts.WHICH_ACTION_FOR_DEFERRAL)
    return ACTION.read(reading)


@command(
    "report",
    aliases=["demande-report", "prolongation"],
    args=[
        Param("action", "N", _deferred_action),
        text("wanted", "échéance souhaitée", what="Échéance souhaitée"),
    ],
    who=PILOTS_OF_ACTION,
    summary="Demander au DG un report d'échéance ; rien ne change avant sa décision.",
    details="« 95 on demande un report à 2027 » est compris aussi.",
    examples=["!report 96 2027", "!report 98 juin 2027 marché relancé"],
)
def request_deferral(ctx: Context, args: Args) -> Reply:
    action = args.action
    wanted, reason = deadline_and_reason((args.wanted or "").split())
    # The same request as « !demande N échéance … », announced to the CODIR room the same way.
    row, _, post = request_records.announced(
        ctx,
        request_records.Asked(
            requests.DEADLINE, action=action, wanted=wanted or None, reason=reason
        ),
    )
    said = f" ({wanted})" if wanted else ""
    if row.get("replaces"):
        said += texts_of_requests.REPLACES.format(id=row["replaces"])
    reply = intent_texts.DEFERRAL_NOTED.format(number=action.code, wanted=said)
    return Reply(text=safe(reply), posts=[post])
