"""A pilot's reminder: every action of theirs that needs a word, in one message.

    needs = needs_of(db, "@luc:x", lambda plan: {"LM"}, open_plans, now, today, before=(30, 7),
                     overdue_every=timedelta(days=14), silent_after=timedelta(weeks=6))
    text, html = reminder_message("LM", needs, today)

An action needs a word when its deadline comes within one of the thresholds (each threshold
once per deadline), when its deadline is missed (at most every `overdue_every`), or when it has
had no news for `silent_after` (at most that often). One reason per action, the most pressing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from commands import rhythm_texts
from commands.formatting import day, esc, lines_to_html, safe, shorten
from storage import history_rhythm, sends
from storage.actions import Action, actions_of_pilots
from storage.french import format_weeks
from storage.vocabulary import CLOSED

OVERDUE, SILENT = "overdue", "silent"
#: Most actions listed by name in one reminder; the others are counted.
MOST_LINES = 12


@dataclass(frozen=True)
class Need:
    action: Action
    #: The bookkeeping reason: "before-30:2026-12-31", "overdue" or "silent".
    reason: str
    #: Why, in French: "échéance dans 7 jours (31/12/2026)".
    why: str
    plan_code: str = ""


def needs_of(
    db,
    person: str,
    pilots_in: Callable[[str], frozenset[str]],
    open_plans: list,
    now: datetime,
    today: date,
    *,
    before: tuple[int, ...],
    overdue_every: timedelta,
    silent_after: timedelta,
) -> list[Need]:
    """The actions `person` should hear about today, plan by plan: those of the pilots they
    stand for in that plan (`pilots_in(plan code)`)."""
    reminded = sends.reminders_of(db, person)
    found = []
    for the_plan in open_plans:
        news = history_rhythm.last_news(db, the_plan.id)
        for action in actions_of_pilots(db, the_plan.id, set(pilots_in(the_plan.code))):
            if action.status in CLOSED:
                continue
            need = _need(action, reminded, news.get(action.number), now, today, before)
            need = need or _silent(action, reminded, news.get(action.number), now, silent_after)
            if need is None:
                continue
            reason, why = need
            last = reminded.get((action.number, reason))
            if reason == OVERDUE and last is not None and now - last < overdue_every:
                continue
            found.append(Need(action, reason, why, the_plan.code))
    return found


def _need(action, reminded, last_news, now, today, before) -> tuple[str, str] | None:
    """The deadline's reason: missed, or within a threshold not reminded yet."""
    if not action.end:
        return None
    end = action.end
    if end < today:
        return OVERDUE, rhythm_texts.REMINDER_OVERDUE.format(end=day(end))
    left = (end - today).days
    crossed = [days for days in before if left <= days]
    if not crossed:
        return None
    reason = f"before-{min(crossed)}:{end.isoformat()}"
    if (action.number, reason) in reminded:
        return None
    when = {0: rhythm_texts.REMINDER_TODAY, 1: rhythm_texts.REMINDER_TOMORROW}.get(left)
    when = when or rhythm_texts.REMINDER_IN_DAYS.format(days=left)
    return reason, rhythm_texts.REMINDER_DEADLINE.format(when=when, end=day(end))


def _silent(action, reminded, last_news, now, silent_after) -> tuple[str, str] | None:
    """No news for `silent_after`, and not reminded of it for as long."""
    if last_news is not None and now - last_news < silent_after:
        return None
    last = reminded.get((action.number, SILENT))
    if last is not None and now - last < silent_after:
        return None
    weeks = silent_after.days // 7
    return SILENT, rhythm_texts.REMINDER_SILENT.format(weeks=format_weeks(weeks))


def reminder_message(
    name: str, needs: list[Need], today: date, several_plans: bool = False
) -> tuple[str, str]:
    """The reminder's text and HTML: a greeting, one line per action with the answer to type,
    and how to answer right there."""
    head = rhythm_texts.REMINDER_HEAD_ONE if len(needs) == 1 else rhythm_texts.REMINDER_HEAD
    head = head.format(name=name, count=len(needs))
    lines = []
    for need in needs[:MOST_LINES]:
        code = need.action.code
        where = f"[{need.plan_code}] " if several_plans else ""
        title = shorten(need.action.title, 60)
        lines.append(
            rhythm_texts.REMINDER_LINE.format(where=where, code=code, title=title, why=need.why)
        )
    more = len(needs) - MOST_LINES
    tail = [rhythm_texts.REMINDER_MORE.format(count=more)] if more > 0 else []
    first = needs[0].action.code
    tail.append(rhythm_texts.REMINDER_HOW.format(code=first, away=rhythm_texts.away_example(today)))
    text = "\n".join([head, *(f"• {line}" for line in lines), *tail])
    html = (
        f"<p>{esc(head)}</p><ul>"
        + "".join(f"<li>{esc(line)}</li>" for line in lines)
        + "</ul>"
        + lines_to_html(tail)
    )
    return safe(text), html
