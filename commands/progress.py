"""Richer updates: !note, !indicateur, !sante, !echeance, and !annuler for the last of them."""

from datetime import datetime, timedelta

from commands import intent_texts, texts
from commands.access import ADMINS, OWN_CHANGES, PILOTS_OF_ACTION
from commands.arguments import ACTION, Param, Reading, text
from commands.errors import MissingArgument, NotAllowed, UserError
from commands.formatting import day, moment, percent, safe, shorten
from commands.registry import command
from commands.render import codir_post, one_post, person_name
from commands.types import Args, Context, Reply
from storage import history, plans
from storage.actions import get_action
from storage.deadlines import MONTHS, parse_deadline
from storage.vocabulary import (
    DEADLINE,
    GOOD,
    HEALTH,
    HEALTHS,
    INDICATOR,
    NOTE,
    STATUS_CHANGE,
    fold,
    health_label,
)

UNDO_MINUTES = 15
MAX_INDICATOR = 200
#: Words that may belong to a deadline ("avril 2019 - 2024", "fin juin 2025").
_DEADLINE_WORDS = {"-", "/", "à", "a", "au", "fin", "debut", "mi", "et"}
_DEADLINE_YEARS = range(2000, 2101)


def _health(reading: Reading) -> str:
    if not reading.words:
        raise MissingArgument(texts.HEALTH_MISSING)
    (word,) = reading.take()
    health = HEALTHS.get(fold(word))
    if health is None:
        raise UserError(texts.UNKNOWN_HEALTH.format(word=shorten(word, 20)))
    return health


def split_deadline(words: list[str]) -> tuple[str, list[str]]:
    """`["juin", "2025", "budget", "reporté"]` -> ("juin 2025", ["budget", "reporté"])."""
    taken = 0
    for word in words:
        bare = fold(word).strip(".,;:")
        if any(c.isdigit() for c in bare) or bare in MONTHS or bare in _DEADLINE_WORDS:
            taken += 1
        else:
            break
    while taken and fold(words[taken - 1]) in _DEADLINE_WORDS:
        taken -= 1
    return " ".join(words[:taken]), words[taken:]


def _deadline(reading: Reading) -> tuple[str, datetime]:
    """A deadline as a PST writes it, and the day it ends."""
    if not reading.words:
        raise MissingArgument(texts.DEADLINE_MISSING)
    deadline, reading.words = split_deadline(reading.words)
    _, end = parse_deadline(deadline) if deadline else (None, None)
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
    return Reply(text=texts.NOTE_ADDED.format(number=args.action.code))


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
    examples=["!indicateur 6 4 audits réalisés"],
)
def record_indicator(ctx: Context, args: Args) -> Reply:
    action, value = args.action, args.value
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
    if health != GOOD:
        what = texts.HEALTH_CHANGE.format(health=label) + (f" — {comment}" if comment else "")
        reply.posts.append(codir_post(ctx, action, what))
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
    what = texts.DEADLINE_MOVED.format(old=action.deadline or "—", new=deadline, end=day(end))
    reply = Reply(text=safe(texts.DEADLINE_SET.format(number=action.code, what=what)))
    reply.posts.append(codir_post(ctx, action, what + (f" — {reason}" if reason else "")))
    return reply


def describe_undone(entry: dict, db) -> str:
    """What undoing `entry` does, e.g. "en cours, 40 % → à démarrer"."""
    kind = entry["kind"]
    if kind == NOTE:
        return texts.UNDONE_NOTE.format(note=shorten(entry["comment"] or "", 40))
    if kind in (INDICATOR, HEALTH):
        label = "indicateur" if kind == INDICATOR else "santé"
        before = history.value_before(db, entry, kind) or "—"
        return f"{label} {entry['value']} → {before}"
    if kind == DEADLINE:
        return f"échéance {entry['value']} → {entry['old_value'] or '—'}"
    now = entry["new_status"] + _pct(entry["new_progress"])
    before = entry["old_status"] + _pct(entry["old_progress"])
    return f"{now} → {before}"


def _pct(progress: int | None) -> str:
    return f", {percent(progress)}" if progress is not None else ""


def _undone_action(reading: Reading):
    """The action whose last update to undo ("!annuler 59"), or None for the last update."""
    return ACTION.read(reading) if reading.words else None


@command(
    "annuler",
    aliases=["undo"],
    args=[Param("action", "[N]", _undone_action)],
    who=OWN_CHANGES,
    summary=f"Annuler votre dernière mise à jour (dans les {UNDO_MINUTES} minutes).",
    details=(
        "L'annulation est ajoutée à l'historique, rien n'est effacé. Une mise à jour groupée "
        "est annulée en entier. Répété, !annuler remonte à la mise à jour précédente. "
        "Avec un numéro, seule votre dernière mise à jour de cette action est annulée. "
        "Impossible si quelqu'un a modifié l'action depuis."
    ),
    examples=["!annuler", "!annuler 59"],
    questions=["annuler", "trompe", "erreur"],
    questions_rank=40,
)
def undo(ctx: Context, args: Args) -> Reply:
    action = args.action
    entries = history.last_undoable(
        ctx.db, ctx.user.chat_id, action.number if action is not None else None
    )
    if not entries:
        if action is not None:
            raise UserError(intent_texts.NOTHING_TO_UNDO_ON_ACTION.format(number=action.code))
        if history.count_changes_by(ctx.db, ctx.user.chat_id):
            raise UserError(texts.NOTHING_MORE_TO_UNDO)
        raise UserError(texts.NOTHING_TO_UNDO)
    latest = entries[-1]
    if ctx.now - datetime.fromisoformat(latest["at"]) > timedelta(minutes=UNDO_MINUTES):
        too_old = intent_texts.UNDO_ACTION_TOO_OLD if action is not None else texts.UNDO_TOO_OLD
        raise UserError(
            too_old.format(
                number=latest["action_code"], at=moment(latest["at"]), minutes=UNDO_MINUTES
            )
        )
    for entry in entries:
        current = get_action(ctx.db, entry["action_number"])
        owner = plans.plan_by_id(ctx.db, current.plan_id)
        if owner.closed:
            raise UserError(texts.PLAN_CLOSED.format(code=owner.code))
        # Rights are today's: a pilot unlinked since, or an admin no longer one, may not undo.
        if entry["kind"] == DEADLINE and ctx.user.is_admin:
            continue
        if entry["kind"] == DEADLINE or not ctx.user.may_update(current.pilots):
            raise NotAllowed(texts.UNDO_NOT_ALLOWED.format(number=entry["action_code"]))
    group = {e["id"] for e in entries}
    for entry in entries:
        newer = history.newer_change(ctx.db, entry, ignore=group)
        if newer is not None:
            raise UserError(
                texts.UNDO_BLOCKED.format(
                    number=entry["action_code"],
                    who=person_name(ctx.directory, newer["who"]),
                    at=moment(newer["at"]),
                )
            )
    undone = {entry["id"]: describe_undone(entry, ctx.db) for entry in entries}
    history.record_undo(
        ctx.db,
        entries,
        ctx.user.chat_id,
        at=ctx.now,
        comments={id_: texts.UNDO_COMMENT.format(what=what) for id_, what in undone.items()},
        source_id=ctx.message.event_id,
    )
    lines = [
        texts.UNDONE_LINE.format(number=e["action_code"], what=undone[e["id"]]) for e in entries
    ]
    posts = [
        codir_post(
            ctx,
            get_action(ctx.db, e["action_number"]),
            texts.UNDONE_POST.format(what=undone[e["id"]]),
        )
        for e in entries
        if e["kind"] in (STATUS_CHANGE, DEADLINE)
    ]
    if len(lines) == 1:
        return Reply(text=safe(texts.UNDONE_ONE.format(line=lines[0])), posts=posts)
    text_ = texts.UNDONE_MANY.format(count=len(lines))
    listed = "\n".join(f"• {line}" for line in lines)
    return Reply(text=safe(text_ + "\n" + listed), posts=one_post(posts))
