"""Reporting progress: !maj, one action (or several) per line, each line on its own."""

import contextlib
from dataclasses import dataclass

from commands import request_records, texts
from commands.access import PILOTS_OF_CHANGED_ACTIONS, pilot_refusal
from commands.arguments import Param, Reading, limited, lookup_action, plan_of
from commands.errors import MissingArgument, NotAllowed, Proposal, UserError
from commands.formatting import percent, safe, shorten
from commands.grammar import UpdateLine, read_updates
from commands.grammar_refusals import GrammarError, Unsure
from commands.registry import command
from commands.render import codir_note, codir_post, health_news, one_post
from commands.types import Args, Context, Post, Refused, Reply
from storage import history
from storage.actions import Action, get_action
from storage.effective import without_given_day
from storage.vocabulary import (
    DONE,
    HEALTH,
    IN_PROGRESS,
    NOT_STARTED,
    ON_HOLD,
    accepted_words,
    health_label,
)

EXAMPLE = "!maj 29 en cours 40% plan validé en CODIR"


@dataclass(frozen=True)
class Part:
    """One segment of an update line: the actions it names and what it sets on each."""

    actions: tuple[Action, ...]
    status: str | None
    progress: int | None
    comment: str | None
    health: str | None = None
    checkin: bool = False


@dataclass(frozen=True)
class Change:
    """One update line as read: every action it names (looked up in the room's plan) and its
    parts, one per segment (`52 fait, 53 en cours 30 %`)."""

    actions: tuple[Action, ...]
    parts: tuple[Part, ...]


def _may_propose(reading: Reading, codes: list[str]) -> None:
    """Before a line is proposed: an unknown action, or one this person does not pilot, is
    said now, not after « oui »."""
    the_plan = plan_of(reading)
    actions = [lookup_action(reading.ctx.db, the_plan, code) for code in codes]
    refusal = pilot_refusal(reading.ctx, actions)
    if refusal:
        raise NotAllowed(refusal)


def _update(reading: Reading) -> Change:
    """One update line, read by the grammar (commands/grammar.py) and made coherent; a line
    the grammar is unsure of is proposed (`Proposal`), never applied."""
    the_plan = plan_of(reading)
    try:
        lines = read_updates(reading.rest())
    except Unsure as unsure:
        _may_propose(reading, [code for segment in unsure.segments for code in segment.codes])
        raise Proposal(str(unsure), [safe(line) for line in unsure.lines]) from None
    except GrammarError as near:  # "47 fiat", "47 en cours 50": the corrected line, to confirm
        if near.line is None:
            raise
        with contextlib.suppress(GrammarError):  # read again after « oui » anyway
            _may_propose(reading, [code for line in read_updates(near.line) for code in line.codes])
        raise Proposal(near.question(), [safe(f"!maj {near.line}")]) from None
    parts = []
    for line in lines:
        status, progress = coherent(line)
        actions = tuple(lookup_action(reading.ctx.db, the_plan, code) for code in line.codes)
        parts.append(Part(actions, status, progress, line.comment, line.health, line.checkin))
    every = tuple(dict.fromkeys(a for part in parts for a in part.actions))
    return Change(every, tuple(parts))


def coherent(line: UpdateLine) -> tuple[str | None, int | None]:
    """Status and progress that agree: 100 % is done, done is 100 %, a bare percentage means
    under way, a contradiction ("fait 50%") is refused with why."""
    status, progress = line.status, line.progress
    if status is None and progress is None and not (line.comment or line.health or line.checkin):
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


#: "47 en cours 50 %, marché attribué": `args.change`, a `Change`.
UPDATE = Param("change", "N statut [NN%] [commentaire]", _update)


#: How a check-in reads in the reply ("RAS" changes nothing but counts as news).
CHECKIN_MOVE = "rien de neuf, c'est noté"


def _apply_one(ctx: Context, named: Action, change: Part) -> tuple[str, Post | None]:
    # Read again: an earlier line of the same message may have changed this action.
    action = get_action(ctx.db, named.number)
    status, progress = change.status, change.progress
    after = history.resulting_state(action.status, action.progress, status, progress)
    unchanged = after == (action.status, action.progress)
    new_health = bool(change.health) and change.health != action.health
    if change.checkin and unchanged and not change.comment:
        # "RAS": news that changes nothing, one entry in the history.
        history.record_update(
            ctx.db, action.number, ctx.user.chat_id, source_id=ctx.message.event_id, at=ctx.now
        )
        return texts.UPDATE_LINE.format(number=action.code, move=CHECKIN_MOVE), None
    quiet = not change.comment or change.comment == _last_comment(ctx, action)
    if unchanged and quiet and not new_health:
        current = f" à {percent(action.progress)}" if action.progress is not None else ""
        raise UserError(
            texts.NOTHING_CHANGED.format(number=action.code, status=action.status, progress=current)
        )
    if not unchanged and after[0] != action.status:
        _require_reason(action, after[0], change.comment)
        if _validated_by_the_dg(ctx, after[0]):
            return request_records.status_request(ctx, action, after[0], change.comment)
    move = ""
    if not unchanged or not (quiet or new_health):
        # A health said with its reason keeps the reason on the health entry alone.
        entry = history.record_update(
            ctx.db,
            action.number,
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
    if new_health:
        history.record_update(
            ctx.db,
            action.number,
            ctx.user.chat_id,
            kind=HEALTH,
            value=change.health,
            comment=change.comment,
            source_id=ctx.message.event_id,
            at=ctx.now,
        )
        move = ", ".join(filter(None, [move, f"santé {health_label(change.health)}"]))
    line = texts.UPDATE_LINE.format(number=action.code, move=move)
    if change.comment:
        line += texts.UPDATE_COMMENT.format(comment=shorten(change.comment, 80))
    return line, _post(ctx, action, change, moved=not unchanged, new_health=new_health)


def _validated_by_the_dg(ctx: Context, status: str) -> bool:
    """A pilot's suspension or abandon that `[access] validate` makes a request."""
    kind = request_records.KIND_OF_STATUS.get(status)
    return kind in ctx.directory.validate and not ctx.user.is_admin


def _require_reason(action: Action, status: str, comment: str | None) -> None:
    """A suspension or an abandon says why (« le 12/03 » alone is a day, not a reason)."""
    if status in texts.REASON_VERBS and not without_given_day(comment):
        example = f"!maj {action.code} {status} {texts.REASON_EXAMPLES[status]}"
        verb = texts.REASON_VERBS[status]
        raise UserError(texts.REASON_NEEDED.format(verb=verb, number=action.code, example=example))


def _post(ctx: Context, action: Action, change: Part, *, moved: bool, new_health: bool):
    """The CODIR line of one applied change: the move when status, progress or health changed,
    a short note for a new comment alone, nothing otherwise."""
    after = get_action(ctx.db, action.number)
    what = []
    if moved and after.status != action.status:
        shown = f", {percent(after.progress)}" if after.progress is not None else ""
        what.append(f"{action.status} → {after.status}{shown}")
    elif moved:  # the progress alone: « en cours, 40 % → 60 % »
        was = percent(action.progress) if action.progress is not None else "—"
        now = percent(after.progress) if after.progress is not None else "—"
        what.append(f"{after.status}, {was} → {now}")
    if new_health and health_news(action.health, after.health):
        what.append(f"santé {health_label(after.health)}")
    if what:
        return codir_post(ctx, action, ", ".join(what), change.comment)
    if change.comment and change.comment != action.last_comment:
        return codir_note(ctx, action, change.comment)
    return None


@command(
    "maj",
    aliases=["update", "mise-a-jour", "mettre-a-jour"],
    args=[UPDATE],
    who=PILOTS_OF_CHANGED_ACTIONS,
    per_line=True,
    summary="Mettre à jour une action dont vous êtes pilote.",
    details=(
        f"Statuts : {accepted_words()} (synonymes acceptés : réalisé, terminé, commencé, "
        "en pause, stand-by, annulé… ; « bloqué », « à risque » disent la santé). Plusieurs "
        "lignes dans un même message (« !maj » répété ou non) : chaque ligne comprise est "
        "appliquée, la réponse dit pourquoi les autres ne "
        "l'ont pas été."
    ),
    examples=[EXAMPLE, "!maj 47 fait", "!maj 47 et 48 fait, marché attribué"],
    questions=["jour", "statut"],
    questions_rank=50,
    pointer="!maj 47 en cours 40 %",
)
def update_action(ctx: Context, every: list[Args | Refused]) -> Reply:
    """Each line applied on its own: the reply says what was stored, and per line what was
    not; one CODIR post for the whole message, none when nothing changed."""
    results, refused, posts, proposed = [], [], [], []
    for index, args in enumerate(every, start=1):
        if isinstance(args, Refused):
            refused.append(texts.line_refusal(args.index, args.reason))
            proposed.extend(args.proposal)  # a line proposed: « oui » runs it
            continue
        pairs = [(named, part) for part in args.change.parts for named in part.actions]
        for named, part in pairs:
            try:
                line, post = _apply_one(ctx, named, part)
            except UserError as refusal:
                if len(every) == 1 and len(pairs) == 1:
                    raise
                refused.append(texts.line_refusal(index, str(refusal)))
                continue
            results.append(line)
            posts.extend([post] if post else [])
    if not results:
        text = "\n".join([texts.NOTHING_APPLIED, *(f"• {r}" for r in refused)])
        raise Proposal(text, proposed) if proposed else UserError(text)
    if len(results) == 1 and not refused:
        return Reply(text=safe(results[0] + "."), posts=posts)
    lines = [texts.updates_done(len(results)), *(f"• {r}" for r in results)]
    if refused:
        lines += [texts.LINES_REFUSED.format(count=len(refused)), *(f"• {r}" for r in refused)]
    reply = Reply(text=safe("\n".join(lines)), posts=one_post(posts), proposal=tuple(proposed))
    return reply


def _last_comment(ctx: Context, action: Action) -> str | None:
    last = history.last_entries(ctx.db, action.number, limit=1)
    return last[0]["comment"] if last else None
