"""Turn the free-text deadline of a PST action ("2019-2024", "févr-22", "avril 2019 - 2024")
into a (start, end) pair of dates.

    >>> parse_deadline("2019-2024")
    (datetime.date(2019, 1, 1), datetime.date(2024, 12, 31))
    >>> parse_deadline("févr-22")
    (datetime.date(2022, 2, 1), datetime.date(2022, 2, 28))
    >>> parse_deadline("continu")
    (None, None)

Every date expression found in the text is read as a period (a year, a month or a day); the
result runs from the earliest start to the latest end. That is what a PST
cell like "2020 pour entrant - 2022 pour sortant" means. Text without any date gives
(None, None); this function never raises.
"""

import re
from datetime import date

from dateutil.relativedelta import relativedelta

from storage.vocabulary import fold

Period = tuple[date, date]

# Accent-free, lowercase spellings; longest first so that "sept" is not read as "sep" + "t".
MONTHS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# One alternative per kind of date expression, tried left to right at each position.
_TOKEN = re.compile(
    rf"""
      (?P<dmy>\b(?P<dmy_d>\d{{1,2}})[/.](?P<dmy_m>\d{{1,2}})[/.](?P<dmy_y>\d{{4}})\b)
    | (?P<ymd>\b(?P<ymd_y>\d{{4}})-(?P<ymd_m>\d{{2}})-(?P<ymd_d>\d{{2}})\b)
    | (?P<dny>\b(?P<dny_d>\d{{1,2}})(?:er)?\s+(?P<dny_m>{_MONTH})\.?\s+(?P<dny_y>\d{{4}})\b)
    | (?P<namey>\b(?P<namey_m>{_MONTH})\.?\s*[-/ ]?\s*(?P<namey_y>\d{{4}}|\d{{2}})\b)
    # "2011-12" is read as December 2011 (ISO month), "2019-20" as the years 2019 to 2020.
    | (?P<ym>\b(?P<ym_y>\d{{4}})-(?P<ym_m>0[1-9]|1[0-2])\b(?!-))
    | (?P<yy>\b(?P<yy_y>\d{{4}})\s*[-–/]\s*(?P<yy_end>\d{{2}})\b)
    | (?P<y>\b(?P<y_y>\d{{4}})\b)
    """,
    re.VERBOSE,
)


def parse_deadline(raw: str) -> tuple[date | None, date | None]:
    """Return (start, end) for a deadline cell, or (None, None) when it holds no date.

    >>> parse_deadline("2023-24")
    (datetime.date(2023, 1, 1), datetime.date(2024, 12, 31))
    """
    text = fold(raw or "")
    periods = _periods(text)
    if not periods:
        return None, None
    return min(start for start, _ in periods), max(end for _, end in periods)


def _periods(text: str) -> list[Period]:
    periods = []
    for match in _TOKEN.finditer(text):
        try:
            period = _period(match)
        except ValueError:  # 31/02/2022, month 13, ...: not a date, skip it
            continue
        if period is not None:
            periods.extend(period)
    return periods


def _period(match: re.Match[str]) -> list[Period] | None:
    g = match.group
    if g("dmy"):
        day = date(int(g("dmy_y")), int(g("dmy_m")), int(g("dmy_d")))
        return [(day, day)]
    if g("ymd"):
        day = date(int(g("ymd_y")), int(g("ymd_m")), int(g("ymd_d")))
        return [(day, day)]
    if g("dny"):
        day = date(int(g("dny_y")), MONTHS[g("dny_m")], int(g("dny_d")))
        return [(day, day)]
    if g("namey"):
        year = int(g("namey_y"))
        if year < 100:  # "févr-22"
            year += 2000
        return [_month(year, MONTHS[g("namey_m")])]
    if g("ym"):
        return [_month(int(g("ym_y")), int(g("ym_m")))]
    if g("yy"):
        # "2023-24": the short end year is in the same century as the start year.
        start = int(g("yy_y"))
        end = start // 100 * 100 + int(g("yy_end"))
        if end < start:
            return [_year(start)]
        return [_year(start), _year(end)]
    if g("y"):
        return [_year(int(g("y_y")))]
    return None


def _year(year: int) -> Period:
    if not 1900 <= year <= 2199:
        raise ValueError(year)
    return date(year, 1, 1), date(year, 12, 31)


def _month(year: int, month: int) -> Period:
    _year(year)
    first = date(year, month, 1)
    return first, first + relativedelta(months=1, days=-1)
