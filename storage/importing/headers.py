"""The header row of a PST sheet: which column holds what, under the names DGs give them.

    >>> header = find_header([(1, ["PST 2019-2024"]), (2, ["N°", "Intitulé", "Pil. Adm"])])
    Traceback (most recent call last):
    ...
    storage.importing.model.ImportFormatError: Ligne 2 : colonne obligatoire « indicators » ...
    >>> header = find_header([(3, ["N°", "Intitulé", "Indicateurs", "Pil. Adm", "Échéance"])])
    >>> header.line, header.flat, header.columns["label"], header.columns["pilots"]
    (3, False, 0, 3)

Names are compared by `header_key`: case, accents, punctuation, "(s)", a plural "s" and small
words (de, l', d'...) do not matter, so "Pilote(s)", "pilotes" and "PILOTE" are one name.

Two layouts are read (see `sheets.py`):
- flat: an O.S. and an O.O. column, one action per row ("OS", "OO", "N°", "Intitulé"...);
- outline: one column of labels, rows "O.S.1", "O.O.1.1" then the actions ("N°" or an
  unnamed first column, "Intitulé", "Indicateurs", "Pil. Adm", "Échéance"), as in the
  recap table of a PST document.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storage.importing.messages import MESSAGES
from storage.importing.model import ImportFormatError
from storage.vocabulary import fold

#: Column -> the headers it goes by. A header listed under two columns (e.g. "Action", a
#: number beside "Intitulé", a title beside "N°") goes to the first one still free.
COLUMNS = {
    "os": ("os", "O.S.", "N° OS", "Objectif stratégique", "Axe stratégique"),
    "oo": ("oo", "O.O.", "N° OO", "Objectif opérationnel"),
    "action": (
        "action",
        "N°",
        "Num",
        "Numéro",
        "N° action",
        "Numéro d'action",
        "Action n°",
        "Code",
        "Code action",
        "Réf.",
        "Référence",
    ),
    "title": (
        "title",
        "Intitulé",
        "Intitulé de l'action",
        "Titre",
        "Titre de l'action",
        "Libellé",
        "Libellé de l'action",
        "Action",
    ),
    "indicators": (
        "indicators",
        "Indicateur(s)",
        "Indicateur de suivi",
        "Indicateur de réalisation",
        "Indicateur de résultat",
    ),
    "pilots": (
        "pilots",
        "Pilote(s)",
        "Pil. Adm",
        "Pilote administratif",
        "Pilote adm",
        "Responsable(s)",
        "Porteur",
        "Porteur de projet",
        "Service pilote",
    ),
    "deadline": ("deadline", "Échéance", "Date d'échéance", "Échéancier", "Délai", "Calendrier"),
    "status": ("status", "Statut", "État", "État d'avancement", "Situation"),
    "progress": ("progress", "Avancement", "Avancement (%)", "% réalisé", "Progression"),
    "comment": (
        "comment",
        "Commentaire(s)",
        "Dernier commentaire",
        "Remarque(s)",
        "Observation(s)",
    ),
    "volet": ("volet",),
    "os_title": ("os_title", "Intitulé OS", "Titre OS", "Intitulé de l'OS", "Objectif stratégique"),
    "oo_title": (
        "oo_title",
        "Intitulé OO",
        "Titre OO",
        "Intitulé de l'OO",
        "Objectif opérationnel",
    ),
}
#: Columns the bot's own table writes (reports/labels.py) that are the bot's, not the plan's:
#: a re-import passes over them without a warning (the health and the time of the last
#: update come from the history, lateness from the deadline).
OWN_COLUMNS = ("Santé", "Dernière mise à jour", "En retard", "Retard")
#: Headers of the bot's own summary sheet (« Synthèse »), a sheet with no actions to read.
SUMMARY_COLUMNS = ("Total", "% réalisées", "Avancement moyen (%)")
#: What an action row needs, in either layout.
ACTION_COLUMNS = ("action", "title", "indicators", "pilots", "deadline")
#: The header is looked for in the first rows that hold something (a title block above it).
HEADER_SEARCH_ROWS = 30

_SMALL_WORDS = {"de", "du", "des", "d", "l", "la", "le", "les", "en"}


def header_key(text: str) -> str:
    """The form headers are compared in: "Pilote(s)" -> "pilote", "État d'avancement" ->
    "etat_avancement", "N°" -> "n"."""
    words = re.findall(r"[a-z0-9]+", fold(text).replace("(s)", ""))
    return "_".join(
        word[:-1] if len(word) > 3 and word.endswith("s") else word
        for word in words
        if word not in _SMALL_WORDS
    )


def _candidates() -> dict[str, tuple[str, ...]]:
    """Header key -> the columns it may name, in the order of COLUMNS."""
    candidates: dict[str, tuple[str, ...]] = {}
    for name, aliases in COLUMNS.items():
        for key in {header_key(alias) for alias in aliases}:
            candidates[key] = (*candidates.get(key, ()), name)
    return candidates


_CANDIDATES = _candidates()
_OWN_KEYS = frozenset(header_key(name) for name in OWN_COLUMNS)
_SUMMARY_KEYS = frozenset(header_key(name) for name in SUMMARY_COLUMNS)


def is_own_summary(rows: Sequence[tuple[int, Sequence[str]]]) -> bool:
    """A sheet headed as the bot's own summary sheet (counts per OS, no action)."""
    return any(
        {header_key(cell) for cell in cells} >= _SUMMARY_KEYS
        for _, cells in rows[:HEADER_SEARCH_ROWS]
    )


@dataclass
class Header:
    line: int
    #: Column name -> index; "label" is the outline layout's column of labels.
    columns: dict[str, int]
    unknown: list[str] = field(default_factory=list)

    @property
    def flat(self) -> bool:
        return "os" in self.columns and "oo" in self.columns

    def missing(self) -> list[str]:
        """The columns this header lacks for the layout it is closest to, in order."""
        if self.flat:
            has_actions = any(name in self.columns for name in ACTION_COLUMNS)
            needed = ACTION_COLUMNS if has_actions else ()
        elif "os" in self.columns or "oo" in self.columns:
            needed = ("os", "oo", *ACTION_COLUMNS)
        else:
            needed = ("label", *ACTION_COLUMNS[1:])
        return [name for name in needed if name not in self.columns]

    def record(self, cells: Sequence[str]) -> dict[str, str]:
        """The row's cells by column name; "" for a column the row is too short for."""
        return {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in self.columns.items()
        }


def read_header(line: int, cells: Sequence[str]) -> Header:
    """Name the columns of one row: unambiguous headers first, then the shared ones."""
    columns: dict[str, int] = {}
    keys = [header_key(cell) for cell in cells]
    for single in (True, False):
        for index, key in enumerate(keys):
            candidates = _CANDIDATES.get(key, ())
            if candidates and (len(candidates) == 1) == single:
                free = next((name for name in candidates if name not in columns), None)
                if free is not None:
                    columns[free] = index
    taken = set(columns.values())
    unknown = [
        cell.strip()
        for i, cell in enumerate(cells)
        if i not in taken and cell.strip() and keys[i] not in _OWN_KEYS
    ]
    if "os" not in columns and "oo" not in columns:
        # The outline's labels: the action column, or a first column left without a name.
        if "action" in columns:
            columns["label"] = columns.pop("action")
        elif cells and not cells[0].strip():
            columns["label"] = 0
    return Header(line, columns, unknown)


def find_header(rows: Sequence[tuple[int, Sequence[str]]]) -> Header:
    """The first row with every column its layout needs, among the first rows of the sheet.

    With none, the row naming the most columns is taken as the header, and the first column
    it lacks is named in the refusal.
    """
    best: Header | None = None
    for line, cells in rows[:HEADER_SEARCH_ROWS]:
        header = read_header(line, cells)
        if len(header.columns) >= 2 and not header.missing():
            return header
        if best is None or len(header.columns) > len(best.columns):
            best = header
    if best is None:
        raise ImportFormatError(MESSAGES["empty_file"])
    if len(best.columns) < 2:
        raise ImportFormatError(MESSAGES["no_header"].format(rows=HEADER_SEARCH_ROWS))
    name = best.missing()[0].replace("label", "action")
    aliases = ", ".join(COLUMNS[name])
    raise ImportFormatError(
        MESSAGES["missing_column"].format(column=name, aliases=aliases), best.line
    )
