"""Reporting progress: !update / !maj, one action per line, all lines or none."""

from commands import texts
from commands.access import PILOTS_OF_ACTION
from commands.arguments import ACTION, COMMENT, STATE
from commands.errors import UserError
from commands.formatting import percent, safe
from commands.registry import command
from commands.render import codir_post, one_post
from commands.types import Args, Context, Post, Reply
from storage import history, plan
from storage.vocabulary import accepted_words

EXAMPLE = "!maj 29 en cours 40% plan validé en CODIR"


def apply_change(ctx: Context, args: Args) -> tuple[str, Post]:
    """Write one change; return the reply line and the CODIR post."""
    # Read again: an earlier line of the same message may have changed this action.
    action = plan.get_action(ctx.db, args.action["number"])
    status, progress = args.state
    unchanged = status in (None, action["status"]) and progress in (None, action["progress"])
    if unchanged and not args.comment:
        current = f" à {percent(action['progress'])}" if action["progress"] is not None else ""
        raise UserError(
            texts.NOTHING_CHANGED.format(
                number=action["code"], status=action["status"], progress=current
            )
        )
    entry = history.record_update(
        ctx.db,
        action["number"],
        ctx.user.chat_id,
        new_status=status,
        progress=progress,
        comment=args.comment,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    move = f"{entry['old_status']} → {entry['new_status']}"
    if entry["new_progress"] is not None:
        move += f", {percent(entry['new_progress'])}"
    line = texts.UPDATE_LINE.format(number=action["code"], move=move)
    return line, codir_post(ctx, action, move, args.comment)


@command(
    "update",
    aliases=["maj", "mise-a-jour"],
    args=[ACTION, STATE, COMMENT],
    who=PILOTS_OF_ACTION,
    per_line=True,
    summary="Mettre à jour une action dont vous êtes pilote.",
    details=(
        f"Statuts : {accepted_words()} (synonymes acceptés : réalisé, terminé, commencé, "
        "en pause, bloqué, annulé…). Plusieurs lignes « !maj » dans un même message sont "
        "toutes appliquées, ou aucune."
    ),
    examples=[EXAMPLE, "!update 47 fait"],
)
def update_action(ctx: Context, every: list[Args]) -> Reply:
    results, posts = [], []
    for index, args in enumerate(every, start=1):
        try:
            result, post = apply_change(ctx, args)
        except UserError as refusal:
            if len(every) == 1:
                raise
            raise type(refusal)(texts.line_refusal(index, len(every), refusal)) from refusal
        results.append(result)
        posts.append(post)
    if len(results) == 1:
        return Reply(text=safe(results[0] + "."), posts=posts)
    text = texts.UPDATES_DONE.format(count=len(results))
    lines = "\n".join(f"• {r}" for r in results)
    return Reply(text=safe(text + "\n" + lines), posts=one_post(posts))
