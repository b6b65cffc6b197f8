"""The weekly CODIR digest, as an agenda, most urgent first: blocked and at-risk actions with
their reason; deadlines moved and actions newly late since the last digest; done, started,
suspended since then; what falls due before the next Conseil (or within 30 days); silent
pilots; the trend. Each section is left out when empty and shows at most a few actions, then
the count and the command that lists them all. Under 2,000 characters (a phone).

    text, html = digest_message(db, directory, now, since, zone=ZoneInfo("Europe/Brussels"),
                                silent_after=timedelta(weeks=6), conseil=(date(2027, 3, 24),))

What it lists is chosen in commands/digest_agenda.py.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands import campaigns, rhythm_texts
from commands.digest_agenda import Section, agenda
from commands.formatting import PHONE, day, esc, safe
from commands.types import Directory
from storage import plans

#: Most actions a section shows, then fewer while the digest is too long for a phone.
SHOWN = (5, 3, 2, 1)


def digest_message(
    db,
    directory: Directory,
    now: datetime,
    since: datetime,
    *,
    zone: ZoneInfo,
    silent_after: timedelta,
    conseil: tuple[date, ...] = (),
) -> tuple[str, str]:
    """The digest's text (at most PHONE characters) and its HTML."""
    today = now.astimezone(zone).date()
    open_plans = [p for p in plans.all_plans(db) if not p.closed]
    head = rhythm_texts.DIGEST_HEAD.format(day=day(today), since=day(since.astimezone(zone)))
    sections: list[Section] = []
    for the_plan in open_plans:
        if len(open_plans) > 1:
            sections.append(Section(rhythm_texts.DIGEST_PLAN.format(title=the_plan.title)))
        found, changed = agenda(
            db,
            directory.for_plan(the_plan.code),  # its own pilots: silent ones named by plan
            the_plan,
            now,
            since,
            zone=zone,
            silent_after=silent_after,
            conseil=conseil,
        )
        if not changed:
            sections.append(Section(rhythm_texts.DIGEST_NO_CHANGE))
        sections += found
        campaign = campaigns.digest_line(db, the_plan.id, today)
        if campaign:
            sections.append(Section(campaign, whole=True))
    if not open_plans:
        sections.append(Section(rhythm_texts.DIGEST_NO_PLAN))
    tail = rhythm_texts.DIGEST_TAIL
    for most in SHOWN:
        text = _text(head, sections, tail, most)
        if len(text) <= PHONE:
            break
    if len(text) > PHONE:
        text = _cut(text, tail)
    return safe(text), _html(head, sections, tail, most)


def _cut(text: str, tail: str) -> str:
    """Whole lines from the top while they fit (several plans, each with its sections), then
    « … » and the tail: never a line cut in the middle."""
    kept = text.splitlines()[:-1]
    while kept and len("\n".join([*kept, "…", tail])) > PHONE:
        kept.pop()
    return "\n".join([*kept, "…", tail])


def _shown(section: Section, most: int) -> list[str]:
    """The section's first `most` lines, then « … et 38 autres : !retard »."""
    if section.whole or len(section.lines) <= most:
        return section.lines
    rest = len(section.lines) - most
    more = rhythm_texts.DIGEST_MORE.format(count=rest, command=section.more)
    return section.lines[:most] + [more]


def _text(head: str, sections: list[Section], tail: str, most: int) -> str:
    lines = [head]
    for section in sections:
        shown = _shown(section, most)
        if section.whole and len(shown) == 1:
            lines.append(f"{section.heading} : {shown[0]}" if section.heading else shown[0])
            continue
        lines.append(section.heading)
        lines += [f"• {line}" for line in shown]
    return "\n".join(lines + [tail])


def _html(head: str, sections: list[Section], tail: str, most: int) -> str:
    parts = [f"<p><b>{esc(head)}</b></p>"]
    for section in sections:
        parts.append(f"<p><b>{esc(section.heading)}</b></p>")
        shown = _shown(section, most)
        if shown:
            parts.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in shown) + "</ul>")
    parts.append(f"<p>{esc(tail)}</p>")
    return "\n".join(parts)
