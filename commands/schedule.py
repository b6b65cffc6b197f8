"""What the bot says on its own, and when: the weekly CODIR digest, the pilots' reminders and,
with `codir_posts = "grouped"`, one CODIR post per quarter hour.

    rhythm = Rhythm.from_config(cfg.rhythm, digest_time(cfg.rhythm.digest),
                                working_hours(cfg.rhythm.working_hours))
    for outgoing in due(db, rhythm, directory, now):     # now: an aware datetime
        if sends.record(db, outgoing):                   # recorded before it goes out
            send(outgoing)
            sends.mark_sent(db, outgoing.key)

`due` only reads: run at any moment, as often as wanted, it gives what must go out then and
is not recorded yet. The digest goes at its local day and time (later the same day if the bot
was down, never the next day); reminders go on working days within working hours, at most
one per person per local day, grouping all the person's actions that need a word.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from commands import campaigns, legal_calendar, legal_texts, rhythm_texts
from commands.access import effective_directory
from commands.digest import digest_message
from commands.formatting import esc
from commands.reminders import needs_of, reminder_message
from commands.render import person_name
from commands.replies import MAX_REPLY
from commands.types import CODIR_ROOM, Directory
from storage import absences, held_posts, plans, sends
from storage.actions import SILENT_AFTER_WEEKS

DIGEST, REMINDER, GROUPED = "digest", "reminder", "grouped"
LEGAL = legal_calendar.LEGAL
#: When there was no digest before, the first one tells this far back.
FIRST_DIGEST_DAYS = 7


@dataclass(frozen=True)
class Rhythm:
    """The cadence, as plain values (the bot builds it from its configuration's [rhythm])."""

    timezone: str = "Europe/Brussels"
    #: Monday 0; None: no digest.
    digest_day: int | None = 0
    digest_time: time = time(9, 0)
    #: Days before a deadline, largest first.
    reminders_before: tuple[int, ...] = (30, 7)
    overdue_every_days: int = 14
    silent_after_weeks: int = SILENT_AFTER_WEEKS
    work_start: time = time(8, 30)
    work_end: time = time(17, 0)
    skip_weekends: bool = True
    #: A country code of the `holidays` library; "" : none.
    holiday_country: str = "BE"
    #: The Conseil's meeting days, in order: the digest lists what falls due before the next.
    conseil: tuple[date, ...] = ()
    #: CODIR posts: "each" as they happen, or "grouped" once per quarter hour.
    codir_posts: str = "each"
    #: The Conseil's installation day (`[organisation] installation`): the legal calendar.
    installation: date | None = None

    @classmethod
    def from_config(
        cls,
        config,
        digest: tuple[int, time] | None,
        hours: tuple[time, time],
        installation: date | None = None,
    ) -> "Rhythm":
        """From a RhythmConfig-like object and its two parsed texts (`digest_time(...)`,
        `working_hours(...)` in bot/config.py), and the Conseil's installation day."""
        return cls(
            timezone=config.timezone,
            digest_day=digest[0] if digest else None,
            digest_time=digest[1] if digest else time(9, 0),
            reminders_before=tuple(sorted(set(config.reminders_before), reverse=True)),
            overdue_every_days=config.overdue_every_days,
            silent_after_weeks=config.silent_after_weeks,
            work_start=hours[0],
            work_end=hours[1],
            skip_weekends=config.skip_weekends,
            holiday_country=config.skip_holidays,
            conseil=tuple(sorted(getattr(config, "conseil", ()))),
            codir_posts=getattr(config, "codir_posts", "each"),
            installation=installation,
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def silent_after(self) -> timedelta:
        return timedelta(weeks=self.silent_after_weeks)


@dataclass(frozen=True)
class Outgoing:
    key: str  # unique per send: "digest:2026-11-23", "reminder:@luc:x:2026-11-24"
    kind: str  # DIGEST | REMINDER
    recipient: str  # CODIR_ROOM or a person's chat id
    label: str  # who, for printing: "salon CODIR" or the pilot's initials ("LM")
    text: str
    html: str
    mentions: tuple[str, ...] = ()  # chat ids to notify (the person, for a reminder)
    actions: tuple[str, ...] = ()  # action codes a reminder is about (for Teams buttons)
    #: (action number, reason) pairs a reminder settles, kept by `sends.record` so a
    #: threshold is not reminded twice.
    reminded: tuple[tuple[int, str], ...] = ()
    #: The moment `due` composed it for.
    at: datetime | None = None


def due(db, rhythm: Rhythm, directory: Directory, now: datetime) -> list[Outgoing]:
    """Everything that must go out at `now` (an aware datetime) and is not recorded yet."""
    directory = effective_directory(db, directory)
    found = []
    if digest_is_due(rhythm, now):
        found.append(digest(db, rhythm, directory, now))
    if reminders_allowed(db, rhythm, now):
        asks = campaign_asks(db, rhythm, directory, now)
        found += reminders(db, rhythm, directory, now, _asked_today(db, rhythm, asks, now))
        found += asks
    found += grouped_posts(db, rhythm, now)
    found += legal(db, rhythm, directory, now)
    already = sends.recorded(db, [o.key for o in found])
    return [o for o in found if o.key not in already]


# ---------------------------------------------------------------- the digest


def digest_is_due(rhythm: Rhythm, now: datetime) -> bool:
    """From the digest's local day and time to the end of that day."""
    local = now.astimezone(rhythm.zone)
    return (
        rhythm.digest_day is not None
        and local.weekday() == rhythm.digest_day
        and local.time() >= rhythm.digest_time
    )


def digest(db, rhythm: Rhythm, directory: Directory, now: datetime) -> Outgoing:
    """The CODIR digest at `now`, telling what changed since the previous one (as `!digest`
    shows it; `due` gives it only at its time)."""
    local = now.astimezone(rhythm.zone)
    since = sends.last_due(db, DIGEST) or now - timedelta(days=FIRST_DIGEST_DAYS)
    text, html = digest_message(
        db,
        directory,
        now,
        since,
        zone=rhythm.zone,
        silent_after=rhythm.silent_after,
        conseil=rhythm.conseil,
    )
    return Outgoing(
        key=f"{DIGEST}:{local.date().isoformat()}",
        kind=DIGEST,
        recipient=CODIR_ROOM,
        label=rhythm_texts.CODIR_LABEL,
        text=text,
        html=html,
        at=now,
    )


# ---------------------------------------------------------------- grouped CODIR posts


def grouped_posts(db, rhythm: Rhythm, now: datetime) -> list[Outgoing]:
    """One post per room for each quarter hour over at `now` whose changes were held
    (`codir_posts = "grouped"`): every change of that quarter, each once, with its time; a
    quarter too long for one chat message goes in several parts. Held posts are given even
    after a switch back to "each": nothing held is lost."""
    found = []
    for key, quarter, rows in held_posts.ended(db, now):
        start = quarter.astimezone(rhythm.zone)
        end = (quarter + held_posts.QUARTER).astimezone(rhythm.zone)
        head = rhythm_texts.GROUPED_HEAD.format(start=f"{start:%H:%M}", end=f"{end:%H:%M}")
        lines = []
        for row in rows:
            at = f"{datetime.fromisoformat(row['at']).astimezone(rhythm.zone):%H:%M}"
            lines.append((f"{at} {row['text']}", f"{at} {row['html'] or esc(row['text'])}"))
        for part, chunk in enumerate(_chunks(lines, MAX_REPLY - len(head) - 20), start=1):
            found.append(
                Outgoing(
                    key=key if part == 1 else f"{key}#{part}",
                    kind=GROUPED,
                    recipient=rows[0]["room"],
                    label=rhythm_texts.CODIR_LABEL,
                    text="\n".join([head] + [text for text, _ in chunk]),
                    html="<br>\n".join([f"<b>{esc(head)}</b>"] + [html for _, html in chunk]),
                    at=now,
                )
            )
    return found


def _chunks(lines: list[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    """`lines` (text, html) in runs whose text and html each stay within `size` characters
    (a single longer line is a run of its own)."""
    chunks: list[list[tuple[str, str]]] = [[]]
    length = [0, 0]
    for text, html in lines:
        if chunks[-1] and (length[0] + len(text) > size or length[1] + len(html) > size):
            chunks.append([])
            length = [0, 0]
        chunks[-1].append((text, html))
        length = [length[0] + len(text) + 1, length[1] + len(html) + 5]
    return chunks


# ---------------------------------------------------------------- the legal calendar


def legal(db, rhythm: Rhythm, directory: Directory, now: datetime) -> list[Outgoing]:
    """The legal calendar's notices due at `now`, on a working day within working hours (a
    pause of the reminders does not hold them: they are the DG's)."""
    local = now.astimezone(rhythm.zone)
    if quiet_day(rhythm, local.date()) or not rhythm.work_start <= local.time() < rhythm.work_end:
        return []
    notices = legal_calendar.legal_notices(
        db, rhythm.installation, local.date(), rhythm.silent_after_weeks, directory.admins
    )
    return [
        Outgoing(
            key=notice.key,
            kind=LEGAL,
            recipient=notice.recipient,
            label=legal_texts.LABEL.format(
                who=rhythm_texts.CODIR_LABEL
                if notice.recipient == CODIR_ROOM
                else person_name(directory, notice.recipient)
            ),
            text=notice.text,
            html=notice.html,
            mentions=() if notice.recipient == CODIR_ROOM else (notice.recipient,),
            at=now,
        )
        for notice in notices
    ]


# ---------------------------------------------------------------- campaigns


def campaign_asks(db, rhythm: Rhythm, directory: Directory, now: datetime) -> list[Outgoing]:
    """The open campaigns' requests and their one reminder (commands/campaigns.py), to the
    people not absent today."""
    today = now.astimezone(rhythm.zone).date()
    quiet = absences.quiet_people(db, today)
    codes = {p.id: p.code for p in plans.all_plans(db) if not p.closed}
    return [
        Outgoing(
            key=ask.key,
            kind=ask.kind,
            recipient=ask.recipient,
            label=person_name(directory, ask.recipient),
            text=ask.text,
            html=ask.html,
            mentions=(ask.recipient,),
            actions=ask.codes,
            at=now,
        )
        for ask in campaigns.asks(db, directory, today, lambda day: quiet_day(rhythm, day), codes)
        if ask.recipient not in quiet
    ]


# ---------------------------------------------------------------- reminders


@cache
def _holidays(country: str, year: int):
    return holidays.country_holidays(country, years=year)


def quiet_day(rhythm: Rhythm, day: date) -> bool:
    """A weekend (when skipped) or a public holiday: no reminder that day."""
    if rhythm.skip_weekends and day.weekday() >= 5:
        return True
    return bool(rhythm.holiday_country) and day in _holidays(rhythm.holiday_country, day.year)


def reminders_allowed(db, rhythm: Rhythm, now: datetime) -> bool:
    """A working day, within working hours (local time), and no admin paused reminders."""
    local = now.astimezone(rhythm.zone)
    if quiet_day(rhythm, local.date()):
        return False
    if not rhythm.work_start <= local.time() < rhythm.work_end:
        return False
    return not absences.paused(db)


def _asked_today(db, rhythm: Rhythm, asks: list[Outgoing], now: datetime) -> set[str]:
    """Who gets (or got) a campaign's request or its reminder today: that message lists their
    actions, a reminder the same day would be noise (tomorrow's says what still holds)."""
    local = now.astimezone(rhythm.zone)
    midnight = datetime.combine(local.date(), time(0), rhythm.zone)
    already = sends.recorded(db, [ask.key for ask in asks])
    due_now = {ask.recipient for ask in asks if ask.key not in already}
    return due_now | sends.recipients_since(db, (campaigns.OPENING, campaigns.NUDGE), midnight)


def reminders(
    db, rhythm: Rhythm, directory: Directory, now: datetime, asked: set[str] = frozenset()
) -> list[Outgoing]:
    """One reminder per person with actions that need a word today (quiet times aside, and
    those a campaign asks today: `asked`)."""
    today = now.astimezone(rhythm.zone).date()
    quiet = absences.quiet_people(db, today) | set(asked)
    open_plans = [p for p in plans.all_plans(db) if not p.closed]
    people = sorted(directory.linked_people())
    found = []
    for person in people:
        key = f"{REMINDER}:{person}:{today.isoformat()}"
        if person in quiet or sends.recorded(db, [key]):
            continue
        needs = needs_of(
            db,
            person,
            # Their pilots in each plan: the CPAS's LM is not the commune's.
            lambda code, person=person: directory.for_plan(code).pilots_of(person),
            open_plans,
            now,
            today,
            before=rhythm.reminders_before,
            overdue_every=timedelta(days=rhythm.overdue_every_days),
            silent_after=rhythm.silent_after,
        )
        if not needs:
            continue
        name = person_name(directory.for_plan(needs[0].plan_code), person)
        text, html = reminder_message(name, needs, today, several_plans=len(open_plans) > 1)
        found.append(
            Outgoing(
                key=key,
                kind=REMINDER,
                recipient=person,
                label=name,
                text=text,
                html=html,
                mentions=(person,),
                actions=tuple(dict.fromkeys(n.action.code for n in needs)),
                reminded=tuple((n.action.number, n.reason) for n in needs),
                at=now,
            )
        )
    return found
