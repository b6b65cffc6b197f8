"""The header row of a PST sheet: which column holds what, under the names DGs give them.

    >>> header = find_header([(1, ["PST 2019-2024"]), (2, ["N°", "Intitulé", "Pil. Adm"])])
    Traceback (most recent call last):
    ...
    storage.importing.model.MissingHeader: Ligne 2 : colonne obligatoire « deadline » ...
    >>> header = find_header([(3, ["N°", "Intitulé", "Indicateurs", "Pil. Adm", "Échéance"])])
    >>> header.line, header.flat, header.columns["label"], header.columns["pilots"]
    (3, False, 0, 3)

Names are compared by `header_key`: case, accents, punctuation, "(s)", a plural "s" and small
words (de, l', d'...) do not matter, so "Pilote(s)", "pilotes" and "PILOTE" are one name.
iA.PST prefixes its export's headers with the level they describe: "A. Titre" is the action's
title, "O.O. Titre" the operational objective's, "O.S. Référence" the strategic objective's
number (`PREFIXES`). Indicators are optional: many plans have no such column.

Two layouts are read (see `sheets.py`):
- flat: an O.S. and an O.O. column, one action per row ("OS", "OO", "N°", "Intitulé"...);
- outline: one column of labels, rows "O.S.1", "O.O.1.1" then the actions ("N°" or an
  unnamed first column, "Intitulé", "Indicateurs", "Pil. Adm", "Échéance"), as in the
  recap table of a PST document.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storage.importing.fields_cells import FIELD_HEADERS
from storage.importing.fields_row import FIELD_COLUMNS
from storage.importing.messages import MESSAGES
from storage.importing.model import ImportFormatError, MissingHeader
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
        "Gestionnaire(s)",
    ),
    "deadline": (
        "deadline",
        "Échéance",
        "Date d'échéance",
        "Échéancier",
        "Délai",
        "Calendrier",
        "Date de fin prévue",
        "planned_end_date",
    ),
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
    # An action's fields (fields_cells.py says what their cells hold).
    "indicator_fields": (
        FIELD_HEADERS["indicators"],
        "Indicateurs (cibles et valeurs)",
        "Cibles et valeurs",
    ),
    "target": ("Valeur cible", "Cible", "Valeur attendue", "Objectif chiffré"),
    "unit": ("Unité", "Unité de mesure"),
    "reached": ("Valeur atteinte", "Valeur réalisée"),
    "year": ("Année", "Exercice"),
    "budget": (FIELD_HEADERS["budget"], "Budget(s)", "Budget prévu", "Lignes budgétaires"),
    "budget_ordinary": ("Budget ordinaire",),
    "budget_extraordinary": ("Budget extraordinaire",),
    "budget_kind": ("Budget ordinaire/extraordinaire", "Type de budget"),
    "amount": ("Montant", "Montant (€)", "Montant prévu"),
    "funding": ("Financement", "Source de financement", "Sources de financement"),
    "odd": (FIELD_HEADERS["odd"], "ODD", "Objectifs de développement durable"),
    "mandataries": (
        FIELD_HEADERS["mandataries"],
        "Mandataire(s)",
        "Mandataire responsable",
        "Échevin",
        "Échevin(s) responsable(s)",
        "Responsable politique",
    ),
    "decisions": (
        FIELD_HEADERS["decisions"],
        "Décision(s)",
        "Décisions du Collège et du Conseil",
        "Points iA.Delib",
    ),
    "college": ("Collège", "Décision du Collège", "Collège communal"),
    "conseil": ("Conseil", "Décision du Conseil", "Conseil communal"),
    "synergies": (
        FIELD_HEADERS["synergies"],
        "Synergie(s)",
        "Synergie CPAS/commune",
        "Synergie commune/CPAS",
        "Synergie Ville/CPAS",
    ),
    "os_title": ("os_title", "Intitulé OS", "Titre OS", "Intitulé de l'OS", "Objectif stratégique"),
    "oo_title": (
        "oo_title",
        "Intitulé OO",
        "Titre OO",
        "Intitulé de l'OO",
        "Objectif opérationnel",
    ),
}
#: iA.PST's header prefixes -> what the rest of the header names at that level ("O.O. Titre"
#: is the O.O.'s title); an action's headers ("A. Titre", "A. Échéance") are the usual ones.
PREFIXES = {
    "a": {},
    "o_o": {"title": "oo_title", "action": "oo"},
    "o_s": {"title": "os_title", "action": "os"},
}
#: How a column is named to users in a refusal.
SHOWN = {
    "os": "O.S.",
    "oo": "O.O.",
    "action": "N° d'action",
    "title": "Intitulé",
    "pilots": "Pilote(s)",
    "deadline": "Échéance",
}
#: Columns the bot's own table writes (reports/labels.py) that are the bot's, not the plan's:
#: a re-import passes over them without a warning (the health and the time of the last
#: update come from the history, lateness from the deadline).
OWN_COLUMNS = ("Santé", "Dernière mise à jour", "En retard", "Retard")
#: Headers of the bot's own summary sheet (« Synthèse »), a sheet with no actions to read.
SUMMARY_COLUMNS = ("Total", "% réalisées", "Avancement moyen (%)")
#: What an action row needs, in either layout.
ACTION_COLUMNS = ("action", "title", "pilots", "deadline")
#: The header is looked for in the first rows that hold something (a title block above it).
HEADER_SEARCH_ROWS = 30

#: The columns of an action's fields: they do not make a row a header on their own.
_FIELD_NAMES = frozenset(
    {"year", "funding"} | {name for names in FIELD_COLUMNS.values() for name in names}
)

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
    """Header key -> the columns it may name, in the order of COLUMNS; with iA.PST's
    prefixes ("a_titre", "o_o_titre") too."""
    candidates: dict[str, tuple[str, ...]] = {}
    for name, aliases in COLUMNS.items():
        for key in {header_key(alias) for alias in aliases}:
            candidates[key] = (*candidates.get(key, ()), name)
    for prefix, renamed in PREFIXES.items():
        for key, names in list(candidates.items()):
            if "_" in key and key.split("_")[0] in ("a", "o"):
                continue  # a key already prefixed
            if renamed:
                names = tuple(renamed[n] for n in names if n in renamed)
            if names:
                candidates.setdefault(f"{prefix}_{key}", names)
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
    #: Cells the sheet gives once rather than on each row: the O.S. of a sheet per O.S.
    given: dict[str, str] = field(default_factory=dict)

    @property
    def flat(self) -> bool:
        return ("os" in self.columns or "os" in self.given) and "oo" in self.columns

    @property
    def plan_columns(self) -> int:
        """How many columns say the plan itself (an action's fields left out)."""
        return sum(1 for name in self.columns if name not in _FIELD_NAMES)

    def missing(self) -> list[str]:
        """The columns this header lacks for the layout it is closest to, in order."""
        if self.flat:
            has_actions = any(name in self.columns for name in ACTION_COLUMNS)
            needed = ACTION_COLUMNS if has_actions else ()
            if ("action" in self.columns) != ("title" in self.columns):
                # "A.7 - titre" in one cell, under « Action » or « A. Titre »
                needed = tuple(n for n in needed if n not in ("action", "title"))
        elif "os" in self.columns or "oo" in self.columns:
            needed = ("os", "oo", *ACTION_COLUMNS)
        else:
            needed = ("label", *ACTION_COLUMNS[1:])
            if "label" in self.columns and "title" not in self.columns:
                needed = tuple(n for n in needed if n != "title")
        return [n for n in needed if n not in self.columns and n not in self.given]

    def record(self, cells: Sequence[str]) -> dict[str, str]:
        """The row's cells by column name; "" for a column the row is too short for."""
        record = {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in self.columns.items()
        }
        for name, value in self.given.items():
            record[name] = record.get(name) or value
        return record


def read_header(line: int, cells: Sequence[str], given: dict | None = None) -> Header:
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
        elif "title" in columns and columns["title"] == 0:
            columns["label"] = 0  # "A.7 - titre", "O.S.1 - titre" in one first column
    header = Header(line, columns, unknown)
    if given and "os" not in columns:
        header.given = dict(given)
    return header


def find_header(rows: Sequence[tuple[int, Sequence[str]]], given: dict | None = None) -> Header:
    """The first row with every column its layout needs, among the first rows of the sheet.

    With none, the row naming the most columns is taken as the header, and the first column
    it lacks is named in the refusal. `given` holds what the sheet says once (its O.S.).
    """
    best: Header | None = None
    for line, cells in rows[:HEADER_SEARCH_ROWS]:
        header = read_header(line, cells, given)
        if header.plan_columns >= 2 and not header.missing():
            return header
        if best is None or header.plan_columns > best.plan_columns:
            best = header
    if best is None:
        raise ImportFormatError(MESSAGES["empty_file"])
    if best.plan_columns < 2:
        raise MissingHeader(MESSAGES["no_header"].format(rows=HEADER_SEARCH_ROWS))
    name = best.missing()[0].replace("label", "action")
    aliases = ", ".join(COLUMNS[name])
    shown = f"{name} ({SHOWN[name]})" if name in ("os", "oo") else name
    raise MissingHeader(MESSAGES["missing_column"].format(column=shown, aliases=aliases), best.line)
