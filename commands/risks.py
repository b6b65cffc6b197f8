"""What needs the CODIR: !risques, the open actions at risk or blocked, each with the reason its
pilot gave and the day its health changed, read from the history that still stands (an undone
health change is not a reason).

    !risques          « ⚠ 3 actions à risque ou bloquées au 14/03/2025 : »
    !risques page 2
"""

from datetime import date

from commands import texts
from commands.arguments import PLAN
from commands.formatting import day, paginate, shorten
from commands.registry import command
from commands.render import paged
from commands.types import Args, Context, Reply
from storage.actions import list_actions
from storage.effective import Worry, worry_of
from storage.vocabulary import AT_RISK, BLOCKED, CLOSED

#: Longest title and reason in a line: two lines of a phone at most.
TITLE_WIDTH, REASON_WIDTH = 45, 80


def risk_line(worry: Worry) -> str:
    """ "52 Numérisation du courrier (LM) — depuis le 12/03/2025 — marché infructueux" """
    action = worry.action
    parts = [f"{action.code} {shorten(action.title, TITLE_WIDTH)} ({action.pilots_text or '—'})"]
    if worry.since:
        parts.append(texts.RISK_SINCE.format(day=day(worry.since)))
    if worry.reason:
        parts.append(shorten(worry.reason, REASON_WIDTH))
    return " — ".join(parts)


@command(
    "risques",
    aliases=["risks", "blocages"],
    args=[PLAN, paged()],
    summary="Les actions à risque ou bloquées, avec la raison et depuis quand.",
    details=texts.IN_PAGES,
    examples=["!risques", "!risques page 2"],
)
def risks(ctx: Context, args: Args) -> Reply:
    actions = list_actions(ctx.db, args.plan.id, with_history=True)
    worry = [a for a in actions if a.status not in CLOSED and a.health in (BLOCKED, AT_RISK)]
    if not worry:
        return Reply(text=texts.NO_RISKS)
    groups = []
    for health, heading in ((BLOCKED, texts.RISKS_BLOCKED), (AT_RISK, texts.RISKS_AT_RISK)):
        members = [worry_of(a) for a in worry if a.health == health]
        # The longest-standing first: it has waited for the CODIR the longest.
        members.sort(key=lambda w: (w.since is None, w.since or date.min))
        if members:
            lines = [risk_line(w) for w in members]
            groups.append((heading.format(count=len(members)), lines))
    one = len(worry) == 1
    head = (texts.RISKS_HEAD_ONE if one else texts.RISKS_HEAD).format(
        count=len(worry), day=day(ctx.today)
    )
    return paginate(head, groups, args.page, "!risques")
