"""The recap table of a PST document ("Tableau récapitulatif"), and the bundled example.

One row per line, cells separated by tabs, as in the bundled example:

    <b>O.S.1</b>	<b>Etre un CPAS qui ...</b>	<b><u>VOLET EXTERNE</u></b>
    <b>O.O.1.1</b>	<b>Améliorer l'accès ...</b>
    Action 1	Acquisition d'un bâtiment ...	Réalisation des travaux	LM/MR/MA C/DB	2021-2024

    >>> len(load_example().actions)
    127

A .txt or .md file is read by `read_text`: as such a recap when one of its lines starts with
an O.S., O.O. or "Action n" label; as the bot's own Markdown table (`markdown.py`) when it
has "## OS n" headings and pipe tables; else as a table saved as text by a spreadsheet
(Excel's « Texte Unicode »: tab-separated, UTF-16; or "|"-separated), which `parse_csv`
reads under its header row.
"""

import re
from importlib import resources
from importlib.resources.abc import Traversable

from storage.importing.delimited import decode, parse_csv
from storage.importing.headers import Header
from storage.importing.labels import read_action_code, read_oo, read_os
from storage.importing.markdown import is_markdown_table, parse_markdown
from storage.importing.messages import MESSAGES
from storage.importing.model import (
    MAX_ROWS,
    ImportFormatError,
    ParsedPST,
    PlanBuilder,
    without_bidi,
)
from storage.importing.sheets import read_outline

EXAMPLE_PATH: Traversable = resources.files("storage") / "data" / "pst-cpas-frameries-2019-2024.md"

_MARKUP = re.compile(r"</?[bu]>", re.IGNORECASE)
#: The recap's columns: label, title, indicators (the volet on an O.S. row), pilots, deadline.
_COLUMNS = Header(
    line=0, columns={"label": 0, "title": 1, "indicators": 2, "pilots": 3, "deadline": 4}
)


def parse_recap(text: str) -> ParsedPST:
    """Parse the tab-separated recap table of a PST document.

    Lines before the first O.S., O.O. or "Action n" row (titles, column headers, markdown)
    are skipped; after it, every line that is not blank must be one of those rows (or an
    action code such as "1.1.1"): the text format has no notes or totals to skip.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > MAX_ROWS:
        raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
    rows = _rows(lines)
    start = next((i for i, (_, cells) in enumerate(rows) if _starts_table(cells[0])), len(rows))
    builder = PlanBuilder()
    read_outline(rows[start:], _COLUMNS, builder, strict=True)
    return builder.result()


def read_text(data: bytes) -> ParsedPST:
    """A .txt or .md file's bytes, in any encoding `decode` reads: a PST document's recap, or
    a table a spreadsheet saved as tab-separated text.

    >>> rows = [["OS", "OO", "N°", "Intitulé", "Indicateurs", "Pilote", "Échéance"],
    ...         ["1", "1.1", "1", "École", "", "LM", "2021"]]
    >>> text = "\\n".join("\\t".join(row) for row in rows)   # Excel's « Texte Unicode »
    >>> read_text(text.encode("utf-16")).actions[0].title
    'École'
    """
    text, guessed = decode(data)
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > MAX_ROWS:
        raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
    if any(_starts_table(cells[0]) for _, cells in _rows(lines)):
        parsed = parse_recap(text)
    elif is_markdown_table(lines):
        parsed = parse_markdown(text)
    else:
        parsed = parse_csv(text)  # tab, "|" or ";" as the text's lines show
    if guessed:
        parsed.warnings.append(MESSAGES["text_not_utf8"])
    return parsed


def _rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    """The lines that hold something, as (line number, cells without markup)."""
    rows = [
        (number, [without_bidi(_MARKUP.sub("", cell)).strip() for cell in line.split("\t")])
        for number, line in enumerate(lines, start=1)
    ]
    return [(number, cells) for number, cells in rows if any(cells)]


def _starts_table(label: str) -> bool:
    if read_os(label, prefixed=True) or read_oo(label, prefixed=True):
        return True
    return label.casefold().startswith("action") and read_action_code(label) is not None


def load_example() -> ParsedPST:
    """The PST 2019-2024 of the CPAS de Frameries, bundled with the bot as an example."""
    return parse_recap(EXAMPLE_PATH.read_text(encoding="utf-8"))
