"""The cells of an action's fields (storage/plan_fields.py), read from a file and written by
the exports: one grammar per field, the same both ways, so an exported plan imports back.

    >>> indicator = read_indicator("dossiers traités : 12 dossiers (atteint 4 le 03/11/2026)")
    >>> indicator.target, indicator.unit, indicator.values[0].value
    (12.0, 'dossiers', 4.0)
    >>> format_indicators((indicator,))
    'dossiers traités : 12 dossiers (atteint 4 le 03/11/2026)'
    >>> format_budget((BudgetLine(2026, 15000, "ordinaire", "SPW"),))
    '2026 : 15 000 € ordinaire (SPW)'

The grammar, one item per line of the cell (ODD, mandataires and synergies also separated by
« , » or « ; »):

- indicator: NAME [« : » [TARGET] [UNIT]] [« (atteint » VALUE « le » DAY {« ; » VALUE « le »
  DAY} « ) »] — « dossiers traités : 12 dossiers (atteint 4 le 03/11/2026 ; 9 le 01/12/2026) »;
  the name ends at the first « : »;
- budget line: [YEAR « : »] AMOUNT [« € »] [« ordinaire » | « extraordinaire »] [« ( » FUNDING
  « ) »] — « 2026 : 15 000 € extraordinaire (SPW) »; ordinaire when not said; the year may come
  from an « Année » column instead;
- ODD: numbers 1 to 17, « ODD » before them or not — « 3, 11 », « ODD 3 ; ODD 11 »; « Sans ODD »
  is none;
- mandataire: a name — « Échevin Dupont ; Mme Martin »;
- decision: BODY DAY [« point » POINT] [URL] — « Conseil 24/03/2027 point 12 https://… »;
  « Collège » and « Conseil » are the usual bodies, any other is kept as written; a « Collège »
  or « Conseil » column gives the body to its lines;
- synergy: PLAN [« : » CODE] or « oui » — « commune:5.1.4 », « cpas », « oui » (with the other
  institution, no plan named); « non » is none.

Numbers are written the French way (« 15 000 », « 12,5 »; « 1.500 » is fifteen hundred, as in
Belgian amounts), days DD/MM/YYYY (or YYYY-MM-DD). An item not understood is never guessed:
`fields_row.read_fields`, which reads a row's cells, leaves it out and says so, with the line
and the cell, in the warnings.
"""

import re
from datetime import date

from storage.plan_fields import (
    EXTRAORDINARY,
    ODD_NUMBERS,
    ORDINARY,
    ActionFields,
    BudgetLine,
    Decision,
    Indicator,
    Measure,
    Synergy,
)
from storage.vocabulary import fold

#: The fields, in the order the exports write their columns.
FIELDS = ("indicators", "budget", "odd", "mandataries", "decisions", "synergies")
#: The header each field is exported under (reports/labels.py), the first name the import
#: knows it by (headers.py).
FIELD_HEADERS = {
    "indicators": "Indicateurs chiffrés",
    "budget": "Budget",
    "odd": "ODD",
    "mandataries": "Mandataires",
    "decisions": "Décisions",
    "synergies": "Synergies",
}
#: Bodies that take decisions, as stored -> as printed.
BODIES = {"college": "Collège", "conseil": "Conseil"}
_BODY_WORDS = {
    "college": "college",
    "college communal": "college",
    "conseil": "conseil",
    "conseil communal": "conseil",
    "conseil de l'action sociale": "conseil",
}

_NUMBER = r"-?(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"
_DAY = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
_GOAL = re.compile(rf"^(?P<target>{_NUMBER})?\s*(?P<unit>.*?)$")
_MEASURE = re.compile(rf"^(?P<value>{_NUMBER})\s+(?:le\s+(?P<day>{_DAY})|en\s+(?P<year>\d{{4}}))$")
_BUDGET = re.compile(
    rf"^(?:(?P<year>\d{{4}})\s*:\s*)?(?P<amount>{_NUMBER})\s*(?:€|eur(?:os?)?\b)?\s*"
    r"(?P<kind>extraordinaire|ordinaire|extra\.?|ord\.?)?\s*(?:\((?P<funding>.*)\))?$",
    re.IGNORECASE,
)
_DECISION_DAY = re.compile(rf"(?<!\d)({_DAY})(?!\d)")
_DECISION_REST = re.compile(
    r"^(?:point\s*(?:n°\s*)?(?P<point>[^\s,;]+)[,;]?)?\s*(?P<url>https?://\S+)?$", re.IGNORECASE
)
_SYNERGY = re.compile(r"^(?P<plan>[a-z0-9][a-z0-9-]{0,39})(?:\s*:\s*|\s+)?(?P<code>\S+)?$")


# ---------------------------------------------------------------- numbers and days


def format_amount(value: float) -> str:
    """15000.0 -> "15 000", 12.5 -> "12,5", -3 -> "-3": what `read_number` reads back."""
    text = repr(float(value))
    if "e" in text:
        text = f"{value:.15f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = f"{int(digits):,}".replace(",", " ")
    decimals = decimals.rstrip("0")
    return f"{sign}{grouped}{',' + decimals if decimals else ''}"


#: No indicator nor budget reaches a million billion: a longer number is a damaged cell.
LARGEST = 1e15


def read_number(text: str) -> float | None:
    """ "15 000" -> 15000.0, "12,5" -> 12.5, "1.500" -> 1500.0; None for anything else."""
    text = text.strip()
    if not re.fullmatch(_NUMBER, text):
        return None
    if re.fullmatch(r"-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?", text):
        text = re.sub(r"[ \u00a0\u202f.]", "", text)
    number = float(text.replace(",", "."))
    return number if abs(number) < LARGEST else None  # thousands of digits: no amount


def format_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def read_day(text: str) -> date | None:
    """ "03/11/2026" or "2026-11-03" -> the day; None when it is no day."""
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


#: Between two items written on one line (the Markdown table, whose cells are one line): read
#: as a line break.
ONE_LINE = " • "


def read_year(text: str) -> int | None:
    """ "2026" -> 2026; None for what is no year of a plan (« 0000 », « 26 »)."""
    return int(text) if re.fullmatch(r"(?:19|20|21)\d\d", text.strip()) else None


# ---------------------------------------------------------------- one rule per field


def read_indicator(line: str) -> Indicator | None:
    """One line of an indicators cell (grammar above); None when it is not understood."""
    rest, values = line.strip(), ()
    opened = _fold_in_place(rest).rfind("(atteint")
    if opened >= 0:
        if not rest.endswith(")"):
            return None
        measures = [_measure(part) for part in rest[opened + 9 : -1].split(";")]
        if not measures or None in measures:
            return None
        rest, values = rest[:opened].strip(), tuple(measures)
    name, colon, goal = rest.partition(":")
    name = name.strip()
    if not name:
        return None
    target, unit = None, None
    if colon and goal.strip():
        found = _GOAL.match(goal.strip())
        if found["target"]:
            target = read_number(found["target"])
            if target is None:
                return None
        unit = found["unit"].strip() or None
    return Indicator(name, unit, target, values)


def _fold_in_place(text: str) -> str:
    """`fold` letter by letter, each letter kept one letter long (« ß » -> « s », spaces
    kept), so that a position found in it is the same in `text`."""
    return "".join(fold(letter)[:1] or letter for letter in text)


def _measure(text: str) -> Measure | None:
    found = _MEASURE.match(text.strip())
    if not found:
        return None
    year = read_year(found["year"]) if found["year"] else None
    day = read_day(found["day"]) if found["day"] else year and date(year, 12, 31)
    value = read_number(found["value"])
    return Measure(day, value) if day and value is not None else None


def format_indicators(indicators) -> str:
    return "\n".join(_format_indicator(indicator) for indicator in indicators)


def _format_indicator(indicator: Indicator) -> str:
    goal = " ".join(
        part
        for part in (
            format_amount(indicator.target) if indicator.target is not None else "",
            indicator.unit or "",
        )
        if part
    )
    text = f"{indicator.name} : {goal}" if goal else indicator.name
    if indicator.values:
        said = " ; ".join(
            f"{format_amount(m.value)} le {format_day(m.day)}" for m in indicator.values
        )
        text += f" (atteint {said})"
    return text


def read_budget_line(
    line: str, year: int | None = None, kind: str | None = None, funding: str | None = None
) -> BudgetLine | None:
    """One line of a budget cell; `year`, `kind` and `funding` from columns of their own
    fill what the line does not say."""
    found = _BUDGET.match(line.strip())
    if not found:
        return None
    said_year = read_year(found["year"]) if found["year"] else year
    amount = read_number(found["amount"])
    if said_year is None or amount is None:
        return None
    said_kind = fold(found["kind"] or "")
    if said_kind:
        kind = EXTRAORDINARY if said_kind.startswith("extra") else ORDINARY
    said_funding = (found["funding"] or "").strip() or funding
    return BudgetLine(said_year, amount, kind or ORDINARY, said_funding)


def format_budget(lines) -> str:
    return "\n".join(
        f"{line.year} : {format_amount(line.amount)} € {line.kind}"
        + (f" ({line.funding})" if line.funding else "")
        for line in lines
    )


def read_odd(item: str) -> int | None:
    """ "11", "ODD 11", "odd n° 3" -> the number; None when it is not one of the 17."""
    found = re.fullmatch(r"(?:odd\s*)?(?:n°\s*)?(\d{1,2})", fold(item))
    number = int(found[1]) if found else None
    return number if number in ODD_NUMBERS else None


def format_odd(numbers) -> str:
    return ", ".join(str(number) for number in numbers)


def format_mandataries(names) -> str:
    return ", ".join(names)


def read_decision(line: str, body: str | None = None) -> Decision | None:
    """One line of a decisions cell; `body` is the column's («Collège», «Conseil»)."""
    found = _DECISION_DAY.search(line)
    if not found:
        return None
    day = read_day(found[1])
    said = line[: found.start()].strip().rstrip(":,").strip()
    said = re.sub(r"(?:^|\s+)(?:du|le)$", "", said, flags=re.IGNORECASE).strip()
    rest = _DECISION_REST.match(line[found.end() :].strip())
    if day is None or rest is None:
        return None
    if said:
        body = _BODY_WORDS.get(fold(said), said)
    if not body:
        return None
    return Decision(body, day, rest["point"], rest["url"])


def format_decisions(decisions) -> str:
    return "\n".join(
        " ".join(
            part
            for part in (
                BODIES.get(d.body, d.body),
                format_day(d.day),
                f"point {d.point}" if d.point else "",
                d.url or "",
            )
            if part
        )
        for d in decisions
    )


def read_synergy(item: str) -> Synergy | None:
    """ "commune:5.1.4" -> Synergy("commune", "5.1.4"); "oui" -> Synergy("") (with the other
    institution, no plan named)."""
    text = fold(item)
    if text == "oui":
        return Synergy("")
    found = _SYNERGY.match(text)
    if not found:
        return None
    return Synergy(found["plan"], found["code"])


def format_synergies(synergies) -> str:
    return ", ".join(
        "oui"
        if not s.partner_plan
        else f"{s.partner_plan}:{s.partner_code}"
        if s.partner_code
        else s.partner_plan
        for s in synergies
    )


#: Field -> how its items are written in a cell.
FORMATS = {
    "indicators": format_indicators,
    "budget": format_budget,
    "odd": format_odd,
    "mandataries": format_mandataries,
    "decisions": format_decisions,
    "synergies": format_synergies,
}


def format_field(fields: ActionFields, name: str, separator: str = "\n") -> str:
    """The cell of field `name` ("budget"...) as the exports write it; the items of a field
    written one per line are separated by `separator` (ONE_LINE where a cell is one line)."""
    return FORMATS[name](getattr(fields, name)).replace("\n", separator)
