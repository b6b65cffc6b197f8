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


def format_date_fr(day: date | datetime) -> str:
    """05/03/2026; a datetime is first put in local time."""
    if isinstance(day, datetime):
        day = local_time(day)
    return day.strftime("%d/%m/%Y")


def format_timestamp(moment: datetime | None) -> str:
    """ "2024-07-01 12:00" in local time; "" for None."""
    return local_time(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def format_number(value: float) -> str:
    """31.5 -> "31,5", 25.0 -> "25" (French decimal comma, one decimal at most)."""
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def format_percent(value: float) -> str:
    """31.5 -> "31,5 %" (French decimal comma, non-breaking space)."""
    return f"{format_number(value)}\u00a0%"
