"""The labels of a PST's rows as administrations print them, one cell each.

    >>> read_os("O.S.1 Etre un CPAS solidaire")
    (1, 'Etre un CPAS solidaire')
    >>> read_oo("OO 1.2 – Renforcer l'aide énergétique")
    (1, 2, "Renforcer l'aide énergétique")
    >>> read_oo("2", prefixed=False)  # a bare O.O. number belongs to the row's O.S.
    (None, 2, '')
    >>> read_action_code("Action n° 29"), read_action_code("1.1.1"), read_action_code("douze")
    ('29', '1.1.1', None)

An action cell may carry its title too, as iA.PST writes it ("A.7 - Rénover la crèche"):

    >>> split_code_title("A.7 - Rénover la crèche"), split_code_title("Rénover 2 crèches")
    (('A.7', 'Rénover la crèche'), None)

and an action may be given by its path ("OS1/OO1.2/A2"):

    >>> read_path("OS1/OO1.2/A2"), read_path("OS 2 / OO 2.1 / Action 3")
    ((1, 2, 'A2'), (2, 1, '3'))

An O.S. or O.O. label may carry its title ("O.S. 1 : title", "O.O.1.2 title"); in a column of
its own it may be a bare number ("1", "1.2"). An action code has a digit in it: "29", "1.1.1",
"A.2.3". A row whose first filled cell reads "Total", "Totaux" or "Sous-total" is a total row.
"""

import re

from storage.vocabulary import fold

_NUMBER_SIGN = r"(?:n°|nº|no\.?|num(?:[ée]ro)?\.?)"
_OS_PREFIX = r"(?:O\.?\s*S\.?|Obj(?:ectif)?s?\.?\s+strat[ée]giques?)"
_OO_PREFIX = r"(?:O\.?\s*O\.?|Obj(?:ectif)?s?\.?\s+op[ée]rationnels?)"
# After the number: nothing, or a title after a dash, colon or bracket (any text), or after a
# dot or a space (text that does not start with a digit, so that "1.2" is not O.S.1 "2").
_TITLE = r"(?:\s*[-–—:)]\s*(?P<title>.+)|(?:\.\s*|\s+)(?P<plain>\D.*))?"


def _label(prefix: str, number: str) -> re.Pattern:
    return re.compile(
        rf"^(?P<prefix>{prefix})?\s*{_NUMBER_SIGN}?\s*{number}{_TITLE}\.?\s*$",
        re.IGNORECASE | re.DOTALL,
    )


_OS = _label(_OS_PREFIX, r"(?P<number>\d{1,6})")
_OO = _label(_OO_PREFIX, r"(?:(?P<os>\d{1,6})\s*\.\s*)?(?P<number>\d{1,6})")
_ACTION = re.compile(
    rf"^(?:Action\s*)?{_NUMBER_SIGN}?\s*(?P<code>[0-9A-Za-z]{{1,6}}(?:\.[0-9A-Za-z]{{1,6}}){{0,4}})"
    r"\.?$",
    re.IGNORECASE,
)
#: What the bot's own table writes under an operational objective that has no action yet
#: (reports/labels.py prints it): a row to pass over in silence when the table comes back.
NO_ACTIONS_YET = "aucune action encore"

_CODE_TITLE = re.compile(r"^(?P<code>\S{1,40}?)\s*[-–—:]\s+(?P<title>\S.*)$", re.DOTALL)
_PATH = re.compile(
    r"^O\.?\s*S\.?\s*(?P<os>\d{1,6})\s*/\s*O\.?\s*O\.?\s*(?:(?P<oo_os>\d{1,6})\.)?(?P<oo>\d{1,6})"
    r"\s*/\s*(?P<code>.+)$",
    re.IGNORECASE,
)

_TOTAL = re.compile(r"^(?:sous[- ]?)?totau?[lx]\b")


def read_os(cell: str, prefixed: bool = False) -> tuple[int, str] | None:
    """(number, title) of an O.S. label, the title "" when the cell has none.

    With `prefixed`, a bare number is not an O.S. (in a column of labels, "1" is an action).
    """
    match = _OS.match(cell.strip())
    if not match or (prefixed and not match["prefix"]):
        return None
    return int(match["number"]), _title(match)


def read_oo(cell: str, prefixed: bool = False) -> tuple[int | None, int, str] | None:
    """(O.S. number or None, O.O. index, title) of an O.O. label: "O.O.1.2 title" -> (1, 2, ...)."""
    match = _OO.match(cell.strip())
    if not match or (prefixed and not match["prefix"]):
        return None
    os_number = int(match["os"]) if match["os"] else None
    return os_number, int(match["number"]), _title(match)


def read_action_code(cell: str) -> str | None:
    """The code of an action as printed ("Action 29" -> "29"), or None."""
    match = _ACTION.match(cell.strip())
    if not match or not any(c.isdigit() for c in match["code"]):
        return None
    if read_os(cell, prefixed=True) or read_oo(cell, prefixed=True):
        return None  # "O.S.1" is an objective, not an action coded "O.S.1"
    return match["code"]


def split_code_title(cell: str) -> tuple[str, str] | None:
    """(code, title) of a cell holding both ("A.7 - titre", "1.2.3 : titre"), else None."""
    match = _CODE_TITLE.match(cell.strip())
    if not match or (code := read_action_code(match["code"])) is None:
        return None
    return code, " ".join(match["title"].split())


def read_path(cell: str) -> tuple[int, int, str] | None:
    """(O.S. number, O.O. index, action code) of a path reference "OS1/OO1.2/A2", else None;
    an O.O. "1.2" of another O.S. than the path's is not a path."""
    match = _PATH.match(cell.strip())
    if not match or (code := read_action_code(match["code"])) is None:
        return None
    if match["oo_os"] and int(match["oo_os"]) != int(match["os"]):
        return None
    return int(match["os"]), int(match["oo"]), code


def is_total(cells: list[str]) -> bool:
    """A "Total", "Totaux" or "Sous-total" row, to be skipped."""
    first = next((cell for cell in cells if cell.strip()), "")
    return bool(_TOTAL.match(fold(first)))


def is_no_actions_note(cells: list[str]) -> bool:
    """The « aucune action encore » row of the bot's own table, alone in its row."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return len(filled) == 1 and fold(filled[0]) == fold(NO_ACTIONS_YET)


def _title(match: re.Match) -> str:
    # A cell may break its title over lines: one line of text is what a title is.
    return " ".join((match["title"] or match["plain"] or "").split())
