"""Reporting campaigns (storage/campaigns.py): `!campagne 2027-03-01 2027-03-15 [OS 2]` asks
every pilot of the scope for word on their open actions within the window; `!campagne` tells
where it stands (« 34/52 pilotes, 101/127 actions »). The schedule gives each person one
grouped request when it opens and one reminder two working days before the close to those
still missing, never the day their request went (a campaign started late); at the close
the situation is kept for `pst-bot evaluation --campagne N`; the weekly digest says where an
open campaign stands.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from commands import campaign_texts as texts
from commands.access import READERS_OF_REPORTS
from commands.arguments import PLAN, text
from commands.errors import NotAllowed, UserError
from commands.formatting import esc, safe, shorten
from commands.registry import command
from commands.types import ADMIN, Args, Context, Directory, Reply
from storage import campaigns, sends
from storage.actions import Action, list_actions
from storage.campaigns import Campaign
from storage.clock import today as local_day
from storage.vocabulary import fold

#: Working days before the close the one reminder goes.
NUDGE_WORKING_DAYS = 2
#: Actions a request lists at most (the count says the rest).
MOST_LINES = 12
#: Those missing named by `!campagne`, the rest counted.
MISSING_NAMED = 10
OPENING, NUDGE = "campaign-open", "campaign-nudge"


def _day(word: str) -> date:
    """« 2027-03-01 » or « 01/03/2027 » (a day, nothing vaguer)."""
    word = word.strip(".,;")
    try:
        if "/" in word:
            day, month, year = (int(part) for part in word.split("/"))
            return date(year, month, day)
        return date.fromisoformat(word)
    except ValueError:
        raise UserError(texts.BAD_DAY.format(word=shorten(word, 20))) from None


def _os_of(words: list[str]) -> int | None:
    if not words:
        return None
    joined = "".join(words)
    number = fold(joined).removeprefix("os").strip(".")
    if not number.isdigit():
        raise UserError(texts.BAD_SCOPE.format(word=shorten(" ".join(words), 20)))
    return int(number)


@dataclass(frozen=True)
class Rate:
    pilots: int
    pilots_answered: int
    actions: int
    actions_answered: int
    #: Pilot -> their actions still without word.
    missing: dict[str, list[Action]]


def rate(db, campaign: Campaign, actions: list[Action] | None = None) -> Rate:
    """Who answered; `actions` is the campaign's scope when the caller has read it already."""
    actions = campaigns.scope(db, campaign) if actions is None else actions
    kept = campaigns.snapshot(db, campaign.id)
    missing: dict[str, list[Action]] = {}
    pilots: set[str] = set()
    answered = 0
    for action in actions:
        done = (
            bool(kept[action.number]["answered"])
            if action.number in kept
            else (campaigns.answered(action, campaign))
        )
        answered += done
        for pilot in action.pilots:
            pilots.add(pilot)
            if not done:
                missing.setdefault(pilot, []).append(action)
    return Rate(
        pilots=len(pilots),
        pilots_answered=len(pilots - set(missing)),
        actions=len(actions),
        actions_answered=answered,
        missing=missing,
    )


def rate_line(db, campaign: Campaign) -> str:
    counts = rate(db, campaign)
    scope = texts.SCOPE_OS.format(os=campaign.os_number) if campaign.os_number else ""
    return texts.RATE.format(
        id=campaign.id,
        opens=f"{campaign.opens:%d/%m}",
        closes=f"{campaign.closes:%d/%m/%Y}",
        scope=scope,
        pilots=f"{counts.pilots_answered}/{counts.pilots}",
        actions=f"{counts.actions_answered}/{counts.actions}",
    )


@command(
    "campagne",
    aliases=["campagnes"],
    args=[PLAN, text("window", "[début fin [OS n]]", what="Campagne")],
    who=READERS_OF_REPORTS,
    summary="Lancer une campagne de suivi (chaque pilote est sollicité dans la fenêtre), "
    "ou voir où en est la dernière.",
    details="Lancer une campagne est réservé aux administrateurs ; « !campagne 2 » montre la "
    "campagne n° 2.",
    examples=[
        "!campagne 2027-03-01 2027-03-15",
        "!campagne 01/03/2027 15/03/2027 OS 2",
        "!campagne",
    ],
)
def campaign(ctx: Context, args: Args) -> Reply:
    words = (args.window or "").split()
    if not words:
        return _where_it_stands(ctx)
    number = words[0].removeprefix("n°").removeprefix("#")
    if len(words) == 1 and number.isdigit() and len(number) < 4:  # « !campagne 2 »: that one
        return _where_it_stands(ctx, int(number))
    if ctx.user.role != ADMIN:
        raise NotAllowed(texts.ADMINS_ONLY)
    if len(words) < 2:
        raise UserError(texts.MISSING_CLOSE)
    opens, closes = _day(words[0]), _day(words[1])
    os_number = _os_of(words[2:])
    if closes < opens:
        raise UserError(texts.CLOSE_BEFORE_OPEN)
    if closes < ctx.today:
        raise UserError(texts.CLOSE_PAST.format(closes=f"{closes:%d/%m/%Y}"))
    if os_number is not None and not any(a.os_number == os_number for a in _plan_actions(ctx)):
        raise UserError(texts.NO_SUCH_OS.format(os=os_number))
    clash = campaigns.overlapping(ctx.db, ctx.plan.id, opens, closes)
    if clash:
        raise UserError(texts.OVERLAP.format(id=clash[0].id))
    created = campaigns.create(
        ctx.db, ctx.plan.id, opens, closes, ctx.user.chat_id, at=ctx.now, os_number=os_number
    )
    counts = rate(ctx.db, created)
    return Reply(
        text=texts.CREATED.format(
            id=created.id,
            opens=f"{opens:%d/%m/%Y}",
            closes=f"{closes:%d/%m/%Y}",
            pilots=counts.pilots,
            actions=counts.actions,
        )
    )


def _plan_actions(ctx: Context) -> list[Action]:
    return list_actions(ctx.db, ctx.plan.id)


def _where_it_stands(ctx: Context, number: int | None = None) -> Reply:
    """The latest campaign's rate and who is missing, or campaign `number`'s."""
    keep_closed(ctx.db, ctx.now, ctx.today)
    found = campaigns.of_plan(ctx.db, ctx.plan.id)
    if not found:
        return Reply(text=texts.NONE)
    if number is not None:
        found = [c for c in found if c.id == number]
        if not found:
            raise UserError(texts.NO_SUCH_CAMPAIGN.format(id=number))
    latest = found[0]
    lines = [rate_line(ctx.db, latest)]
    counts = rate(ctx.db, latest)
    if counts.missing:
        missing = sorted(counts.missing.items())
        named = ", ".join(f"{pilot} ({len(actions)})" for pilot, actions in missing[:MISSING_NAMED])
        if len(missing) > MISSING_NAMED:
            named += " " + texts.MORE.format(count=len(missing) - MISSING_NAMED)
        lines.append(texts.MISSING_LINE.format(names=named))
    if latest.closes < ctx.today:
        lines.append(texts.CLOSED_KEPT.format(id=latest.id))
    return Reply(text=safe("\n".join(lines)))


# ---------------------------------------------------------------- what the schedule gives


@dataclass(frozen=True)
class Ask:
    """One grouped campaign message to one person."""

    key: str
    kind: str
    recipient: str
    text: str
    html: str
    codes: tuple[str, ...]


def nudge_day(campaign: Campaign, quiet: Callable[[date], bool]) -> date:
    """The working day `NUDGE_WORKING_DAYS` before the close (not before the opening)."""
    day, left = campaign.closes, NUDGE_WORKING_DAYS
    while left and day > campaign.opens:
        day -= timedelta(days=1)
        if not quiet(day):
            left -= 1
    return day


def _message(head: str, actions: list[Action]) -> tuple[str, str]:
    lines = [
        texts.ACTION_LINE.format(code=a.code, title=shorten(a.title, 60), status=a.status)
        for a in actions[:MOST_LINES]
    ]
    if len(actions) > MOST_LINES:
        lines.append(texts.MORE.format(count=len(actions) - MOST_LINES))
    tail = texts.HOW.format(code=actions[0].code)
    text_ = "\n".join([head, *lines, tail])
    html = f"<p>{esc(head)}</p><ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines)
    return safe(text_), html + f"</ul><p>{esc(tail)}</p>"


def asks(
    db, directory: Directory, today: date, quiet: Callable[[date], bool], plan_codes: dict
) -> list[Ask]:
    """The campaign messages due on `today` (a working day, within working hours): the
    opening request to every person of the scope while the window is open, the reminder from
    its day to the close to those still missing whose request went on an earlier day.
    `plan_codes`: plan id -> code."""
    found = []
    for campaign in campaigns.every(db):
        if not campaign.is_open(today) or campaign.plan_id not in plan_codes:
            continue
        plan_directory = directory.for_plan(plan_codes[campaign.plan_id])
        actions = campaigns.scope(db, campaign)  # read once per pass: rate and requests
        counts = rate(db, campaign, actions)
        per_person: dict[str, list[Action]] = {}
        for action in actions:
            for pilot in action.pilots:
                for person in plan_directory.people(pilot):
                    per_person.setdefault(person, []).append(action)
        nudging = today >= nudge_day(campaign, quiet)
        for person, theirs in sorted(per_person.items()):
            theirs = list({a.number: a for a in theirs}.values())
            closes = f"{campaign.closes:%d/%m/%Y}"
            head = texts.OPEN_HEAD.format(count=len(theirs), closes=closes)
            opening = _ask(campaign, OPENING, person, head, theirs)
            found.append(opening)
            missing = [a for a in theirs if any(a in counts.missing.get(p, []) for p in a.pilots)]
            if nudging and missing and asked_before(db, opening, today):
                head = texts.NUDGE_HEAD.format(count=len(missing), closes=closes)
                found.append(_ask(campaign, NUDGE, person, head, missing))
    return found


def asked_before(db, opening: Ask, today: date) -> bool:
    """Whether the person's opening request was recorded on a day before `today`: a request
    and its reminder never come together (a campaign started two days before its close)."""
    if not sends.recorded(db, [opening.key]):
        return False
    latest = sends.last_due(db, OPENING, opening.recipient)  # this one's, or a later one's
    return latest is not None and local_day(latest) < today


def _ask(campaign: Campaign, kind: str, person: str, head: str, actions) -> Ask:
    text_, html = _message(head, actions)
    key = f"{kind}:{campaign.id}:{person}"
    return Ask(key, kind, person, text_, html, tuple(a.code for a in actions))


def digest_line(db, plan_id: int, today: date) -> str | None:
    """Where the plan's open campaign stands, for the weekly digest."""
    for campaign in campaigns.of_plan(db, plan_id):
        if campaign.is_open(today):
            return rate_line(db, campaign)
    return None


def keep_closed(db, now: datetime, today: date) -> list[int]:
    """Keep the situation of every campaign closed before `today` that has none yet (in the
    caller's transaction); the ids kept."""
    return [
        c.id
        for c in campaigns.every(db)
        if c.closes < today and campaigns.take_snapshot(db, c, now)
    ]
