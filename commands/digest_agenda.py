"""What the CODIR digest lists, most urgent first, chosen from one plan's actions and their
effective history (`storage.effective`: an undone change and its undo are gone, a « fait le
26/11 » took effect on 26/11):

    sections, changed = agenda(db, directory, the_plan, now, since, zone=zone,
                               silent_after=timedelta(weeks=6), conseil=(date(2027, 3, 24),))

News is what the CODIR has not heard yet: a change said after the last digest (by the
message's time), told once per action in its final state; a backdated done is news the week
it is said, and its line gives the day it was done. The trend reads the status each action had
at the end of a day (`status_in`), so a done dated back counts from its day.

Each `Section` holds every action it is about, most urgent first; commands/digest.py decides
how many of them the text shows.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands import rhythm_texts as t
from commands.formatting import day, shorten
from commands.types import Directory
from storage import history_rhythm, sends
from storage.actions import Action, list_actions
from storage.effective import Change, standing, status_in, without_given_day, worry_of
from storage.french import format_number, format_progress, format_weeks
from storage.progress import count_statuses, done_percent
from storage.vocabulary import (
    ABANDONED,
    AT_RISK,
    BLOCKED,
    CLOSED,
    DEADLINE,
    DONE,
    IN_PROGRESS,
    ON_HOLD,
    STATUS_CHANGE,
    health_label,
)

#: Without a Conseil ahead, what falls due within this many days is announced.
DUE_SOON_DAYS = 30
#: A pilot who let this many reminders go unanswered is "sans nouvelles".
IGNORED_REMINDERS = 3
#: Longest action title, and longest reason, in a line.
TITLE_WIDTH, REASON_WIDTH = 40, 60
#: The trend compares with the % done this many days ago.
MONTH_DAYS = 30
#: Most silent pilots named; the others are counted.
SILENT_NAMES = 12

# The digest's words not in commands/rhythm_texts.py yet (owned elsewhere): move them there.
#: A done line says the day it took effect (a « fait le 26/11 » said later, its day).
DONE_ON = "le {day}"
#: After the named silent pilots.
SILENT_MORE = "et {count} autres"


@dataclass
class Section:
    heading: str
    #: One line per action, most urgent first: « 52 Numérisation… (LM/ACB) — raison ».
    lines: list[str] = field(default_factory=list)
    #: The command that lists them all, named after « … et 38 autres : ».
    more: str = t.DIGEST_MORE_COMMAND
    #: A section without a list (silent pilots, the trend): shown whole, never cut.
    whole: bool = False


@dataclass(frozen=True)
class _Told:
    """An action, its standing changes, and those the CODIR has not heard of (said in
    (since, now])."""

    action: Action
    changes: list[Change]
    news: list[Change]


def action_line(action: Action, reason: str = "") -> str:
    """ "52 Numérisation du courrier… (LM/ACB) — reason" """
    line = f"{action.code} {shorten(action.title, TITLE_WIDTH)} ({action.pilots_text or '—'})"
    return f"{line} — {shorten(reason, REASON_WIDTH)}" if reason else line


def short_day(when: date, today: date) -> str:
    """ "26/11" within the year of `today` (the digest speaks of the weeks around it), else
    "26/11/2025"."""
    return day(when)[:5] if when.year == today.year else day(when)


def agenda(
    db,
    directory: Directory,
    the_plan,
    now: datetime,
    since: datetime,
    *,
    zone: ZoneInfo,
    silent_after: timedelta,
    conseil: tuple[date, ...] = (),
) -> tuple[list[Section], bool]:
    """The plan's sections in the digest's order, the empty ones left out, and whether any
    action changed since `since`."""
    today = now.astimezone(zone).date()
    last = since.astimezone(zone).date()
    told = []
    for action in list_actions(db, the_plan.id, with_history=True):
        changes = standing(action.history)
        news = [c for c in changes if since < c.at <= now]
        told.append(_Told(action, changes, news))
    actions = [one.action for one in told]
    moved = _moved(told)
    changed = _changed(told, since, today)
    sections = [
        _risks(told),
        moved,
        _newly_late(actions, today, last),
        *changed,
        _due(actions, today, conseil),
        _silent(db, directory, the_plan, actions, now, silent_after),
    ]
    sections = [s for s in sections if s.lines]
    sections.append(_trend(told, today, last))
    return sections, bool(moved.lines or any(s.lines for s in changed))


def _risks(told: list[_Told]) -> Section:
    """Open actions blocked, then at risk, the longest-waiting first (as !risques orders
    them), each with the last reason given for its health."""
    worry = [
        worry_of(one.action)
        for one in told
        if one.action.status not in CLOSED and one.action.health in (BLOCKED, AT_RISK)
    ]
    worry.sort(key=lambda w: (w.action.health != BLOCKED, w.since is None, w.since or date.min))
    lines = []
    for one in worry:
        label = health_label(one.action.health)
        lines.append(action_line(one.action, f"{label} : {one.reason}" if one.reason else label))
    return Section(t.DIGEST_RISKS.format(count=len(lines)), lines, t.DIGEST_RISKS_COMMAND)


def _moved(told: list[_Told]) -> Section:
    """Deadlines moved since the last digest: the deadline before, the one now, and why when
    it was said."""
    lines = []
    for one in told:
        moves = [c for c in one.news if c.kind == DEADLINE]
        if not moves:
            continue
        # A standing change keeps the value it set; the one it replaced is in its entry.
        raw = {e["id"]: e for e in one.action.history}
        was = raw[moves[0].id].get("old_value") or "?"
        now = moves[-1].value or "?"
        if was != now:
            reason = t.DIGEST_MOVED_REASON.format(was=was, now=now)
            said = [c.comment for c in moves if c.comment]
            lines.append(action_line(one.action, f"{reason}, {said[-1]}" if said else reason))
    return Section(t.DIGEST_MOVED.format(count=len(lines)), lines)


def _newly_late(actions: list[Action], today: date, last: date) -> Section:
    late = [a for a in actions if a.is_late(today)]
    new = sorted((a for a in late if a.end >= last), key=lambda a: a.end)
    lines = [action_line(a, t.DIGEST_LATE_REASON.format(end=day(a.end))) for a in new]
    heading = t.DIGEST_LATE.format(count=len(new), since=day(last), total=len(late))
    return Section(heading, lines, t.DIGEST_LATE_COMMAND)


def _known_status(one: _Told, since: datetime) -> str:
    """The status the CODIR knew at `since`: the last standing change said by then."""
    said = [c for c in one.changes if c.new_status is not None]
    before = [c for c in said if c.at <= since]
    if before:
        return before[-1].new_status
    return (said[0].old_status if said else None) or one.action.status


def _changed(told: list[_Told], since: datetime, today: date) -> list[Section]:
    """Done, started, then suspended or abandoned since the last digest: each action once, in
    its final state, when that differs from the state the CODIR knew."""
    found: dict[str, list[str]] = {DONE: [], IN_PROGRESS: [], ON_HOLD: []}
    for one in told:
        action = one.action
        moves = [c for c in one.news if c.moves_status]
        if not moves or _known_status(one, since) == action.status:
            continue
        group = ON_HOLD if action.status == ABANDONED else action.status
        if group not in found:
            continue
        final = ([c for c in moves if c.new_status == action.status] or moves)[-1]
        # The pilot's last word on the final state: its change, or an update of it since.
        said = [
            without_given_day(c.comment)
            for c in one.news
            if c.kind == STATUS_CHANGE and c.at >= final.at and without_given_day(c.comment)
        ]
        reason = said[-1] if said else ""
        if group == DONE:
            when = DONE_ON.format(day=short_day(final.day, today))
            reason = f"{when}, {reason}" if reason else when
        elif group == IN_PROGRESS and action.progress:
            figure = format_progress(action.progress)
            reason = f"{figure}, {reason}" if reason else figure
        elif group == ON_HOLD:
            label = t.DIGEST_CHANGE_LABELS[action.status].lower()
            reason = f"{label} : {reason}" if reason else label
        found[group].append(action_line(action, reason))
    return [
        Section(t.DIGEST_CHANGES[status].format(count=len(lines)), lines)
        for status, lines in found.items()
    ]


def _due(actions: list[Action], today: date, conseil: tuple[date, ...]) -> Section:
    ahead = [d for d in conseil if d >= today]
    horizon = ahead[0] if ahead else today + timedelta(days=DUE_SOON_DAYS)
    # The soonest first; on one day, the least advanced first: it needs the CODIR most.
    soon = sorted(
        (a for a in actions if a.status not in CLOSED and a.end and today <= a.end <= horizon),
        key=lambda a: (a.end, a.status == IN_PROGRESS, a.progress or 0),
    )
    lines = [action_line(a, f"{day(a.end)}, {_state(a)}") for a in soon]
    if ahead:
        heading = t.DIGEST_DUE_CONSEIL.format(when=day(horizon), count=len(lines))
    else:
        heading = t.DIGEST_DUE_SOON.format(days=DUE_SOON_DAYS, count=len(lines))
    return Section(heading, lines)


def _state(action: Action) -> str:
    """ "à démarrer", "en cours 40 %", "suspendu" """
    figure = format_progress(action.progress) if action.progress else ""
    return f"{action.status} {figure}" if figure else action.status


def _silent(db, directory, the_plan, actions, now, silent_after) -> Section:
    silent = silent_pilots(db, directory, the_plan, actions, now, silent_after)
    heading = t.DIGEST_SILENT.format(
        weeks=format_weeks(silent_after.days // 7), ignored=IGNORED_REMINDERS, count=len(silent)
    )
    names = silent[:SILENT_NAMES]
    if len(silent) > SILENT_NAMES:
        names.append(SILENT_MORE.format(count=len(silent) - SILENT_NAMES))
    return Section(heading, [", ".join(names)] if silent else [], whole=True)


def silent_pilots(db, directory, the_plan, actions, now, silent_after) -> list[str]:
    """The pilots whose open actions had no news for `silent_after`, or who let
    IGNORED_REMINDERS reminders go unanswered since their last news; those with the most open
    actions first."""
    news = history_rhythm.last_news(db, the_plan.id)
    latest: dict[str, datetime | None] = {}
    open_actions: dict[str, int] = {}
    for action in actions:
        for pilot in action.pilots:
            # A word on any action is news from its pilot, also the one it closed.
            seen = news.get(action.number)
            known = latest.get(pilot)
            latest[pilot] = max(seen, known) if seen and known else seen or known
            if action.status not in CLOSED:
                open_actions[pilot] = open_actions.get(pilot, 0) + 1
    silent = []
    for pilot, last in latest.items():
        if pilot not in open_actions:
            continue
        if last is None or now - last >= silent_after:
            silent.append(pilot)
            continue
        for person in directory.people(pilot):
            ignored = [at for at in sends.reminder_times(db, person) if at > last]
            if len(ignored) >= IGNORED_REMINDERS:
                silent.append(pilot)
                break
    return sorted(silent, key=lambda pilot: (-open_actions[pilot], pilot))


def _trend(told: list[_Told], today: date, last: date) -> Section:
    """% done now (storage/progress.py, as the reports count it), and at the end of the last
    digest's day and of the day a month ago, from the effective history."""
    actions = [one.action for one in told]
    by_status = count_statuses(actions)
    month_ago = today - timedelta(days=MONTH_DAYS)
    then = {
        moment: done_percent(Counter(status_in(o.changes, moment, o.action.status) for o in told))
        for moment in (last, month_ago)
    }
    line = t.DIGEST_PROGRESS.format(
        percent=format_number(done_percent(by_status)),
        done=by_status[DONE],
        total=len(actions) - by_status[ABANDONED],
        abandoned=_abandoned(by_status[ABANDONED]),
        last=format_number(then[last]),
        month=format_number(then[month_ago]),
        late=sum(a.is_late(today) for a in actions),
    )
    return Section(t.DIGEST_TREND, [line], whole=True)


def _abandoned(count: int) -> str:
    if count == 0:
        return t.DIGEST_ABANDONED_NONE
    return t.DIGEST_ABANDONED_ONE if count == 1 else t.DIGEST_ABANDONED.format(count=count)
