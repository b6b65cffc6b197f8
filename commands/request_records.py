"""A pilot's request as it is recorded, described and announced to the CODIR room: shared by
`!demande` (commands/requests.py), `!report` (commands/progress.py) and a pilot's `!maj` that
`[access] validate` makes a request (commands/updates.py)."""

from dataclasses import dataclass

from commands import requests_texts as texts
from commands.formatting import esc, safe, shorten
from commands.render import person_name
from commands.types import CODIR_ROOM, Context, Post
from storage import requests
from storage.actions import get_action
from storage.vocabulary import ABANDONED, ON_HOLD

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


def _record(ctx: Context, asked: Asked) -> tuple[dict, str]:
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
    return row, describe(ctx, row)


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
