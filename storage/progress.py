"""How far the plan has come: counts per status, the one "% done", and "% done" over time,
read from the actions (`storage.actions.Action`). Chat commands and reports both count with
these, so a figure reads the same in a reply, the spreadsheet, the evaluation and the chart.

    >>> from storage.actions import list_actions
    >>> summary = status_summary(list_actions(db, plan_id))
    >>> summary["total"] == sum(summary["by_status"].values())
    True
    >>> done_percent({"fait": 1, "en cours": 2, "abandonné": 1})
    33.3
"""

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from storage.actions import Action
from storage.effective import changes_of
from storage.effective import status_on as status_on  # the chart's readers ask here too
from storage.vocabulary import ABANDONED, DONE, REPORT_ORDER

# How "% done" is counted (`done_percent`), said wherever it is shown.
DONE_PERCENT_NOTE = (
    "% fait : actions faites sur les actions du plan, les {abandoned} abandonnées non comptées."
)
DONE_PERCENT_NOTE_ONE = (
    "% fait : actions faites sur les actions du plan, l'action abandonnée non comptée."
)
DONE_PERCENT_NOTE_NONE = "% fait : actions faites sur les actions du plan (aucune abandonnée)."


def check_status(action: Action) -> str:
    """The action's status; ValueError, naming the action, when it is not one of the five."""
    if action.status not in REPORT_ORDER:
        raise ValueError(f"Statut inconnu pour l'action {action.code} : {action.status!r}")
    return action.status


def effective_progress(action: Action) -> int:
    """Progress in percent, counting a done action without a figure as 100."""
    if action.progress is not None:
        return action.progress
    return 100 if action.status == DONE else 0


def done_percent(by_status: Mapping[str, int]) -> float:
    """The one "% done" of chat, reports and charts: done actions over the actions of the plan,
    abandoned ones left out (they will never be done, so they do not count against it)."""
    counted = sum(by_status.values()) - by_status.get(ABANDONED, 0)
    return round(100 * by_status.get(DONE, 0) / counted, 1) if counted else 0.0


def done_percent_note(by_status: Mapping[str, int]) -> str:
    """The sentence that says how "% done" is counted, wherever it is shown."""
    abandoned = by_status.get(ABANDONED, 0)
    if abandoned == 0:
        return DONE_PERCENT_NOTE_NONE
    if abandoned == 1:
        return DONE_PERCENT_NOTE_ONE
    return DONE_PERCENT_NOTE.format(abandoned=abandoned)


def count_statuses(actions: Iterable[Action]) -> dict[str, int]:
    """{status: count} over the five statuses, in report order; refuses an unknown status."""
    by_status = dict.fromkeys(REPORT_ORDER, 0)
    for action in actions:
        by_status[check_status(action)] += 1
    return by_status


def _counts(actions: list[Action]) -> dict:
    by_status = count_statuses(actions)
    live = [action for action in actions if action.status != ABANDONED]
    return {
        "total": len(actions),
        "by_status": by_status,
        "done_percent": done_percent(by_status),
        # Abandoned actions will never progress: they do not drag the mean down.
        "progress_percent": (
            round(sum(effective_progress(action) for action in live) / len(live), 1)
            if live
            else 0.0
        ),
    }


def status_summary(actions: list[Action], outline: Iterable = ()) -> dict:
    """Counts per status, overall and per OS, for the chat reply and the reports.

    Returns {"total", "by_status", "done_percent", "progress_percent", "by_os": [...]} where
    each item of "by_os" also carries "os_number", "os_title" and "volet": the OS of
    `outline` first (the plan's objectives in plan order, each with `os_number`, `os_title`
    and `volet`: an OS none of whose OOs has an action yet is counted with zeros), then in the
    order the actions first name them. "by_status" always lists the five statuses, in report
    order (fait, en cours, à démarrer, suspendu, abandonné).
    """
    summary = _counts(actions)
    heads: dict[int, tuple[str, str | None]] = {}
    by_os: dict[int, list[Action]] = {}
    for item in [*outline, *actions]:
        heads.setdefault(item.os_number, (item.os_title, item.volet))
        by_os.setdefault(item.os_number, [])
    for action in actions:
        by_os[action.os_number].append(action)
    summary["by_os"] = [
        {"os_number": number, "os_title": heads[number][0], "volet": heads[number][1]}
        | _counts(members)
        for number, members in by_os.items()
    ]
    return summary


# ---------------------------------------------------------------- progress over time

# `status_on(action, day)`, the status at the end of a day, is storage/effective.py's: it
# reads the standing changes (imported here, where the counts over time live).


def period_ends(first: date, today: date, step: str = "month") -> list[date]:
    """The last day of each month (or each Sunday) from `first` on, then `today` itself.

    >>> period_ends(date(2026, 1, 20), date(2026, 3, 5))
    [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 5)]
    """
    ends = []
    if step == "week":
        end = first + timedelta(days=6 - first.weekday())
        while end < today:
            ends.append(end)
            end += timedelta(days=7)
    elif step == "month":
        year, month = first.year, first.month
        while True:
            end = date(year, month, calendar.monthrange(year, month)[1])
            if end >= today:
                break
            ends.append(end)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValueError(f"Pas inconnu : {step!r} (month ou week)")
    return ends + [today]


def done_percent_over_time(
    actions: list[Action], today: date, step: str | None = None
) -> list[tuple[date, float]]:
    """ "% done" (see `done_percent`) at the end of each month or week, from the first standing
    change (`storage.effective`: undone changes left out, a backdated done on its day) to
    `today`; [] when the actions carry no history (read them `with_history=True`).

    Without `step`, weeks for a history shorter than three months, months otherwise.
    """
    changes = [(action.status, changes_of(action)) for action in actions]
    days = [change.day for _, standing_changes in changes for change in standing_changes]
    if not days:
        return []
    first = min(days)
    step = step or ("week" if (today - first).days < 92 else "month")
    ends = period_ends(min(first, today), today, step)
    counts = [Counter() for _ in ends]
    for status, standing_changes in changes:
        for count, state in zip(counts, statuses_at(standing_changes, ends, status), strict=True):
            count[state] += 1
    return [(end, done_percent(count)) for end, count in zip(ends, counts, strict=True)]


def statuses_at(changes, ends: list[date], current: str) -> list[str]:
    """`status_in(changes, end, current)` for each of the ascending `ends`, in one pass over
    the changes (a plan of 10,000 actions, five years of months: 600,000 questions).

    >>> from storage.effective import standing
    >>> from datetime import datetime, UTC
    >>> raw = [{"id": 1, "kind": "status", "old_status": "à démarrer", "new_status": "fait",
    ...         "comment": "le 02/03", "at": datetime(2026, 3, 20, 9, tzinfo=UTC)}]
    >>> statuses_at(standing(raw), [date(2026, 3, 1), date(2026, 3, 2)], "fait")
    ['à démarrer', 'fait']
    """
    said = [
        (change.day, index) for index, change in enumerate(changes) if change.new_status is not None
    ]
    said.sort()
    before = next((c.old_status for c in changes if c.new_status is not None), None) or current
    found, latest, position = [], -1, 0
    for end in ends:
        while position < len(said) and said[position][0] <= end:
            latest = max(latest, said[position][1])  # the latest said of those in effect
            position += 1
        found.append(changes[latest].new_status if latest >= 0 else before)
    return found
