"""The recap table of a PST document ("Tableau récapitulatif"), and the bundled example.

One row per line, cells separated by tabs, as in the bundled example:

    <b>O.S.1</b>	<b>Etre un CPAS qui ...</b>	<b><u>VOLET EXTERNE</u></b>
    <b>O.O.1.1</b>	<b>Améliorer l'accès ...</b>
    Action 1	Acquisition d'un bâtiment ...	Réalisation des travaux	LM/MR/MA C/DB	2021-2024

    >>> len(load_example().actions)
    127
"""

import re
from importlib import resources
from importlib.resources.abc import Traversable

from storage.importing.model import (
    MAX_ROWS,
    MESSAGES,
    ImportFormatError,
    ParsedPST,
    PlanBuilder,
    read_volet,
)

EXAMPLE_PATH: Traversable = resources.files("storage") / "data" / "pst-cpas-frameries-2019-2024.md"

_MARKUP = re.compile(r"</?[bu]>", re.IGNORECASE)
_OS_LABEL = re.compile(r"^O\.?\s*S\.?\s*(\d{1,6})$", re.IGNORECASE)
_OO_LABEL = re.compile(r"^O\.?\s*O\.?\s*(\d{1,6})\s*\.\s*(\d{1,6})$", re.IGNORECASE)
#: "Action 29", "Action 1.1.1", "Action A.2.3".
_ACTION_LABEL = re.compile(
    r"^Action\s*n?°?\s*([0-9A-Za-z]{1,6}(?:\.[0-9A-Za-z]{1,6}){0,4})$", re.IGNORECASE
)


def parse_recap(text: str) -> ParsedPST:
    """Parse the tab-separated recap table of a PST document.

    Lines before the first O.S. row (titles, column headers, markdown) are skipped.
    """
    builder = PlanBuilder()
    started = False
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > MAX_ROWS:
        raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
    for line_number, line in enumerate(lines, start=1):
        cells = [_MARKUP.sub("", cell).strip() for cell in line.split("\t")]
        cells += [""] * (5 - len(cells))
        label = cells[0]
        if not any(cells):
            continue
        if match := _OS_LABEL.match(label):
            started = True
            if not cells[1]:
                raise ImportFormatError(MESSAGES["no_title"].format(label=label), line_number)
            volet = read_volet(cells[2], line_number, builder.warnings)
            builder.add_objective(int(match[1]), cells[1], volet, line_number)
        elif match := _OO_LABEL.match(label):
            started = True
            if not cells[1]:
                raise ImportFormatError(MESSAGES["no_title"].format(label=label), line_number)
            builder.add_operational(int(match[1]), int(match[2]), cells[1], label, line_number)
        elif match := _ACTION_LABEL.match(label):
            started = True
            if not cells[1]:
                raise ImportFormatError(MESSAGES["no_title"].format(label=label), line_number)
            builder.add_action(
                code=match[1],
                title=cells[1],
                indicators=cells[2],
                pilots=cells[3],
                deadline=cells[4],
                line=line_number,
                label=label,
            )
        elif started:
            shown = " ".join(c for c in cells if c)[:60]
            raise ImportFormatError(MESSAGES["unknown_row"].format(text=shown), line_number)
    return builder.result()


def load_example() -> ParsedPST:
    """The PST 2019-2024 of the CPAS de Frameries, bundled with the bot as an example."""
    return parse_recap(EXAMPLE_PATH.read_text(encoding="utf-8"))
