"""What the CODIR digest lists, most urgent first, chosen from one plan's actions and the
history that still stands (undone entries and undos left out):

    sections = agenda(db, directory, the_plan, now, since, zone=zone,
                      silent_after=timedelta(weeks=6), conseil=(date(2027, 3, 24),))

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
from storage import history, sends
from storage.actions import Action, list_actions
from storage.french import format_number, format_weeks
from storage.progress import count_statuses, done_percent, status_on
from storage.vocabulary import (
    ABANDONED,
    AT_RISK,
    BLOCKED,
    CLOSED,
    DEADLINE,
    DONE,
    HEALTH,
    IN_PROGRESS,
    ON_HOLD,
    UNDO,
    health_label,
)

#: Without a Conseil ahead, what falls due within this many days is announced.
DUE_SOON_DAYS = 30
#: A pilot who let this many reminders go unanswered is "sans nouvelles".
IGNORED_REMINDERS = 3
#: Longest action title in a line.
TITLE_WIDTH = 40
#: The trend compares with the % done this many days ago.
MONTH_DAYS = 30


@dataclass
class Section:
    heading: str
    #: One line per action, most urgent first: « 52 Numérisation… (LM/ACB) — raison ».
    lines: list[str] = field(default_factory=list)
    #: The command that lists them all, named after « … et 38 autres : ».
    more: str = t.DIGEST_MORE_COMMAND
    #: A section without a list (silent pilots, the trend): shown whole, never cut.
    whole: bool = False


def action_line(action: Action, reason: str = "") -> str:
    """ "52 Numérisation du courrier… (LM/ACB) — reason" """
    pilots = f" ({action.pilots_text})" if action.pilots else ""
    line = f"{action.code} {shorten(action.title, TITLE_WIDTH)}{pilots}"
    return f"{line} — {shorten(reason, 60)}" if reason else line


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
    actions = list_actions(db, the_plan.id, with_history=True)
    undone = history.undone_ids(db)
    recent = {
        a.number: [e for e in a.history if since < e["at"] <= now and _stands(e, undone)]
        for a in actions
    }
    moved = _moved(actions, recent)
    changed = _changed(actions, recent)
    sections = [
        _risks(actions, undone),
        moved,
        _newly_late(actions, today, last),
        *changed,
        _due(actions, today, conseil),
        _silent(db, directory, the_plan, actions, now, silent_after),
    ]
    sections = [s for s in sections if s.lines]
    sections.append(_trend(actions, today, last))
    return sections, bool(moved.lines or any(s.lines for s in changed))


def _stands(entry: dict, undone: set[int]) -> bool:
    return entry["kind"] != UNDO and entry["id"] not in undone


def _risks(actions: list[Action], undone: set[int]) -> Section:
    worry = [a for a in actions if a.status not in CLOSED and a.health in (BLOCKED, AT_RISK)]
    worry.sort(key=lambda a: a.health != BLOCKED)
    lines = []
    for action in worry:
        said = [
            e
            for e in action.history
            if e["kind"] == HEALTH and e.get("value") == action.health and _stands(e, undone)
        ]
        reason = said[-1].get("comment") if said else None
        label = health_label(action.health)
        lines.append(action_line(action, f"{label} : {reason}" if reason else label))
    return Section(t.DIGEST_RISKS.format(count=len(lines)), lines, t.DIGEST_RISKS_COMMAND)


def _moved(actions: list[Action], recent: dict[int, list[dict]]) -> Section:
    lines = []
    for action in actions:
        moves = [e for e in recent[action.number] if e["kind"] == DEADLINE]
        if moves and moves[0].get("old_value") != moves[-1].get("value"):
            was, now = moves[0].get("old_value") or "?", moves[-1].get("value") or "?"
            lines.append(action_line(action, t.DIGEST_MOVED_REASON.format(was=was, now=now)))
    return Section(t.DIGEST_MOVED.format(count=len(lines)), lines)


def _newly_late(actions: list[Action], today: date, last: date) -> Section:
    late = [a for a in actions if a.is_late(today)]
    new = sorted((a for a in late if a.end >= last), key=lambda a: a.end)
    lines = [action_line(a, t.DIGEST_LATE_REASON.format(end=day(a.end))) for a in new]
    heading = t.DIGEST_LATE.format(count=len(new), since=day(last), total=len(late))
    return Section(heading, lines, t.DIGEST_LATE_COMMAND)


def _changed(actions: list[Action], recent: dict[int, list[dict]]) -> list[Section]:
    """Done, started, then suspended or abandoned since the last digest: each action once, in
    its final state, when that differs from its state at the last digest."""
    found: dict[str, list[str]] = {DONE: [], IN_PROGRESS: [], ON_HOLD: []}
    for action in actions:
        moves = [e for e in recent[action.number] if e["new_status"] != e["old_status"]]
        if not moves or moves[0]["old_status"] == action.status:
            continue
        group = ON_HOLD if action.status == ABANDONED else action.status
        if group in found:
            said = [e.get("comment") for e in moves if e.get("comment")]
            reason = said[-1] if said else ""
            if group == ON_HOLD:
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
    soon = sorted(
        (a for a in actions if a.status not in CLOSED and a.end and today <= a.end <= horizon),
        key=lambda a: a.end,
    )
    lines = [action_line(a, day(a.end)) for a in soon]
    if ahead:
        heading = t.DIGEST_DUE_CONSEIL.format(when=day(horizon), count=len(lines))
    else:
        heading = t.DIGEST_DUE_SOON.format(days=DUE_SOON_DAYS, count=len(lines))
    return Section(heading, lines)


def _silent(db, directory, the_plan, actions, now, silent_after) -> Section:
    silent = silent_pilots(db, directory, the_plan, actions, now, silent_after)
    heading = t.DIGEST_SILENT.format(
        weeks=format_weeks(silent_after.days // 7), ignored=IGNORED_REMINDERS, count=len(silent)
    )
    return Section(heading, [", ".join(silent)] if silent else [], whole=True)


def silent_pilots(db, directory, the_plan, actions, now, silent_after) -> list[str]:
    """The pilots whose open actions had no news for `silent_after`, or who let
    IGNORED_REMINDERS reminders go unanswered since their last news."""
    news = history.last_news(db, the_plan.id)
    latest: dict[str, datetime | None] = {}
    for action in actions:
        if action.status in CLOSED:
            continue
        for pilot in action.pilots:
            seen = news.get(action.number)
            known = latest.get(pilot)
            latest[pilot] = max(seen, known) if seen and known else seen or known
    silent = []
    for pilot, last in sorted(latest.items()):
        if last is None or now - last >= silent_after:
            silent.append(pilot)
            continue
        for person in directory.people(pilot):
            ignored = [at for at in sends.reminder_times(db, person) if at > last]
            if len(ignored) >= IGNORED_REMINDERS:
                silent.append(pilot)
                break
    return silent


def _trend(actions: list[Action], today: date, last: date) -> Section:
    """% done now (storage/progress.py, as the reports count it), at the last digest and a
    month ago."""
    by_status = count_statuses(actions)
    then = {
        moment: done_percent(Counter(status_on(a, moment) for a in actions))
        for moment in (last, today - timedelta(days=MONTH_DAYS))
    }
    line = t.DIGEST_PROGRESS.format(
        percent=format_number(done_percent(by_status)),
        done=by_status[DONE],
        total=len(actions) - by_status[ABANDONED],
        abandoned=_abandoned(by_status[ABANDONED]),
        last=format_number(then[last]),
        month=format_number(then[today - timedelta(days=MONTH_DAYS)]),
        late=sum(a.is_late(today) for a in actions),
    )
    return Section(t.DIGEST_TREND, [line], whole=True)


def _abandoned(count: int) -> str:
    if count == 0:
        return t.DIGEST_ABANDONED_NONE
    return t.DIGEST_ABANDONED_ONE if count == 1 else t.DIGEST_ABANDONED.format(count=count)
