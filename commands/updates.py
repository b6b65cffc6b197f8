"""Reporting progress: !update / !maj, one action per line, all lines or none."""

from commands import texts
from commands.access import PILOTS_OF_ACTION
from commands.arguments import Param, Reading, limited, lookup_action, plan_of
from commands.errors import MissingArgument, UserError
from commands.formatting import percent, safe, shorten
from commands.grammar import UpdateLine, parse_update
from commands.registry import command
from commands.render import codir_post, one_post
from commands.types import Args, Context, Post, Reply
from storage import history, plan
from storage.vocabulary import DONE, IN_PROGRESS, NOT_STARTED, ON_HOLD, accepted_words

EXAMPLE = "!maj 29 en cours 40% plan validé en CODIR"


def _update(reading: Reading) -> Args:
    """One update line, read by the grammar (commands/grammar.py) and made coherent; its
    actions, looked up in the room's plan, go to `args.actions`."""
    the_plan = plan_of(reading)
    line = parse_update(reading.rest())
    status, progress = coherent(line)
    reading.values["actions"] = [
        lookup_action(reading.ctx.db, the_plan, code) for code in line.codes
    ]
    return Args(status=status, progress=progress, comment=line.comment)


def coherent(line: UpdateLine) -> tuple[str | None, int | None]:
    """Status and progress that agree: 100 % is done, done is 100 %, a bare percentage means
    under way, a contradiction ("fait 50%") is refused with why."""
    status, progress = line.status, line.progress
    if status is None and progress is None and not line.comment:
        what = f"le statut ({accepted_words()})"
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what=what, example=EXAMPLE))
    if line.bare_progress:
        status = DONE if progress == 100 else IN_PROGRESS
    if status == DONE and progress not in (None, 100):
        raise UserError(texts.DONE_IS_100.format(progress=progress))
    if status == NOT_STARTED and progress:
        raise UserError(texts.NOT_STARTED_IS_0.format(progress=progress))
    if status in (IN_PROGRESS, ON_HOLD) and progress == 100:
        raise UserError(texts.HUNDRED_IS_DONE.format(status=status))
    limited(line.comment or "", "Commentaire")
    return status, progress


#: "47 en cours 50 %, marché attribué": `args.actions` and `args.change` (status, progress,
#: comment).
UPDATE = Param("change", "N statut [NN%] [commentaire]", _update)


def apply_change(ctx: Context, args: Args) -> tuple[list[str], list[Post]]:
    """Write one line's change to each of its actions; return the reply lines and posts."""
    lines, posts = [], []
    for named in args.actions:
        line, post = _apply_one(ctx, named, args.change)
        lines.append(line)
        posts.append(post)
    return lines, posts


def _apply_one(ctx: Context, named: dict, change: Args) -> tuple[str, Post]:
    # Read again: an earlier line of the same message may have changed this action.
    action = plan.get_action(ctx.db, named["number"])
    status, progress = change.status, change.progress
    if status == DONE and progress is None:
        progress = 100
    unchanged = status in (None, action["status"]) and progress in (None, action["progress"])
    if unchanged and not change.comment:
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
        comment=change.comment,
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    move = f"{entry['old_status']} → {entry['new_status']}"
    if entry["new_progress"] is not None:
        move += f", {percent(entry['new_progress'])}"
    line = texts.UPDATE_LINE.format(number=action["code"], move=move)
    if change.comment:
        line += texts.UPDATE_COMMENT.format(comment=shorten(change.comment, 80))
    return line, codir_post(ctx, action, move, change.comment)


@command(
    "maj",
    aliases=["update", "mise-a-jour", "mettre-a-jour"],
    args=[UPDATE],
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
            lines, line_posts = apply_change(ctx, args)
        except UserError as refusal:
            if len(every) == 1:
                raise
            raise type(refusal)(texts.line_refusal(index, len(every), refusal)) from refusal
        results += lines
        posts += line_posts
    if len(results) == 1:
        return Reply(text=safe(results[0] + "."), posts=posts)
    text = texts.UPDATES_DONE.format(count=len(results))
    lines = "\n".join(f"• {r}" for r in results)
    return Reply(text=safe(text + "\n" + lines), posts=one_post(posts))
