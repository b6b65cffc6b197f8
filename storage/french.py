"""Dates, numbers and percentages as French readers write them, the same in chat and in the
reports (one floor below both).

    >>> format_date_fr(date(2026, 3, 5)), format_number(31.5), format_percent(25.0)
    ('05/03/2026', '31,5', '25\\xa0%')
    >>> from datetime import UTC
    >>> format_timestamp(datetime(2024, 7, 1, 10, 0, tzinfo=UTC))  # Brussels time, summer
    '2024-07-01 12:00'
"""

from datetime import date, datetime

from storage.clock import local_time


def format_date_fr(day: date | datetime | str | None) -> str:
    """05/03/2026; a datetime is first put in local time, a stored ISO text read; "" for none."""
    if not day:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    if isinstance(day, datetime):
        day = local_time(day)
    return day.strftime("%d/%m/%Y")


def format_moment(moment: datetime | str | None) -> str:
    """ "05/03/2026 14:30" in local time, from a datetime or a stored ISO text; "" for none."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return local_time(moment).strftime("%d/%m/%Y %H:%M")


def format_timestamp(moment: datetime | None) -> str:
    """ "2024-07-01 12:00" in local time; "" for None."""
    return local_time(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def format_weeks(weeks: int) -> str:
    """6 -> "6 semaines", 1 -> "1 semaine"."""
    return f"{weeks} semaine{'s' if weeks > 1 else ''}"


def format_number(value: float) -> str:
    """31.5 -> "31,5", 25.0 -> "25" (French decimal comma, one decimal at most)."""
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def format_progress(progress: int | None) -> str:
    """An action's progress in a chat line: "40 %" (the space a pilot types), "" for none.

    Chat keeps the plain space pilots write and search for; documents use `format_percent`'s
    non-breaking one, which a page never splits."""
    return "" if progress is None else f"{progress} %"


def format_percent(value: float) -> str:
    """31.5 -> "31,5 %" (French decimal comma, non-breaking space)."""
    return f"{format_number(value)}\u00a0%"


def number_text(value: float | None) -> str:
    """`4.0` -> "4", `2.5` -> "2,5", `15000` -> "15 000" (French, a space between thousands);
    "—" for none."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.2f}".rstrip("0").replace(",", " ").replace(".", ",")
