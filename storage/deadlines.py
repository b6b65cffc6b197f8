"""Turn the free-text deadline of a PST action into a (start, end) pair of dates, as written.

    >>> parse_deadline("2019-2024")
    (datetime.date(2019, 1, 1), datetime.date(2024, 12, 31))
    >>> parse_deadline("T2 2026")
    (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    >>> parse_deadline("1er semestre 2027")
    (datetime.date(2027, 1, 1), datetime.date(2027, 6, 30))
    >>> read_deadline("en continu").ongoing
    True

The grammar, on the folded text (lower case, no accents; a word one or two letters off a known
word, « septmbre », « trimestr », is read as that word):

    deadline   := (period | ongoing | other)*
    period     := day | quarter | semester | qualified | season | month | year-range | year
    day        := 31/12/2026 | 2026-12-31 | 15 juin 2026 | 1er mars 2026
    quarter    := T2 2026 | Q2 2026 | 2026 T2 | 2e trimestre 2026 | deuxième trimestre 2026
                  | trimestre 2 2026                                  (1 to 4)
    semester   := S1 2027 | 2027 S1 | 1er semestre 2027 | second semestre 2027 | semestre 1 2027
    qualified  := début|mi|fin [de|d'|du] [l'] [année] (month year | year)
    month      := juin 2026 | juin-26 | 2026-06
    year-range := 2025-2027 | 2023-24
    season     := printemps | été | automne | rentrée  year   (« hiver 2026 » is not read)
    ongoing    := continu | en continu | permanent | en permanence | récurrent

What a qualifier means (documented choice, the day an action becomes late is the day after):

    début 2026 -> 01/01 - 31/03 (first quarter)    début juin 2026 -> 01/06 - 10/06
    mi-2026    -> 01/06 - 30/06                    mi-juin 2026    -> 11/06 - 20/06
    fin 2026   -> 01/10 - 31/12 (last quarter)     fin juin 2026   -> 21/06 - 30/06

Every period found is read; the result runs from the earliest start to the latest end (« 2020
pour entrant - 2022 pour sortant » is 2020-2022). An ongoing word keeps the start and drops the
end: « continu dès 2022 » starts in 2022 and is never late, unless an end is said with it
(« en continu jusqu'en 2026 »). A text with a period that cannot be
(« T5 2026 », « 31/02/2022 ») or without any is not understood: no date at all, never a guess.
These functions never raise.
"""

import re
from dataclasses import dataclass
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

#: Ordinal words, as in « deuxième trimestre »; « dernier » is the last of the year.
ORDINALS = {
    "premier": 1,
    "premiere": 1,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "troisieme": 3,
    "quatrieme": 4,
    "dernier": -1,
    "derniere": -1,
}
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
#: "1er", "2e", "2ème", "2nd", "3°": a digit and its French ordinal ending.
_NTH = r"(?P<{0}>\d)\s*(?:ere|er|re|eme|e|nde|nd|°|o)?"

#: Words that say an action has no end: it is never late.
ONGOING = re.compile(
    r"\b(?:continue?s?|continuel(?:le)?s?|perman[ae]nte?s?|en permanence|recurrente?s?)\b"
)
#: Words that give an ongoing action an end all the same: « en continu jusqu'en 2026 ».
UNTIL = re.compile(r"\b(?:jusqu|d'ici|au plus tard|avant)\b")
#: Seasons as plans write them; winter straddles two years and is not read.
SEASONS = {"printemps": (3, 21, 6, 20), "ete": (6, 21, 9, 22), "automne": (9, 23, 12, 20)}
SEASONS["rentree"] = (9, 1, 9, 30)

#: Words that may belong to a deadline ("avril 2019 - 2024", "fin juin 2025").
_DEADLINE_WORDS = {"-", "/", "à", "a", "au", "fin", "debut", "mi", "et"}
#: Words of a part of a year (« 2e trimestre 2026 », « premier semestre 2027 »).
_PERIOD_WORDS = {"trimestre", "trim", "semestre", "sem", *ORDINALS}
#: A deadline without an end, said alone (« !echeance 12 continu »).
_ONGOING_WORDS = {"continu", "continue", "permanent", "permanente", "recurrent"}

# Words worth correcting when a letter or two is off (short words are left alone: « mai »;
# the ongoing words too: « continuer » is no « continu »).
_KNOWN_WORDS = sorted(
    {w for w in (*MONTHS, *ORDINALS) if len(w) >= 5}
    | {"trimestre", "semestre", "printemps", "automne"}
)
_YEAR_2_OR_4 = r"\d{4}|\d{2}"
_SEASON = "|".join([*SEASONS, "hiver"])

# One alternative per kind of date expression, tried left to right at each position.
_TOKEN = re.compile(
    rf"""
      (?P<dmy>\b(?P<dmy_d>\d{{1,2}})[/.-](?P<dmy_m>\d{{1,2}})[/.-](?P<dmy_y>\d{{4}})\b)
    # "06/2027", "6-2027": a month and its year (never "1.2027": a code, not a month).
    | (?P<my>\b(?P<my_m>\d{{1,2}})[/-](?P<my_y>\d{{4}})\b)
    | (?P<ymd>\b(?P<ymd_y>\d{{4}})-(?P<ymd_m>\d{{2}})-(?P<ymd_d>\d{{2}})\b)
    | (?P<dny>\b(?P<dny_d>\d{{1,2}})(?:er)?\s+(?P<dny_m>{_MONTH})\.?\s+(?P<dny_y>\d{{4}})\b)
    # "début juin 2026", "mi-2026", "fin d'annee"-less forms: a qualifier, a month or a year.
    | (?P<qual>\b(?P<qual_w>debut|mi|fin)\s*-?\s*(?:de\s+|d'\s*|du\s+)?(?:l'\s*)?(?:annee\s+)?
        (?:(?P<qual_m>{_MONTH})\.?\s*[-/ ]?\s*(?P<qual_my>\d{{4}})|(?P<qual_y>\d{{4}}))\b)
    # "T2 2026", "Q2-26", "S1 2027": a letter, its number, the year; or the year first.
    | (?P<code>\b(?P<code_k>[tqs])\s*(?P<code_n>\d)(?:\s*[-/.']\s*|\s+)(?P<code_y>{_YEAR_2_OR_4})\b)
    | (?P<ycode>\b(?P<ycode_y>\d{{4}})\s*[-/ ]?\s*(?P<ycode_k>[tqs])\s*(?P<ycode_n>\d)\b)
    # "2e trimestre 2026", "deuxième semestre de 2026", "trimestre 2 2026".
    | (?P<nth>\b(?:{_NTH.format("nth_n")}|(?P<nth_w>{_ORDINAL}))\s*
        (?P<nth_k>trimestre|trim|semestre|sem)s?\.?\s*(?:de\s+|d'\s*)?(?P<nth_y>\d{{4}})\b)
    | (?P<unit>\b(?P<unit_k>trimestre|trim|semestre|sem)\.?\s*(?P<unit_n>\d)(?:\s*[-/]\s*|\s+)
        (?P<unit_y>\d{{4}})\b)
    | (?P<season>\b(?P<season_w>{_SEASON})\s*(?:de\s+|d'\s*)?(?P<season_y>\d{{4}})\b)
    | (?P<namey>\b(?P<namey_m>{_MONTH})\.?\s*[-/ ]?\s*(?P<namey_y>\d{{4}}|\d{{2}})\b)
    # "2011-12" is read as December 2011 (ISO month), "2019-20" as the years 2019 to 2020.
    | (?P<ym>\b(?P<ym_y>\d{{4}})-(?P<ym_m>0[1-9]|1[0-2])\b(?!-))
    | (?P<yy>\b(?P<yy_y>\d{{4}})\s*[-–/]\s*(?P<yy_end>\d{{2}})\b)
    | (?P<y>\b(?P<y_y>\d{{4}})\b)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Deadline:
    """What a deadline text says: its period, or that it has no end, or nothing understood."""

    start: date | None = None
    end: date | None = None
    ongoing: bool = False  # « continu », « permanent »: no end, never late

    @property
    def understood(self) -> bool:
        return self.end is not None or self.ongoing


def read_deadline(raw: str | None) -> Deadline:
    """What `raw` says; an empty text, or one not understood, is `Deadline()`.

    >>> read_deadline("continu dès 2022")
    Deadline(start=datetime.date(2022, 1, 1), end=None, ongoing=True)
    >>> read_deadline("T5 2026")
    Deadline(start=None, end=None, ongoing=False)
    """
    text = _corrected(fold(raw or ""))
    try:
        periods = _periods(text)
    except ValueError:  # a period that cannot be (31/02/2022, T5 2026): no guess
        return Deadline()
    start = min((s for s, _ in periods), default=None)
    if ONGOING.search(text) and not (periods and UNTIL.search(text)):
        return Deadline(start=start, ongoing=True)
    if not periods:
        return Deadline()
    return Deadline(start=start, end=max(end for _, end in periods))


def split_deadline(words: list[str]) -> tuple[str, list[str]]:
    """`["juin", "2025", "budget", "reporté"]` -> ("juin 2025", ["budget", "reporté"])."""
    if words and fold(words[0]).strip(".,;:") in _ONGOING_WORDS:
        return words[0], words[1:]
    taken = 0
    for word in words:
        bare = fold(word).strip(".,;:")
        if (
            any(c.isdigit() for c in bare)
            or bare in MONTHS
            or bare in _DEADLINE_WORDS
            or bare in _PERIOD_WORDS
        ):
            taken += 1
        else:
            break
    while taken and fold(words[taken - 1]) in _DEADLINE_WORDS:
        taken -= 1
    return " ".join(words[:taken]), words[taken:]


def parse_deadline(raw: str | None) -> tuple[date | None, date | None]:
    """Return (start, end) for a deadline cell, or (None, None) when it holds no end.

    >>> parse_deadline("2023-24")
    (datetime.date(2023, 1, 1), datetime.date(2024, 12, 31))
    >>> parse_deadline("mi-2026")
    (datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
    """
    deadline = read_deadline(raw)
    if deadline.end is None:
        return None, None
    return deadline.start, deadline.end


def _corrected(text: str) -> str:
    """« septmbre 2026 » -> « septembre 2026 »: words of five letters or more, one letter off
    (two from eight letters on), are read as the known word they are closest to."""

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < 5 or word in _KNOWN_WORDS:
            return word
        allowed = 1 if len(word) < 8 else 2
        best = min(_KNOWN_WORDS, key=lambda known: _distance(word, known))
        return best if _distance(word, best) <= allowed else word

    return re.sub(r"[a-z]+", fix, text)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, a swap of two neighbours counting as one."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _periods(text: str) -> list[Period]:
    periods = []
    for match in _TOKEN.finditer(text):
        periods.extend(_period(match))
    return periods


def _period(match: re.Match[str]) -> list[Period]:
    g = match.group
    if g("dmy"):
        day = date(int(g("dmy_y")), int(g("dmy_m")), int(g("dmy_d")))
        return [(_checked(day), day)]
    if g("my"):
        if not 1 <= int(g("my_m")) <= 12:
            raise ValueError(g("my"))  # « 13/2027 »: no month, and no guess
        return [_month(int(g("my_y")), int(g("my_m")))]
    if g("ymd"):
        day = date(int(g("ymd_y")), int(g("ymd_m")), int(g("ymd_d")))
        return [(_checked(day), day)]
    if g("dny"):
        day = date(int(g("dny_y")), MONTHS[g("dny_m")], int(g("dny_d")))
        return [(_checked(day), day)]
    if g("qual"):
        month = MONTHS[g("qual_m")] if g("qual_m") else None
        return [_qualified(g("qual_w"), month, int(g("qual_my") or g("qual_y")))]
    if g("code"):
        return [_part(g("code_k"), int(g("code_n")), _full_year(g("code_y")))]
    if g("ycode"):
        return [_part(g("ycode_k"), int(g("ycode_n")), int(g("ycode_y")))]
    if g("nth"):
        number = int(g("nth_n")) if g("nth_n") else ORDINALS[g("nth_w")]
        return [_part(g("nth_k")[0], number, int(g("nth_y")))]
    if g("unit"):
        return [_part(g("unit_k")[0], int(g("unit_n")), int(g("unit_y")))]
    if g("season"):
        if g("season_w") == "hiver":
            raise ValueError("hiver")  # December of one year or March of the next?
        year = int(g("season_y"))
        first_month, first_day, last_month, last_day = SEASONS[g("season_w")]
        _year(year)
        return [(date(year, first_month, first_day), date(year, last_month, last_day))]
    if g("namey"):
        return [_month(_full_year(g("namey_y")), MONTHS[g("namey_m")])]
    if g("ym"):
        return [_month(int(g("ym_y")), int(g("ym_m")))]
    if g("yy"):
        # "2023-24": the short end year is in the same century as the start year.
        start = int(g("yy_y"))
        end = start // 100 * 100 + int(g("yy_end"))
        if end < start:
            return [_year(start)]
        return [_year(start), _year(end)]
    return [_year(int(g("y_y")))]


def _full_year(digits: str) -> int:
    year = int(digits)
    return year + 2000 if year < 100 else year  # "févr-22", "T2-26"


def _checked(day: date) -> date:
    _year(day.year)
    return day


def _year(year: int) -> Period:
    if not 1900 <= year <= 2199:
        raise ValueError(year)
    return date(year, 1, 1), date(year, 12, 31)


def _month(year: int, month: int) -> Period:
    _year(year)
    first = date(year, month, 1)
    return first, first + relativedelta(months=1, days=-1)


def _part(kind: str, number: int, year: int) -> Period:
    """Quarter (t, q) or semester (s) `number` of `year`; -1 is the last one."""
    months = 6 if kind == "s" else 3
    count = 12 // months
    if number == -1:
        number = count
    if not 1 <= number <= count:
        raise ValueError(number)
    first = date(year, (number - 1) * months + 1, 1)
    _year(year)
    return first, first + relativedelta(months=months, days=-1)


def _qualified(word: str, month: int | None, year: int) -> Period:
    """« début/mi/fin » of a month (its thirds: 1-10, 11-20, 21-end) or of a year (first
    quarter, June, last quarter)."""
    if month is None:
        whole = {"debut": (1, 3), "mi": (6, 6), "fin": (10, 12)}[word]
        return _month(year, whole[0])[0], _month(year, whole[1])[1]
    first, last = _month(year, month)
    if word == "debut":
        return first, first.replace(day=10)
    if word == "mi":
        return first.replace(day=11), first.replace(day=20)
    return first.replace(day=21), last
