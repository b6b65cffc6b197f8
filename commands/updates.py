"""Reporting progress: !update / !maj, one action per line, all lines or none."""

from dataclasses import dataclass

from commands import texts
from commands.arguments import progress, require_action
from commands.engine import CODIR_ROOM, Context, Post, Reply
from commands.errors import MissingArgument, NotAllowed, UnknownStatus, UserError
from commands.formatting import esc, percent, safe, shorten
from commands.registry import REGISTRY, command
from storage import store
from storage.statuses import IN_PROGRESS, accepted_words, split_status

EXAMPLE = "!maj 29 en cours 40% plan validé en CODIR"


@dataclass
class Change:
    action: dict
    status: str | None
    progress: int | None
    comment: str | None


def parse_change(ctx: Context, args: str) -> Change:
    """`"29 en cours 40% plan validé"` -> the action, its new status, progress and comment."""
    action, words = require_action(ctx.db, args, EXAMPLE)
    if not words:
        raise MissingArgument(
            texts.MISSING_ARGUMENT.format(what=f"le statut ({accepted_words()})", example=EXAMPLE)
        )
    status, rest = split_status(words)
    if status is None:
        # A bare percentage means the action is under way: "!maj 29 40%".
        value = progress(words[0])
        if value is None:
            raise UnknownStatus(
                texts.UNKNOWN_STATUS.format(word=words[0][:30], valid=accepted_words())
            )
        rest = words[1:]
        if action["status"] != IN_PROGRESS:
            status = IN_PROGRESS
    else:
        value = progress(rest[0]) if rest else None
        if value is not None:
            rest = rest[1:]
    if not ctx.user.may_update(action["pilots"]):
        pilots = ", ".join(action["pilots"]) or "aucun"
        raise NotAllowed(texts.NOT_PILOT.format(number=action["number"], pilots=pilots))
    comment = " ".join(rest).strip() or None
    return Change(action, status, value, comment)


def apply_change(ctx: Context, change: Change) -> tuple[str, Post]:
    """Write one change; return the reply line and the CODIR post."""
    action = change.action
    if (
        change.status in (None, action["status"])
        and change.progress in (None, action["progress"])
        and not change.comment
    ):
        raise UserError(
            texts.NOTHING_CHANGED.format(
                number=action["number"],
                status=action["status"],
                progress=f" à {percent(action['progress'])}"
                if action["progress"] is not None
                else "",
            )
        )
    entry = store.record_update(
        ctx.db,
        action["number"],
        ctx.user.chat_id,
        new_status=change.status,
        progress=change.progress,
        comment=change.comment,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    move = f"{entry['old_status']} → {entry['new_status']}"
    if entry["new_progress"] is not None:
        move += f", {percent(entry['new_progress'])}"
    line = f"Action {action['number']} : {move}"
    return line, codir_post(ctx, action, move, change.comment)


def codir_post(ctx: Context, action: dict, what: str, comment: str | None = None) -> Post:
    """The CODIR room's line for a change: who, which action, what, and the comment."""
    title = shorten(action["title"], 80)
    text = f"{ctx.user.chat_id} a mis à jour l'action {action['number']} « {title} » : {what}"
    html = (
        f"<b>{esc(ctx.user.chat_id)}</b> a mis à jour l'action <b>{action['number']}</b> "
        f"« {esc(title)} » : {esc(what)}"
    )
    if comment:
        text += f" — {comment}"
        html += f" — <i>{esc(comment)}</i>"
    return Post(room=CODIR_ROOM, text=safe(text), html=html)


def _lines(args: str) -> list[str]:
    """The argument lines of a (possibly multi-line) update message, command words removed."""
    lines = []
    for raw in args.splitlines():
        line = raw.strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        if line.startswith("!"):
            if REGISTRY.find(word) is not REGISTRY.commands["update"]:
                raise UserError(
                    f"Ligne « {shorten(line, 40)} » : un message groupé ne contient que des !maj."
                )
            line = rest.strip()
        lines.append(line)
    return lines


@command(
    "update",
    who="les pilotes de l'action et les administrateurs",
    aliases=["maj", "mise-a-jour"],
    usage="N statut [NN%] [commentaire]",
    summary="Mettre à jour une action dont vous êtes pilote.",
    details=(
        f"Statuts : {accepted_words()} (synonymes acceptés : réalisé, terminé, commencé, "
        "en pause, bloqué, annulé…). Plusieurs lignes « !maj » dans un même message sont "
        "toutes appliquées, ou aucune."
    ),
    examples=["!update 47 fait", EXAMPLE],
    writes=True,
)
def update_action(ctx: Context, args: str) -> Reply:
    lines = _lines(args) or [""]
    results, posts = [], []
    for index, line in enumerate(lines, start=1):
        try:
            result, post = apply_change(ctx, parse_change(ctx, line))
        except UserError as refusal:
            if len(lines) == 1:
                raise
            raise type(refusal)(
                f"Ligne {index} : {refusal} Aucune des {len(lines)} mises à jour n'a été appliquée."
            ) from refusal
        results.append(result)
        posts.append(post)
    if len(results) == 1:
        return Reply(text=safe(results[0] + "."), posts=posts)
    text = f"{len(results)} actions mises à jour :\n" + "\n".join(f"• {r}" for r in results)
    return Reply(text=safe(text), posts=posts)
