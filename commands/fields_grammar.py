"""How the field commands read what follows the action's code (commands/fields.py), one small
function per rule; words are compared folded (accents and case forgiven) and anything the
grammar has no place for is refused, never stored:

    named     := '"' name '"' ( value [unit] | "cible" number ["unité"] [unit] )
    budget    := year amount ("ordinaire" | "extraordinaire") [funding]
    odd       := ODD+ | "aucun"
    decision  := ("conseil" | "college") day ["point" X] ["https://…"]
    day       := AAAA-MM-JJ | JJ/MM/AAAA
    synergy   := plan [":" code]
"""

import re
from datetime import date
from urllib.parse import urlsplit

from commands import fields_texts as t
from commands import texts
from commands.errors import MissingArgument, UserError
from commands.formatting import shorten
from storage.plan_fields import EXTRAORDINARY, ODD_NUMBERS, ORDINARY, BudgetLine, Decision, Synergy
from storage.vocabulary import ACTION_CODE, fold

#: Quotes a name may stand in: "…", « … », “…”.
NAMED = re.compile(r'^["«“”]\s*(?P<name>[^"«»“”]{1,80}?)\s*["»”“](?P<rest>.*)$', re.DOTALL)
_NUMBER = re.compile(r"^\d{1,12}(?:[.,]\d{1,4})?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[. ]\d{3})+(?:,\d{1,2})?$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FRENCH_DAY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_POINT = re.compile(r"^[\w.\-/]{1,12}$")
_PARTNER = re.compile(r"^(?P<plan>[A-Za-z0-9_-]{1,30})(?::(?P<code>\S{1,30}))?$")
_BODIES = {"conseil": "conseil", "college": "college"}
_KINDS = {
    "ordinaire": ORDINARY,
    "ord": ORDINARY,
    "extraordinaire": EXTRAORDINARY,
    "extra": EXTRAORDINARY,
}
_YEARS = range(2000, 2101)
_EUROS = {"€", "eur", "euro", "euros"}
MAX_NAME = 80
MAX_URL = 500


def read_number(word: str) -> float | None:
    """`"4"` -> 4.0, `"2,5"` -> 2.5; None for anything else.

    >>> read_number("2,5"), read_number("deux")
    (2.5, None)
    """
    word = word.strip()
    return float(word.replace(",", ".")) if _NUMBER.match(word) else None


def read_amount(words: list[str]) -> float | None:
    """`["15", "000", "€"]`, `["15.000"]`, `["1500,50"]` -> the amount; None when not one.

    >>> read_amount(["15", "000", "€"]), read_amount(["15.000"]), read_amount(["beaucoup"])
    (15000.0, 15000.0, None)
    """
    words = [w for w in words if fold(w) not in _EUROS]
    said = " ".join(words).removesuffix("€").strip()
    if _THOUSANDS.match(said):
        return float(said.replace(".", "").replace(" ", "").replace(",", "."))
    return read_number(said) if " " not in said else None


def read_day(word: str) -> date | None:
    """`"2027-03-24"` or `"24/03/2027"` -> the day; None for a malformed or impossible one.

    >>> read_day("24/03/2027"), read_day("2027-02-30")
    (datetime.date(2027, 3, 24), None)
    """
    iso, french = _ISO_DAY.match(word), _FRENCH_DAY.match(word)
    if iso:
        year, month, day_ = (int(part) for part in iso.groups())
    elif french:
        day_, month, year = (int(part) for part in french.groups())
    else:
        return None
    try:
        found = date(year, month, day_)
    except ValueError:
        return None
    return found if found.year in _YEARS else None


def well_formed_url(word: str) -> bool:
    """An https address with a host, nothing that could break a line or a link.

    >>> well_formed_url("https://deliberations.be/2027/12"), well_formed_url("http://x.be")
    (True, False)
    """
    if len(word) > MAX_URL or any(c in word for c in "<>\"'`\\") or not word.isprintable():
        return False
    parts = urlsplit(word)
    return parts.scheme == "https" and "." in parts.netloc and word.startswith("https://")


def read_decision(words: list[str], example: str) -> Decision:
    """`["conseil", "2027-03-24", "point", "12", "https://…"]` -> the Decision; refuses a
    missing or malformed part, and any word the grammar has no place for."""
    if not words:
        raise MissingArgument(t.DECISION_MISSING.format(number="29"))
    body = _BODIES.get(fold(words[0]).rstrip(".,"))
    if body is None:
        raise UserError(t.BAD_BODY.format(word=shorten(words[0], 30)))
    if len(words) < 2:
        raise MissingArgument(t.DECISION_DAY_MISSING)
    day_ = read_day(words[1].rstrip(".,"))
    if day_ is None:
        raise UserError(t.BAD_DECISION_DAY.format(word=shorten(words[1], 30)))
    point = url = None
    rest = words[2:]
    while rest:
        word = rest.pop(0)
        if fold(word) in ("point", "pt") and point is None:
            if not rest or not _POINT.match(rest[0].rstrip(".,")):
                raise UserError(t.POINT_MISSING)
            point = rest.pop(0).rstrip(".,")
        elif fold(word).startswith("http") and url is None:
            if not well_formed_url(word):
                raise UserError(t.BAD_URL.format(word=shorten(word, 40)))
            url = word
        else:
            raise UserError(t.NOT_UNDERSTOOD.format(word=shorten(word, 30), example=example))
    return Decision(body, day_, point, url)


def read_budget(words: list[str], example: str = "") -> BudgetLine:
    """`["2026", "15000", "ordinaire", '"SPW"']` -> the BudgetLine (the funding is optional,
    the kind is not: a line never says a kind it was not told)."""
    if not words:
        raise MissingArgument(t.BUDGET_MISSING.format(number="12"))
    year = int(words[0]) if words[0].isdigit() else None
    if year not in _YEARS:
        raise UserError(t.BAD_BUDGET_YEAR.format(word=shorten(words[0], 20)))
    kinds = [i for i, word in enumerate(words) if fold(word).rstrip(".,") in _KINDS]
    if not kinds:
        raise UserError(t.BUDGET_KIND_MISSING)
    at = kinds[0]
    amount = read_amount(words[1:at])
    if amount is None:
        said = " ".join(words[1:at]) or words[at]
        raise UserError(t.BAD_AMOUNT.format(word=shorten(said, 30)))
    funding = " ".join(words[at + 1 :]).strip(" \"«»“”'") or None
    if funding is not None and len(funding) > MAX_NAME:
        raise UserError(texts.TOO_LONG.format(what="Source", length=len(funding), limit=MAX_NAME))
    return BudgetLine(year, amount, _KINDS[fold(words[at]).rstrip(".,")], funding)


def read_odd(words: list[str]) -> list[int]:
    """`["11", "13"]`, `["ODD11,", "13"]` -> [11, 13]; `["aucun"]` -> []."""
    if len(words) == 1 and fold(words[0]) in t.NONE_WORDS:
        return []
    found = []
    for word in " ".join(words).replace(",", " ").split():
        bare = fold(word).removeprefix("odd")
        if not bare.isdigit() or int(bare) not in ODD_NUMBERS:
            raise UserError(t.BAD_ODD.format(word=shorten(word, 20)))
        found.append(int(bare))
    return sorted(set(found))


def read_partner(words: list[str], example: str) -> Synergy:
    if len(words) != 1:
        if not words:
            raise MissingArgument(t.SYNERGY_MISSING.format(number="29"))
        raise UserError(t.BAD_SYNERGY.format(word=shorten(" ".join(words), 30)))
    match = _PARTNER.match(words[0].rstrip(".,;"))
    if match is None or (match["code"] and not ACTION_CODE.match(match["code"])):
        raise UserError(t.BAD_SYNERGY.format(word=shorten(words[0], 30)))
    return Synergy(match["plan"], match["code"])
