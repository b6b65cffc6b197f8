"""A pilot's request as it is recorded, described and announced to the CODIR room: shared by
`!demande` (commands/requests.py), `!report` (commands/progress.py) and a pilot's `!maj` that
`[access] validate` makes a request (commands/updates.py)."""

from dataclasses import dataclass

from commands import requests_texts as texts
from commands.errors import UserError
from commands.formatting import esc, safe, shorten
from commands.render import person_name
from commands.types import CODIR_ROOM, Context, Post
from storage import requests
from storage.actions import get_action
from storage.deadlines import read_deadline
from storage.vocabulary import ABANDONED, ON_HOLD, fold

#: The status a suspension or an abandon request asks for, and back.
STATUS_OF = {requests.SUSPEND: ON_HOLD, requests.ABANDON: ABANDONED}
KIND_OF_STATUS = {ON_HOLD: requests.SUSPEND, ABANDONED: requests.ABANDON}


@dataclass(frozen=True)
class Asked:
    kind: str
    action: object = None
    oo: str | None = None
    wanted: str | None = None
    reason: str | None = None


def describe(ctx: Context, row: dict) -> str:
    """What a stored request asks, in a few words."""
    action = get_action(ctx.db, row["action_number"]) if row["action_number"] else None
    what = (
        texts.WHAT[row["kind"]]
        if row["wanted"] or row["kind"] != requests.DEADLINE
        else (texts.WHAT_DEADLINE_UNSAID)
    )
    return what.format(
        code=action.code if action else "?",
        wanted=row["wanted"] or "",
        oo=row["oo_number"] or "",
        who=name_of(ctx, row["who"]),
    )


def name_of(ctx: Context, chat_id: str) -> str:
    return person_name(ctx.directory, chat_id)


def _same_request(row: dict, asked: Asked, who: str) -> bool:
    """Whether the open request `row` already asks what `asked` asks: the same change of the
    same action (a « pas moi » is each pilot's own; a deadline request with no date, or the
    same date, adds nothing to an open one), or the same new action in the same OO."""
    if row["kind"] != asked.kind:
        return False
    if asked.kind == requests.NEW_ACTION:
        return row["oo_number"] == asked.oo and fold(row["wanted"] or "") == fold(asked.wanted)
    if asked.kind == requests.NOT_ME and row["who"] != who:
        return False
    if row["action_number"] != asked.action.number:
        return False
    if asked.kind != requests.DEADLINE or not asked.wanted:
        return True
    if not row["wanted"]:
        return False
    wanted, open_one = read_deadline(asked.wanted), read_deadline(row["wanted"])
    if wanted.understood and open_one.understood:
        return wanted == open_one
    return fold(asked.wanted) == fold(row["wanted"])


def _refusal(ctx: Context, asked: Asked, waiting: list[dict]) -> str | None:
    """Why `asked` is not worth the DG's decision, in French; None when it is. A request the
    DG already has (among `waiting`), a deadline already passed or already the action's, a
    status the action already has: nothing is recorded, nothing is posted."""
    who = ctx.user.chat_id
    for row in waiting:
        if _same_request(row, asked, who):
            line = texts.ALREADY_MINE if row["who"] == who else texts.ALREADY_ASKED
            return line.format(id=row["id"], who=name_of(ctx, row["who"]), what=describe(ctx, row))
    action = asked.action
    if asked.kind == requests.DEADLINE and asked.wanted:
        wanted, current = read_deadline(asked.wanted), read_deadline(action.deadline)
        if wanted.end is not None and wanted.end < ctx.today:
            return texts.DEADLINE_PAST.format(wanted=shorten(asked.wanted, 40))
        if wanted.understood and wanted == current:
            return texts.DEADLINE_SAME.format(code=action.code, deadline=action.deadline)
    if asked.kind in STATUS_OF and action.status == STATUS_OF[asked.kind]:
        return texts.STATUS_SAME.format(code=action.code, status=action.status)
    return None


def _replaced(ctx: Context, asked: Asked, waiting: list[dict]) -> dict | None:
    """The pilot's own open deadline request on the same action that `asked` replaces: a
    pilot who asks another date has changed their mind, the DG decides on the last one."""
    if asked.kind != requests.DEADLINE:
        return None
    for row in waiting:
        mine = row["who"] == ctx.user.chat_id and row["kind"] == requests.DEADLINE
        if mine and row["action_number"] == asked.action.number:
            return row
    return None


def _record(ctx: Context, asked: Asked) -> tuple[dict, str]:
    waiting = requests.open_requests(ctx.db, ctx.plan.id)
    refused = _refusal(ctx, asked, waiting)
    if refused:
        raise UserError(refused)
    old = _replaced(ctx, asked, waiting)
    row = requests.record_request(
        ctx.db,
        asked.kind,
        ctx.user.chat_id,
        at=ctx.now,
        plan_id=ctx.plan.id,
        number=asked.action.number if asked.action else None,
        oo_number=asked.oo,
        wanted=asked.wanted,
        reason=asked.reason,
        source_id=ctx.message.event_id,
    )
    if old is None:
        return row, describe(ctx, row)
    answer = texts.REPLACED_BY.format(id=row["id"])
    requests.decide(
        ctx.db, old["id"], ctx.user.chat_id, requests.REPLACED, at=ctx.now, answer=answer
    )
    row = {**row, "replaces": old["id"]}
    return row, describe(ctx, row) + texts.REPLACES.format(id=old["id"])


def _codir_post(ctx: Context, row: dict, what: str) -> Post:
    reason = texts.REASON.format(reason=shorten(row["reason"], 80)) if row["reason"] else ""
    line = texts.CODIR_NEW.format(
        id=row["id"], who=name_of(ctx, row["who"]), what=what, reason=reason
    )
    return Post(room=CODIR_ROOM, text=safe(line), html=esc(line), request=row["id"])


def status_request(ctx: Context, action, status: str, reason: str | None) -> tuple[str, Post]:
    """A pilot's `!maj` to a status the DG validates (`[access] validate`), recorded as a
    request: the reply's line and the CODIR post."""
    row, what = _record(ctx, Asked(KIND_OF_STATUS[status], action=action, reason=reason))
    line = texts.AS_REQUEST.format(code=action.code, what=what, id=row["id"])
    return line, _codir_post(ctx, row, what)


def announced(ctx: Context, asked: Asked) -> tuple[dict, str, Post]:
    """Record `asked` (in the command's transaction): the row, what it asks, the CODIR post."""
    row, what = _record(ctx, asked)
    return row, what, _codir_post(ctx, row, what)
