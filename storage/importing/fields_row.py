"""An action row's fields (storage/plan_fields.py) from its cells: the combined cells, one
item per line (fields_cells.py holds each item's grammar, the same the exports write), and the
columns of their own (« Valeur cible », « Montant », « Année »…). An item not understood is
never guessed: it is left out and named, with the line and the cell, in the warnings.

    >>> warnings = []
    >>> fields = read_fields({"odd": "3, 18", "budget": "2026 : 15 000 €"}, 4, warnings)
    >>> fields.odd, fields.budget[0].amount
    ((3,), 15000.0)
    >>> warnings[0].split(" non compris")[0]
    'Ligne 4 : ODD « 18 »'
"""

import re
from datetime import date

from storage.importing.fields_cells import (
    FIELDS,
    ONE_LINE,
    read_budget_line,
    read_decision,
    read_indicator,
    read_number,
    read_odd,
    read_synergy,
    read_year,
)
from storage.importing.messages import MESSAGES
from storage.plan_fields import (
    BUDGET_KINDS,
    EXTRAORDINARY,
    ORDINARY,
    ActionFields,
    Indicator,
    Measure,
)
from storage.vocabulary import fold

#: The columns (headers.py) that give each field: a file without any leaves the field as it is.
FIELD_COLUMNS = {
    "indicators": ("indicator_fields", "target", "unit", "reached"),
    "budget": ("budget", "budget_ordinary", "budget_extraordinary", "budget_kind", "amount"),
    "odd": ("odd",),
    "mandataries": ("mandataries",),
    "decisions": ("decisions", "college", "conseil"),
    "synergies": ("synergies",),
}


def fields_given(columns) -> list[str]:
    """The fields a header's `columns` (names) give, in FIELDS order."""
    return [name for name in FIELDS if set(FIELD_COLUMNS[name]) & set(columns)]


#: How an item of each field is named in a warning, and an example of what is expected.
SHOWN = {
    "indicators": ("indicateur", "dossiers traités : 12 dossiers (atteint 4 le 03/11/2026)"),
    "budget": ("ligne de budget", "2026 : 15 000 € ordinaire (SPW)"),
    "odd": ("ODD", "3, 11"),
    "decisions": ("décision", "Conseil 24/03/2027 point 12"),
    "synergies": ("synergie", "commune:5.1.4 ou oui"),
    "target": ("valeur cible", "12"),
    "reached": ("valeur atteinte", "4"),
    "year": ("année", "2026"),
    "amount": ("montant", "15 000"),
    "budget_kind": ("type de budget", "ordinaire"),
}

_NONE_WORDS = {"", "-", "–", "/", "non", "aucun", "aucune", "sans", "sans odd", "neant"}


def _lines(cell: str) -> list[str]:
    cell = cell.replace("\r", "\n").replace(ONE_LINE.strip(), "\n")
    return [line.strip() for line in cell.split("\n") if line.strip()]


def _items(cell: str) -> list[str]:
    return [item.strip() for item in re.split(r"[\n\r;,]+", cell) if item.strip()]


class _Warner:
    def __init__(self, line: int, warnings: list[str]):
        self.line, self.warnings = line, warnings

    def __call__(self, field: str, text: str) -> None:
        name, example = SHOWN[field]
        shown = text if len(text) <= 80 else text[:79] + "…"
        self.warnings.append(
            MESSAGES["field_not_understood"].format(
                line=self.line, field=name, text=shown, example=example
            )
        )


def read_fields(record: dict[str, str], line: int, warnings: list[str]) -> ActionFields:
    """An action row's fields from its cells (`headers.Header.record`), the combined cells
    and the columns of their own (« Valeur cible », « Montant », « Année »…); every item not
    understood is left out, with a warning naming `line`."""
    warn = _Warner(line, warnings)
    year = _year(record.get("year", ""), warn)
    return ActionFields(
        indicators=_indicators(record, year, warn),
        budget=_budget(record, year, warn),
        odd=tuple(_each(_items(record.get("odd", "")), read_odd, "odd", warn, none_words=True)),
        mandataries=tuple(
            dict.fromkeys(
                name
                for column in ("mandataries",)
                for name in _items(record.get(column, ""))
                if fold(name) not in _NONE_WORDS
            )
        ),
        decisions=tuple(
            decision
            for column, body in (
                ("decisions", None),
                ("college", "college"),
                ("conseil", "conseil"),
            )
            for decision in _each(
                _lines(record.get(column, "")),
                lambda text, body=body: read_decision(text, body),
                "decisions",
                warn,
            )
        ),
        synergies=tuple(
            _each(_items(record.get("synergies", "")), read_synergy, "synergies", warn, True)
        ),
    )


def _each(items, read, field: str, warn: _Warner, none_words: bool = False) -> list:
    if none_words and len(items) == 1 and fold(items[0]) in _NONE_WORDS:
        return []
    result = []
    for item in items:
        value = read(item)
        if value is None:
            warn(field, item)
        else:
            result.append(value)
    return result


def _year(cell: str, warn: _Warner) -> int | None:
    cell = cell.strip()
    if not cell or fold(cell) in _NONE_WORDS:
        return None
    if found := read_year(cell):
        return found
    warn("year", cell)
    return None


def _indicators(record: dict[str, str], year: int | None, warn: _Warner) -> tuple:
    found = _each(_lines(record.get("indicator_fields", "")), read_indicator, "indicators", warn)
    if any(record.get(column) for column in ("target", "unit", "reached")):
        found += _indicator_columns(record, year, warn)
    return tuple(found)


def _indicator_columns(record: dict[str, str], year: int | None, warn: _Warner) -> list:
    """iA.PST's shape: the name in the indicators column, its unit, target and reached value
    in columns of their own, the n-th line of each for the n-th indicator."""
    names = _lines(record.get("indicators", ""))
    targets, units, reached = (_lines(record.get(c, "")) for c in ("target", "unit", "reached"))
    if not names:
        warn("indicators", " ".join(targets + units + reached))
        return []
    found = []
    for index, name in enumerate(names):
        target = _number_at(targets, index, "target", warn)
        value = _number_at(reached, index, "reached", warn)
        values = ()
        if value is not None and year is None:
            warn("year", f"{name} : {reached[index]}")
        elif value is not None:
            values = (Measure(date(year, 12, 31), value),)
        unit = units[index] if index < len(units) else None
        found.append(Indicator(name, unit, target, values))
    return found


def _number_at(cells: list[str], index: int, field: str, warn: _Warner) -> float | None:
    if index >= len(cells) or fold(cells[index]) in _NONE_WORDS:
        return None
    number = read_number(cells[index].removesuffix("%").strip())
    if number is None:
        warn(field, cells[index])
    return number


def _budget(record: dict[str, str], year: int | None, warn: _Warner) -> tuple:
    funding = record.get("funding", "").strip() or None
    kind = None
    if cell := record.get("budget_kind", "").strip():
        kind = next((k for k in BUDGET_KINDS if fold(cell) == k), None)
        if kind is None:
            warn("budget_kind", cell)
    found = []
    for column, column_kind in (
        ("budget", kind),
        ("budget_ordinary", ORDINARY),
        ("budget_extraordinary", EXTRAORDINARY),
        ("amount", kind),
    ):
        found += _each(
            _lines(record.get(column, "")),
            lambda text, k=column_kind: read_budget_line(text, year, k, funding),
            "amount" if column == "amount" else "budget",
            warn,
            none_words=True,
        )
    return tuple(found)
