"""The weekly CODIR digest: per OS what changed, what is late, what falls due; who is silent;
the overall progress. Short enough for a phone, with the commands for the full picture.

    text, html = digest_message(db, directory, now, since, zone=ZoneInfo("Europe/Brussels"),
                                silent_after=timedelta(weeks=6))
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands import rhythm_texts
from commands.formatting import PHONE, day, esc, safe, shorten
from commands.render import person_name
from commands.types import Directory
from storage import history, plans, sends
from storage.actions import Action, list_actions, strategic_objectives
from storage.french import format_number, format_weeks
from storage.progress import count_statuses, done_percent
from storage.vocabulary import ABANDONED, CLOSED, DONE, IN_PROGRESS, ON_HOLD

#: What falls due within this many days is announced.
DUE_SOON_DAYS = 30
#: A pilot who let this many reminders go unanswered is "sans nouvelles".
IGNORED_REMINDERS = 3
#: Most action codes or names listed in a line; the others are counted ("…").
MOST_LISTED = 6
#: The changes the digest tells, in this order.
CHANGES = (DONE, IN_PROGRESS, ON_HOLD, ABANDONED)


@dataclass
class _Block:
    heading: str
    lines: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)


def digest_message(
    db,
    directory: Directory,
    now: datetime,
    since: datetime,
    *,
    zone: ZoneInfo,
    silent_after: timedelta,
) -> tuple[str, str]:
    """The digest's text (under ~2,000 characters: long lists are counted) and its HTML."""
    today = now.astimezone(zone).date()
    open_plans = [p for p in plans.all_plans(db) if not p.closed]
    head = rhythm_texts.DIGEST_HEAD.format(day=day(today), since=day(since.astimezone(zone)))
    blocks: list[_Block] = []
    for the_plan in open_plans:
        if len(open_plans) > 1:
            blocks.append(_Block(rhythm_texts.DIGEST_PLAN.format(title=the_plan.title)))
        blocks += _plan_blocks(db, directory, the_plan, now, today, since, silent_after)
    if not open_plans:
        blocks.append(_Block(rhythm_texts.DIGEST_NO_PLAN))
    tail = [rhythm_texts.DIGEST_TAIL]
    text = _text(head, blocks, tail, detailed=True)
    detailed = len(text) <= PHONE
    if not detailed:
        text = _text(head, blocks, tail, detailed=False)
    if len(text) > PHONE:
        text = shorten(text[: PHONE - len(tail[0]) - 3], PHONE) + "…\n" + tail[0]
    return safe(text), _html(head, blocks, tail, detailed)


def _plan_blocks(db, directory, the_plan, now, today, since, silent_after) -> list[_Block]:
    actions = list_actions(db, the_plan.id)
    changes = history.status_changes(db, the_plan.id, since, now)
    blocks = []
    for os_ in strategic_objectives(db, the_plan.id):
        mine = [a for a in actions if a.os_number == os_["number"]]
        numbers = {a.number for a in mine}
        block = _os_block(
            directory, os_, mine, [c for c in changes if c["action_number"] in numbers], today
        )
        if block.lines:
            blocks.append(block)
    silent = silent_pilots(db, directory, the_plan, actions, now, silent_after)
    summary = _Block("")
    if silent:
        weeks = silent_after.days // 7
        summary.lines.append(
            rhythm_texts.DIGEST_SILENT.format(
                weeks=format_weeks(weeks), names=_listed(silent), ignored=IGNORED_REMINDERS
            )
            + (
                rhythm_texts.DIGEST_SILENT_TOTAL.format(count=len(silent))
                if len(silent) > 1
                else ""
            )
        )
    summary.lines.append(_progress(actions))
    summary.counts = summary.lines
    blocks.append(summary)
    if not changes:
        blocks.insert(
            0, _Block("", [rhythm_texts.DIGEST_NO_CHANGE], [rhythm_texts.DIGEST_NO_CHANGE])
        )
    return blocks


def _os_block(directory, os_, actions, changes, today: date) -> _Block:
    heading = rhythm_texts.DIGEST_OS.format(number=os_["number"], title=shorten(os_["title"], 60))
    block = _Block(heading)
    latest = {}
    for change in changes:  # oldest first: the last one of each action wins
        latest[change["action_number"]] = change
    for status in CHANGES:
        done = [c for c in latest.values() if c["new_status"] == status]
        if done:
            items = [f"{c['action_code']} ({person_name(directory, c['who'])})" for c in done]
            label = rhythm_texts.DIGEST_CHANGE_LABELS[status]
            block.lines.append(f"{label} ({len(done)}) : {_listed(items)}")
            block.counts.append(f"{len(done)} {label.lower()}")
    late = [a for a in actions if a.is_late(today)]
    if late:
        block.lines.append(rhythm_texts.DIGEST_LATE.format(count=len(late), codes=_codes(late)))
        block.counts.append(rhythm_texts.DIGEST_LATE_COUNT.format(count=len(late)))
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    soon = [
        a
        for a in actions
        if a.status not in CLOSED
        and a.end
        and today <= a.end <= horizon
    ]
    if soon:
        items = [f"{a.code} ({day(a.end)})" for a in soon]
        block.lines.append(
            rhythm_texts.DIGEST_SOON.format(
                days=DUE_SOON_DAYS, count=len(soon), items=_listed(items)
            )
        )
        block.counts.append(
            rhythm_texts.DIGEST_SOON_COUNT.format(days=DUE_SOON_DAYS, count=len(soon))
        )
    return block


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


def _progress(actions: list[Action]) -> str:
    """The plan's "% done" as the reports and the chart print it (storage/progress.py)."""
    by_status = count_statuses(actions)
    counted = len(actions) - by_status[ABANDONED]
    return rhythm_texts.DIGEST_PROGRESS.format(
        percent=format_number(done_percent(by_status)),
        done=by_status[DONE],
        total=counted,
        abandoned=by_status[ABANDONED],
    )


def _codes(actions: list[Action]) -> str:
    return _listed([a.code for a in actions])


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MOST_LISTED])
    return shown + ("…" if len(items) > MOST_LISTED else "")


def _text(head: str, blocks: list[_Block], tail: list[str], detailed: bool) -> str:
    lines = [head]
    for block in blocks:
        if detailed:
            lines += [block.heading] if block.heading else []
            lines += [f"• {line}" if block.heading else line for line in block.lines]
        elif block.heading and block.counts:
            lines.append(f"{block.heading} : {', '.join(block.counts)}")
        elif block.heading:
            lines.append(block.heading)
        else:
            lines += block.counts
    return "\n".join(lines + tail)


def _html(head: str, blocks: list[_Block], tail: list[str], detailed: bool) -> str:
    parts = [f"<p><b>{esc(head)}</b></p>"]
    for block in blocks:
        items = block.lines if detailed else block.counts
        if block.heading:
            parts.append(f"<p><b>{esc(block.heading)}</b></p>")
            if items:
                parts.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")
        else:
            parts += [f"<p>{esc(i)}</p>" for i in items]
    parts += [f"<p>{esc(line)}</p>" for line in tail]
    return "\n".join(parts)
