"""Richer updates: !note, !indicateur, !sante, !echeance, and !annuler for the last of them."""

from datetime import datetime, timedelta

from commands import texts
from commands.access import ADMIN
from commands.arguments import require_action
from commands.engine import Context, Reply
from commands.errors import MissingArgument, NotAllowed, UserError
from commands.formatting import moment, percent, safe, shorten
from commands.registry import command
from commands.updates import codir_post
from storage import history, store
from storage.deadlines import MONTHS, parse_deadline
from storage.statuses import HEALTHS, fold

UNDO_MINUTES = 15
MAX_NOTE = 1000
MAX_INDICATOR = 200
#: Words that may belong to a deadline ("avril 2019 - 2024", "fin juin 2025").
_DEADLINE_WORDS = {"-", "/", "à", "a", "au", "fin", "debut", "mi", "et"}
_DEADLINE_YEARS = range(2000, 2101)


def _action_to_change(ctx: Context, args: str, example: str) -> tuple[dict, list[str]]:
    """The action a pilot (or an admin) may change, and the remaining words."""
    action, words = require_action(ctx.db, args, example)
    if not ctx.user.may_update(action["pilots"]):
        pilots = ", ".join(action["pilots"]) or "aucun"
        raise NotAllowed(texts.NOT_PILOT.format(number=action["number"], pilots=pilots))
    return action, words


def _limit(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise UserError(texts.TOO_LONG.format(what=what, length=len(text), limit=limit))
    return text


def _rest(args: str) -> str:
    """The text after the action number, line breaks kept as spaces."""
    parts = args.split(None, 1)
    return " ".join(parts[1].split()) if len(parts) > 1 else ""


@command(
    "note",
    who="les pilotes de l'action et les administrateurs",
    aliases=["commentaire"],
    usage="N texte",
    summary="Ajouter un commentaire à une action, sans changer son statut.",
    examples=["!note 12 réunion avec le SPW le 5 juin"],
    writes=True,
)
def add_note(ctx: Context, args: str) -> Reply:
    action, _ = _action_to_change(ctx, args, "!note 12 réunion avec le SPW")
    note = _limit(_rest(args), MAX_NOTE, "Note")
    if not note:
        raise MissingArgument(texts.NOTE_MISSING)
    store.record_update(
        ctx.db,
        action["number"],
        ctx.user.chat_id,
        kind="note",
        comment=note,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    return Reply(text=f"Note ajoutée à l'action {action['number']}.")


@command(
    "indicateur",
    who="les pilotes de l'action et les administrateurs",
    aliases=["indicator", "ind"],
    usage="N valeur",
    summary="Noter la valeur atteinte de l'indicateur d'une action (ex. 12 audits).",
    examples=["!indicateur 6 4 audits réalisés"],
    writes=True,
)
def record_indicator(ctx: Context, args: str) -> Reply:
    action, _ = _action_to_change(ctx, args, "!indicateur 6 4 audits")
    value = _limit(_rest(args), MAX_INDICATOR, "Valeur")
    if not value:
        raise MissingArgument(texts.INDICATOR_MISSING)
    if fold(value) == fold(action["indicator_value"] or ""):
        raise UserError(texts.SAME_INDICATOR.format(number=action["number"], value=value))
    store.record_update(
        ctx.db,
        action["number"],
        ctx.user.chat_id,
        kind="indicator",
        value=value,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    label = shorten(action["indicators"] or "indicateur", 50)
    return Reply(text=safe(f"Action {action['number']} : {label} → {value}."))


@command(
    "sante",
    who="les pilotes de l'action et les administrateurs",
    aliases=["health", "meteo"],
    usage="N bon|risque|bloque [commentaire]",
    summary="Dire si une action va bien, est à risque ou est bloquée.",
    details="Risque et blocage sont signalés au CODIR.",
    examples=["!sante 12 risque marché public en retard", "!sante 12 bon"],
    writes=True,
)
def record_health(ctx: Context, args: str) -> Reply:
    action, words = _action_to_change(ctx, args, "!sante 12 risque")
    if not words:
        raise MissingArgument(texts.HEALTH_MISSING)
    health = HEALTHS.get(fold(words[0]))
    if health is None:
        raise UserError(texts.UNKNOWN_HEALTH.format(word=shorten(words[0], 20)))
    comment = _limit(" ".join(words[1:]), MAX_NOTE, "Commentaire") or None
    if health == action["health"] and not comment:
        raise UserError(texts.SAME_HEALTH.format(number=action["number"], health=health))
    store.record_update(
        ctx.db,
        action["number"],
        ctx.user.chat_id,
        kind="health",
        value=health,
        comment=comment,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    label = texts.HEALTH_LABELS[health]
    reply = Reply(text=f"Action {action['number']} : santé {label}.")
    if health != "bon":
        what = f"santé {label}" + (f" — {comment}" if comment else "")
        reply.posts.append(codir_post(ctx, action, what))
    return reply


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


@command(
    "echeance",
    aliases=["deadline"],
    usage="N échéance [raison]",
    summary="Changer l'échéance d'une action ; l'ancienne reste dans l'historique.",
    details="Formats : 2025-06, juin 2025, 31/12/2025, 2025, 2024-2026.",
    examples=["!echeance 12 2025-06", "!echeance 12 juin 2026 marché relancé"],
    roles=[ADMIN],
    writes=True,
)
def change_deadline(ctx: Context, args: str) -> Reply:
    action, words = require_action(ctx.db, args, "!echeance 12 2025-06")
    if not words:
        raise MissingArgument(texts.DEADLINE_MISSING)
    deadline, rest = split_deadline(words)
    _, end = parse_deadline(deadline) if deadline else (None, None)
    if end is None or end.year not in _DEADLINE_YEARS:
        raise UserError(texts.BAD_DEADLINE.format(word=shorten(deadline or words[0], 30)))
    if deadline == action["deadline"]:
        raise UserError(texts.SAME_DEADLINE.format(number=action["number"], deadline=deadline))
    reason = _limit(" ".join(rest), MAX_NOTE, "Raison") or None
    history.record_deadline(
        ctx.db,
        action["number"],
        ctx.user.chat_id,
        deadline=deadline,
        comment=reason,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    what = f"échéance {action['deadline'] or '—'} → {deadline} (fin : {end.strftime('%d/%m/%Y')})"
    reply = Reply(text=safe(f"Action {action['number']} : {what}."))
    reply.posts.append(codir_post(ctx, action, what + (f" — {reason}" if reason else "")))
    return reply


def describe_undone(entry: dict, db) -> str:
    """What undoing `entry` does, e.g. "en cours, 40 % → à démarrer"."""
    kind = entry["kind"]
    if kind == "note":
        return f"note « {shorten(entry['comment'] or '', 40)} » retirée"
    if kind in ("indicator", "health"):
        label = "indicateur" if kind == "indicator" else "santé"
        before = history.value_before(db, entry, kind) or "—"
        return f"{label} {entry['value']} → {before}"
    if kind == "deadline":
        return f"échéance {entry['value']} → {entry['old_value'] or '—'}"
    now = entry["new_status"] + _pct(entry["new_progress"])
    before = entry["old_status"] + _pct(entry["old_progress"])
    return f"{now} → {before}"


def _pct(progress: int | None) -> str:
    return f", {percent(progress)}" if progress is not None else ""


@command(
    "annuler",
    who="chacun, pour ses propres mises à jour",
    aliases=["undo"],
    summary=f"Annuler votre dernière mise à jour (dans les {UNDO_MINUTES} minutes).",
    details=(
        "L'annulation est ajoutée à l'historique, rien n'est effacé. Une mise à jour groupée "
        "est annulée en entier. Répété, !annuler remonte à la mise à jour précédente. "
        "Impossible si quelqu'un a modifié l'action depuis."
    ),
    examples=["!annuler"],
    writes=True,
)
def undo(ctx: Context, args: str) -> Reply:
    entries = history.last_undoable(ctx.db, ctx.user.chat_id)
    if not entries:
        if history.count_changes_by(ctx.db, ctx.user.chat_id):
            raise UserError(texts.NOTHING_MORE_TO_UNDO)
        raise UserError(texts.NOTHING_TO_UNDO)
    latest = entries[-1]
    if ctx.now - datetime.fromisoformat(latest["at"]) > timedelta(minutes=UNDO_MINUTES):
        raise UserError(
            texts.UNDO_TOO_OLD.format(
                number=latest["action_number"], at=moment(latest["at"]), minutes=UNDO_MINUTES
            )
        )
    group = {e["id"] for e in entries}
    for entry in entries:
        newer = history.newer_change(ctx.db, entry, ignore=group)
        if newer is not None:
            raise UserError(
                texts.UNDO_BLOCKED.format(
                    number=entry["action_number"], who=newer["who"], at=moment(newer["at"])
                )
            )
    undone = {entry["id"]: describe_undone(entry, ctx.db) for entry in entries}
    history.record_undo(
        ctx.db,
        entries,
        ctx.user.chat_id,
        at=ctx.now,
        comments={id_: f"annulation : {what}" for id_, what in undone.items()},
        source_id=ctx.message.event_id,
    )
    lines = [f"Action {e['action_number']} : {undone[e['id']]}" for e in entries]
    posts = [
        codir_post(
            ctx, store.get_action(ctx.db, e["action_number"]), f"annulé : {undone[e['id']]}"
        )
        for e in entries
        if e["kind"] in ("status", "deadline")
    ]
    if len(lines) == 1:
        return Reply(text=safe(f"Annulé. {lines[0]}."), posts=posts)
    text = f"Annulé ({len(lines)} actions) :\n" + "\n".join(f"• {line}" for line in lines)
    return Reply(text=safe(text), posts=posts)
