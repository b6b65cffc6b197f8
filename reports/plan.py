"""The plan as the reports see it: rows grouped by objective, counted, and formatted.

Rows follow the contract of `storage.plan.consolidated_rows` (one dict per action, in plan
order). Every report module builds on these helpers, so a count or a date reads the same in
the spreadsheet, the evaluation and the chart.

    >>> row = {"os_number": 1, "os_title": "OS", "oo_number": "1.1", "oo_title": "OO"}
    >>> summary = status_summary([row | {"status": "fait"}, row | {"status": "en cours"}])
    >>> summary["by_status"]["fait"], summary["done_percent"]
    (1, 50.0)
"""

import calendar
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from reports.labels import DONE_PERCENT_NOTE, DONE_PERCENT_NOTE_NONE, DONE_PERCENT_NOTE_ONE
from storage.clock import local_time
from storage.vocabulary import ABANDONED, DONE, REPORT_ORDER

# Characters that XML 1.0 (and so xlsx, ods, odt, docx) cannot carry.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class OperationalGroup:
    number: str
    title: str
    actions: list[dict] = field(default_factory=list)


@dataclass
class StrategicGroup:
    number: int
    title: str
    volet: str | None
    objectives: list[OperationalGroup] = field(default_factory=list)

    @property
    def actions(self) -> list[dict]:
        return [action for oo in self.objectives for action in oo.actions]


def group_plan(rows: list[dict]) -> list[StrategicGroup]:
    """OS -> OO -> actions, in the order the rows first name them."""
    strategic: dict[int, StrategicGroup] = {}
    operational: dict[tuple[int, str], OperationalGroup] = {}
    for row in rows:
        os_group = strategic.get(row["os_number"])
        if os_group is None:
            os_group = StrategicGroup(row["os_number"], row["os_title"], row.get("volet"))
            strategic[row["os_number"]] = os_group
        key = (row["os_number"], row["oo_number"])
        oo_group = operational.get(key)
        if oo_group is None:
            oo_group = OperationalGroup(row["oo_number"], row["oo_title"])
            operational[key] = oo_group
            os_group.objectives.append(oo_group)
        oo_group.actions.append(row)
    return list(strategic.values())


def check_status(row: dict) -> str:
    status = row["status"]
    if status not in REPORT_ORDER:
        raise ValueError(f"Statut inconnu pour l'action {row.get('number')} : {status!r}")
    return status


def effective_progress(row: dict) -> int:
    """Progress in percent, counting a done action without a figure as 100."""
    if row.get("progress") is not None:
        return row["progress"]
    return 100 if row["status"] == DONE else 0


def done_percent(by_status: Mapping[str, int]) -> float:
    """The one "% done" of chat, reports and charts: done actions over the actions of the plan,
    abandoned ones left out (they will never be done, so they do not count against it).

        >>> done_percent({"fait": 1, "en cours": 2, "abandonné": 1})
        33.3
    """
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


def count_statuses(rows: list[dict]) -> dict[str, int]:
    """{status: count} over the five statuses, in report order; refuses an unknown status."""
    by_status = dict.fromkeys(REPORT_ORDER, 0)
    for row in rows:
        by_status[check_status(row)] += 1
    return by_status


def _counts(rows: list[dict]) -> dict:
    by_status = count_statuses(rows)
    total = len(rows)
    live = [row for row in rows if row["status"] != ABANDONED]
    return {
        "total": total,
        "by_status": by_status,
        "done_percent": done_percent(by_status),
        # Abandoned actions will never progress: they do not drag the mean down.
        "progress_percent": (
            round(sum(effective_progress(row) for row in live) / len(live), 1) if live else 0.0
        ),
    }


def status_summary(rows: list[dict]) -> dict:
    """Counts per status, overall and per OS, for the chat reply and the reports.

    Returns {"total", "by_status", "done_percent", "progress_percent", "by_os": [...]} where
    each item of "by_os" also carries "os_number", "os_title" and "volet". "by_status" always
    lists the five statuses, in report order (fait, en cours, à démarrer, suspendu, abandonné).
    """
    summary = _counts(rows)
    summary["by_os"] = [
        {"os_number": group.number, "os_title": group.title, "volet": group.volet}
        | _counts(group.actions)
        for group in group_plan(rows)
    ]
    return summary


# ---------------------------------------------------------------- progress over time


def status_on(row: dict, day: date) -> str:
    """The action's status at the end of `day` (Belgian time), read back from its history.

    Before its first entry an action had that entry's old status; an action without history
    (or imported without one) is taken to have always had its current status.
    """
    status = None
    for entry in row.get("history") or []:
        if local_time(entry["at"]).date() > day:
            if status is None:
                status = entry.get("old_status")
            break
        status = entry.get("new_status") or status
    return status or row["status"]


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
    rows: list[dict], today: date, step: str | None = None
) -> list[tuple[date, float]]:
    """ "% done" (see `done_percent`) at the end of each month or week, from the first history
    entry to `today`; [] when the rows carry no history.

    Without `step`, weeks for a history shorter than three months, months otherwise.
    """
    days = [local_time(e["at"]).date() for row in rows for e in row.get("history") or []]
    if not days:
        return []
    first = min(days)
    step = step or ("week" if (today - first).days < 92 else "month")
    return [
        (end, done_percent(Counter(status_on(row, end) for row in rows)))
        for end in period_ends(min(first, today), today, step)
    ]


# ---------------------------------------------------------------- formatting


def clean(text: object) -> str:
    """Text safe for any XML-based format; None becomes an empty string."""
    if text is None:
        return ""
    return _XML_INVALID.sub("", str(text))


def format_timestamp(moment: datetime | None) -> str:
    return local_time(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def format_date_fr(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = local_time(day)
    return day.strftime("%d/%m/%Y")


def format_number(value: float) -> str:
    """31.5 -> "31,5", 25.0 -> "25" (French decimal comma, one decimal at most)."""
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def format_percent(value: float) -> str:
    """31.5 -> "31,5 %" (French decimal comma, non-breaking space)."""
    return f"{format_number(value)}\u00a0%"


def pilots_text(row: dict) -> str:
    return "/".join(row.get("pilots") or [])


def who_text(who: str | None) -> str:
    """Matrix ids shortened to their local part ("@sylvie:example.org" -> "sylvie")."""
    if not who:
        return ""
    if who.startswith("@") and ":" in who:
        return who[1:].split(":", 1)[0]
    return who
