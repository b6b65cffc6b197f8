"""The law's calendar, from the installation of the Conseil (`[organisation] installation`):
the PST presented within nine months and published on the website, evaluated at mid-term
and at the end of the term (Code de la démocratie locale, art. L1123-27; CPAS organic law,
art. 27ter). The DG and the CODIR get one notice 90 days and one 30 days ahead of each, saying
what the plans still miss; `!calendrier` shows the same at any time.

    >>> for milestone in milestones(date(2024, 12, 2)):
    ...     print(milestone.key, f"{milestone.day:%d/%m/%Y}")
    pst 02/09/2025
    publication 02/09/2025
    mi-legislature 02/12/2027
    fin-legislature 02/10/2030

`legal_notices` only reads; commands/schedule.py gives its notices with the rest. Milestones
of the same day (the PST and its publication) make one notice. Each has its key
(`legal:<milestone>[+<milestone>]:<day>:<90|30>:<recipient>`), recorded in `sends` before it
goes out, so it is given once, never twice, even after a restart. A notice whose window passed
while the bot was down is not given late: the 90-day one stops when the 30-day one starts.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from commands import legal_texts
from commands.access import READERS_OF_REPORTS
from commands.formatting import esc
from commands.registry import command
from commands.types import CODIR_ROOM, Args, Context, Reply
from storage import plans, sends
from storage.actions import Action, list_actions
from storage.plan_fields import fields_of

LEGAL = "legal"
#: Days ahead of a milestone each notice goes, largest first.
NOTICE_DAYS = (90, 30)
#: The term (législature) in years; the end-of-term evaluation two months before its end,
#: ahead of the October elections.
TERM_YEARS = 6
#: Silent actions named in a notice at most (the count says the rest).
NAMED = 8


@dataclass(frozen=True)
class Milestone:
    key: str
    day: date
    #: What is due, as a notice names it ("la présentation du PST au Conseil").
    label: str


def milestones(installation: date, term_years: int = TERM_YEARS) -> list[Milestone]:
    """The term's legal milestones, in order, from the Conseil's installation day."""
    pst = installation + relativedelta(months=9)
    return [
        Milestone("pst", pst, legal_texts.MILESTONE_PST),
        Milestone("publication", pst, legal_texts.MILESTONE_PUBLICATION),
        Milestone(
            "mi-legislature",
            installation + relativedelta(years=term_years // 2),
            legal_texts.MILESTONE_MIDTERM,
        ),
        Milestone(
            "fin-legislature",
            installation + relativedelta(years=term_years, months=-2),
            legal_texts.MILESTONE_END,
        ),
    ]


def notice_due(milestone: Milestone, today: date) -> int | None:
    """The notice (90 or 30 days ahead) due on `today` for `milestone`, if any: each within
    its own window, from its day to the next notice's (the last one to the milestone)."""
    for days, closer in zip(NOTICE_DAYS, (*NOTICE_DAYS[1:], 0), strict=True):
        if milestone.day - relativedelta(days=days) <= today < milestone.day - relativedelta(
            days=closer
        ) or (closer == 0 and today == milestone.day):
            return days
    return None


# ---------------------------------------------------------------- what the plans miss


@dataclass(frozen=True)
class Missing:
    plan_title: str
    without_pilot: tuple[str, ...]
    without_deadline: tuple[str, ...]
    silent: tuple[str, ...]
    synergies: int

    @property
    def nothing(self) -> bool:
        return not (self.without_pilot or self.without_deadline or self.silent) and self.synergies


def _open(actions: Iterable[Action]) -> list[Action]:
    return [a for a in actions if a.status not in ("fait", "abandonné")]


def missing(db, today: date, silent_weeks: int) -> list[Missing]:
    """Per open plan: the open actions without a pilot, without a deadline (nor « continu »),
    silent for `silent_weeks`, and how many actions are marked as synergies."""
    found = []
    for the_plan in plans.all_plans(db):
        if the_plan.closed:
            continue
        actions = list_actions(db, the_plan.id)
        still = _open(actions)
        marked = sum(1 for f in fields_of(db, [a.number for a in actions]).values() if f.synergies)
        found.append(
            Missing(
                plan_title=the_plan.title or the_plan.code,
                without_pilot=tuple(a.code for a in still if not a.pilots),
                without_deadline=tuple(a.code for a in still if not a.deadline.strip()),
                silent=tuple(a.code for a in still if a.is_silent(today, silent_weeks)),
                synergies=marked,
            )
        )
    return found


def _codes(codes: tuple[str, ...]) -> str:
    shown = ", ".join(codes[:NAMED])
    return shown + (legal_texts.MORE.format(count=len(codes) - NAMED) if len(codes) > NAMED else "")


def missing_lines(found: list[Missing], several: bool) -> list[str]:
    lines = []
    for plan_missing in found:
        if several:
            lines.append(legal_texts.PLAN_HEAD.format(title=plan_missing.plan_title))
        parts = [
            (plan_missing.without_pilot, legal_texts.WITHOUT_PILOT),
            (plan_missing.without_deadline, legal_texts.WITHOUT_DEADLINE),
            (plan_missing.silent, legal_texts.SILENT),
        ]
        for codes, text in parts:
            if codes:
                lines.append(text.format(count=len(codes), codes=_codes(codes)))
        if not plan_missing.synergies:
            lines.append(legal_texts.NO_SYNERGY)
        if plan_missing.nothing:
            lines.append(legal_texts.NOTHING_MISSING)
    return lines


def notice_text(group: list[Milestone], today: date, found: list[Missing]) -> str:
    """One notice for the milestones of one day (the PST and its publication: one message,
    what is missing said once)."""
    day = group[0].day
    head = legal_texts.NOTICE_HEAD.format(
        what=legal_texts.AND.join(m.label for m in group),
        day=f"{day:%d/%m/%Y}",
        days=(day - today).days,
    )
    return "\n".join([head, *missing_lines(found, len(found) > 1)])


# ---------------------------------------------------------------- the notices


@dataclass(frozen=True)
class Notice:
    key: str
    recipient: str
    text: str
    html: str


def legal_notices(
    db, installation: date | None, today: date, silent_weeks: int, admins: Iterable[str]
) -> list[Notice]:
    """The notices due on `today`: for the milestones of a day whose notice window is open,
    one to the CODIR room and one to each admin (the DG). Nothing without an installation
    day."""
    if installation is None:
        return []
    groups: dict[tuple[date, int], list[Milestone]] = {}
    for milestone in milestones(installation):
        if days := notice_due(milestone, today):
            groups.setdefault((milestone.day, days), []).append(milestone)
    if not groups:
        return []
    found = missing(db, today, silent_weeks)
    notices = []
    for (day, days), group in groups.items():
        text = notice_text(group, today, found)
        html = "<br>\n".join(esc(line) for line in text.split("\n"))
        for recipient in [CODIR_ROOM, *sorted(admins)]:
            keys = [_key(m.key, day, days, recipient) for m in group]
            if len(group) > 1 and sends.recorded(db, keys):
                continue  # given one by one before they were grouped: not again
            key = _key("+".join(m.key for m in group), day, days, recipient)
            notices.append(Notice(key, recipient, text, html))
    return notices


def _key(what: str, day: date, days: int, recipient: str) -> str:
    return f"{LEGAL}:{what}:{day.isoformat()}:{days}:{recipient}"


@command(
    "calendrier",
    aliases=["calendrier-legal", "echeances-legales"],
    who=READERS_OF_REPORTS,
    summary="Le calendrier légal du PST (depuis l'installation du Conseil) et ce qui manque.",
    examples=["!calendrier"],
)
def show_calendar(ctx: Context, args: Args) -> Reply:
    rhythm = ctx.rhythm
    installation = rhythm.installation if rhythm else None
    if installation is None:
        return Reply(text=legal_texts.NO_INSTALLATION)
    today = ctx.now.astimezone(rhythm.zone).date()
    lines = [legal_texts.CALENDAR_HEAD.format(day=f"{installation:%d/%m/%Y}")]
    for milestone in milestones(installation):
        when = f"{milestone.day:%d/%m/%Y}"
        state = legal_texts.PAST if milestone.day < today else legal_texts.AHEAD
        days = abs((milestone.day - today).days)
        lines.append(
            legal_texts.CALENDAR_LINE.format(what=milestone.label, day=when)
            + " "
            + (state.format(days=days))
        )
    found = missing(ctx.db, today, rhythm.silent_after_weeks)
    lines.append(legal_texts.MISSING_HEAD)
    lines += missing_lines(found, len(found) > 1)
    return Reply(text="\n".join(lines))
