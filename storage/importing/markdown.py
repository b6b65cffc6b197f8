"""The bot's own table saved as Markdown (`!export md`) read back: one "## OS n – title" and
"### OO n.n – title" heading per objective, then a pipe table of its actions under the same
header row each time (Action, Intitulé, Indicateurs, Pilotes, Échéance, Statut…).

    >>> text = '''# Tableau récapitulatif du PST
    ...
    ... ## OS 1 – Une commune propre
    ...
    ... ### OO 1.1 – Réduire les déchets
    ...
    ... | Action | Intitulé | Indicateurs | Pilotes | Échéance |
    ... |---:|---|---|---|---|
    ... | 1 | Parcs à conteneurs \\\\| tri | Tonnes | JD/LM | 2026 |
    ... '''
    >>> pst = parse_markdown(text)
    >>> pst.actions[0].title, pst.actions[0].pilots, pst.objectives[0].title
    ('Parcs à conteneurs | tri', ['JD', 'LM'], 'Une commune propre')

The headings are the outline's labels (`sheets.read_outline`); the other lines (the title,
the counts, « aucune action encore » under an OO without any) are the document's, not the
plan's. Markdown's escapes (a backslash before `|`, `*`, `#`…) are undone.
"""

import re

from storage.importing.headers import find_header
from storage.importing.labels import read_oo, read_os
from storage.importing.model import ParsedPST, PlanBuilder, without_bidi
from storage.importing.sheets import read_sheet

_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.*?)\s*$")
_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_ESCAPED = re.compile(r"\\(.)")


def is_markdown_table(lines: list[str]) -> bool:
    """Text with an OS heading ("## OS 1 – title") and a pipe table: the bot's MD export."""
    headed = any(_objective_heading(line) for line in lines)
    return headed and any(line.lstrip().startswith("|") for line in lines)


def parse_markdown(text: str) -> ParsedPST:
    """The plan of the bot's Markdown table."""
    rows: list[tuple[int, list[str]]] = []
    header_cells: list[str] | None = None
    header = None
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        stripped = without_bidi(line).strip()
        if label := _objective_heading(stripped):
            rows.append((number, [label]))
        elif stripped.startswith("|"):
            cells = _cells(stripped)
            if all(_SEPARATOR.match(cell) for cell in cells if cell):
                continue
            if header_cells is None:
                header = find_header([(number, cells)])
                header.line = 0  # the headings above the first table are rows too
                header_cells = cells
            elif cells != header_cells:  # the header row repeated above each OO's table
                rows.append((number, cells))
    if header is None:
        header = find_header([(1, [])] if not rows else rows[:1])
    builder = PlanBuilder()
    read_sheet("", rows, header, builder)
    return builder.result()


def _objective_heading(line: str) -> str | None:
    """The label of an "## OS 1 – title" or "### OO 1.1 – title" heading, unescaped."""
    match = _HEADING.match(line.strip())
    if not match:
        return None
    label = _ESCAPED.sub(r"\1", match["text"])
    return label if read_os(label, prefixed=True) or read_oo(label, prefixed=True) else None


def _cells(line: str) -> list[str]:
    """The cells of a pipe table row "| a | b \\| c |", split at the pipes not escaped."""
    cells, current, escaped = [], [], False
    for character in line.strip():
        if escaped:
            current.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(character)
    cells.append("".join(current).strip())
    return cells[1:-1] if len(cells) > 2 else cells
