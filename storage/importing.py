"""Read a PST from a file into plain rows, without touching the database.

Three formats, one result (`ParsedPST`):

- the recap table of a PST document ("Tableau récapitulatif"), one row per line, cells
  separated by tabs, as in the bundled example:

      <b>O.S.1</b>	<b>Etre un CPAS qui ...</b>	<b><u>VOLET EXTERNE</u></b>
      <b>O.O.1.1</b>	<b>Améliorer l'accès ...</b>
      Action 1	Acquisition d'un bâtiment ...	Réalisation des travaux	LM/MR/MA C/DB	2021-2024

- a CSV or XLSX sheet, one action per row, with these columns (headers are case- and
  accent-insensitive; French names are accepted too):

      os, oo, action, title, indicators, pilots, deadline      required
      status, progress, comment, os_title, oo_title, volet     optional

  e.g. ``1;1.1;1;Acquisition d'un bâtiment;Réalisation des travaux;LM/MR;2021-2024``.

    >>> pst = parse_file("plan.csv")
    >>> len(pst.actions), pst.unparsed_deadlines
    (127, [])

Every problem a user can fix is raised as `ImportFormatError`, whose text names the line.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, Field

from storage.deadlines import parse_deadline
from storage.pilots import split_pilots

EXAMPLE_PATH: Traversable = resources.files("storage") / "data" / "pst-cpas-frameries-2019-2024.md"

# User-facing messages (French). "{…}" fields are filled in by the raising code.
MESSAGES = {
    "line": "Ligne {line} : {message}",
    "action_before_oo": "ligne « {label} » avant tout objectif opérationnel (O.O.).",
    "oo_before_os": "objectif opérationnel « {label} » avant tout objectif stratégique (O.S.).",
    "oo_wrong_os": (
        "l'objectif opérationnel « {label} » n'appartient pas à l'objectif stratégique "
        "en cours (O.S.{os_number})."
    ),
    "no_title": "ligne « {label} » sans intitulé.",
    "duplicate_os": "l'objectif stratégique O.S.{number} apparaît deux fois.",
    "duplicate_oo": "l'objectif opérationnel O.O.{number} apparaît deux fois.",
    "duplicate_action": "l'action {number} apparaît deux fois (déjà ligne {first_line}).",
    "unknown_row": (
        "ligne non reconnue « {text} » : on attend « O.S.n », « O.O.n.m » ou « Action n » "
        "en première cellule."
    ),
    "no_action": "Le fichier ne contient aucune action.",
    "missing_column": "colonne obligatoire « {column} » absente (en-têtes acceptés : {aliases}).",
    "empty_file": "Le fichier est vide : la première ligne doit contenir les en-têtes.",
    "bad_os": "objectif stratégique « {value} » invalide : on attend un numéro, ex. « 1 ».",
    "bad_oo": "objectif opérationnel « {value} » invalide : on attend par ex. « 1.2 ».",
    "bad_action": "numéro d'action « {value} » invalide : on attend un nombre, ex. « 12 ».",
    "bad_progress": "avancement « {value} » invalide : on attend un nombre de 0 à 100.",
    "title_mismatch": (
        "l'intitulé de {label} (« {value} ») diffère de celui donné ligne {first_line} "
        "(« {first_value} »)."
    ),
    "unreadable_xlsx": "Fichier Excel illisible : {detail}",
    "unknown_format": (
        "Format de fichier non reconnu : « {suffix} ». "
        "Formats acceptés : .csv, .xlsx, .md, .txt, .xml (eComptes)."
    ),
    "unknown_volet": "Ligne {line} : volet « {value} » non reconnu, ignoré.",
    "unknown_column": "Colonne « {column} » non reconnue, ignorée.",
    "csv_not_utf8": "Le fichier CSV n'est pas en UTF-8 ; lu comme Windows-1252.",
}


class ImportFormatError(Exception):
    """A file that cannot be imported as it is; `str(exc)` is the message for the user."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.message = message
        text = MESSAGES["line"].format(line=line, message=message) if line else message
        super().__init__(text)


class StrategicObjectiveRow(BaseModel):
    number: int
    title: str
    volet: str | None = None  # "externe" or "interne"


class OperationalObjectiveRow(BaseModel):
    os_number: int
    number: str  # "1.1"
    title: str


class ActionRow(BaseModel):
    os_number: int
    os_title: str
    volet: str | None = None
    oo_number: str
    oo_title: str
    number: int
    title: str
    indicators: str = ""
    pilots: list[str] = Field(default_factory=list)
    deadline: str = ""  # as written in the file
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None  # raw text; the store normalises it
    progress: int | None = Field(default=None, ge=0, le=100)
    comment: str | None = None
    line: int  # 1-based line (or sheet row) in the source file


class ParsedPST(BaseModel):
    objectives: list[StrategicObjectiveRow] = Field(default_factory=list)
    operational: list[OperationalObjectiveRow] = Field(default_factory=list)
    actions: list[ActionRow] = Field(default_factory=list)
    unparsed_deadlines: list[tuple[int, str]] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


# --- Recap table (.md / .txt) -------------------------------------------------------------

_MARKUP = re.compile(r"</?[bu]>", re.IGNORECASE)
_OS_LABEL = re.compile(r"^O\.?\s*S\.?\s*(\d+)$", re.IGNORECASE)
_OO_LABEL = re.compile(r"^O\.?\s*O\.?\s*(\d+)\s*\.\s*(\d+)$", re.IGNORECASE)
_ACTION_LABEL = re.compile(r"^Action\s*(\d+)$", re.IGNORECASE)


def parse_recap(text: str) -> ParsedPST:
    """Parse the tab-separated recap table of a PST document.

    Lines before the first O.S. row (titles, column headers, markdown) are skipped.
    """
    builder = _Builder()
    started = False
    for line_number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        cells = [_MARKUP.sub("", cell).strip() for cell in line.split("\t")]
        cells += [""] * (5 - len(cells))
        label = cells[0]
        if not any(cells):
            continue
        if match := _OS_LABEL.match(label):
            started = True
            if not cells[1]:
                raise ImportFormatError(MESSAGES["no_title"].format(label=label), line_number)
            volet = _volet(cells[2], line_number, builder.warnings)
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
                number=int(match[1]),
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


def _volet(cell: str, line: int, warnings: list[str]) -> str | None:
    normalised = _fold(cell)
    if not normalised or normalised == "-":
        return None
    if "extern" in normalised:
        return "externe"
    if "intern" in normalised:
        return "interne"
    warnings.append(MESSAGES["unknown_volet"].format(line=line, value=cell))
    return None


# --- CSV / XLSX sheets --------------------------------------------------------------------

# Canonical column name -> accepted headers, already folded (lowercase, no accents, "_").
COLUMNS = {
    "os": ("os", "o_s", "objectif_strategique"),
    "oo": ("oo", "o_o", "objectif_operationnel"),
    "action": ("action", "numero", "numero_action"),
    "title": ("title", "intitule", "titre"),
    "indicators": ("indicators", "indicateurs", "indicateur"),
    "pilots": ("pilots", "pilotes", "pilote", "pil_adm"),
    "deadline": ("deadline", "echeance"),
    "status": ("status", "statut", "etat"),
    "progress": ("progress", "avancement", "progression"),
    "comment": ("comment", "commentaire", "commentaires"),
    "volet": ("volet",),
    "os_title": ("os_title", "intitule_os", "titre_os"),
    "oo_title": ("oo_title", "intitule_oo", "titre_oo"),
}
REQUIRED_COLUMNS = ("os", "oo", "action", "title", "indicators", "pilots", "deadline")

_OS_NUMBER = re.compile(r"^(?:O\.?\s*S\.?)?\s*(\d+)$", re.IGNORECASE)
_ACTION_NUMBER = re.compile(r"^(?:Action)?\s*(\d+)$", re.IGNORECASE)
_OO_NUMBER = re.compile(r"^(?:O\.?\s*O\.?)?\s*(?:(\d+)\s*\.\s*)?(\d+)$", re.IGNORECASE)
_PROGRESS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%?$")


def parse_csv(text: str) -> ParsedPST:
    """Parse a CSV export: UTF-8, "," or ";" as delimiter, a header row first."""
    text = text.lstrip("\ufeff")
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    for cells in reader:
        rows.append((line, cells))
        line = reader.line_num + 1  # a quoted cell may span several lines
    return _parse_sheet(rows)


def parse_xlsx(data: bytes) -> ParsedPST:
    """Parse the first sheet of an Excel workbook; line numbers are sheet row numbers."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportFormatError(MESSAGES["unreadable_xlsx"].format(detail=exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [
            (index, [_cell_text(cell) for cell in row])
            for index, row in enumerate(sheet.iter_rows(min_row=1), start=1)
        ]
    finally:
        workbook.close()
    return _parse_sheet(rows)


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if "%" in (getattr(cell, "number_format", None) or ""):
            value *= 100  # a "40 %" cell holds 0.4
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _parse_sheet(rows: Iterable[tuple[int, list[str]]]) -> ParsedPST:
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise ImportFormatError(MESSAGES["empty_file"])
    header_line, header = rows[0]
    columns, unknown = _columns(header, header_line)
    builder = _Builder()
    builder.warnings += [MESSAGES["unknown_column"].format(column=c) for c in unknown]
    for line, cells in rows[1:]:
        record = {name: _get(cells, index) for name, index in columns.items()}
        os_number = _os_number(record["os"], line)
        oo_os, oo_index = _oo_number(record["oo"], os_number, line)
        oo_label = f"O.O.{oo_os}.{oo_index}"
        if oo_os != os_number:
            raise ImportFormatError(
                MESSAGES["oo_wrong_os"].format(label=oo_label, os_number=os_number), line
            )
        builder.add_sheet_objectives(
            os_number, record.get("os_title"), oo_index, record.get("oo_title"), line
        )
        if volet := _volet(record.get("volet", ""), line, builder.warnings):
            builder.current_os.volet = volet
        number = _action_number(record["action"], line)
        if not record["title"]:
            label = f"Action {number}"
            raise ImportFormatError(MESSAGES["no_title"].format(label=label), line)
        builder.add_action(
            number=number,
            title=record["title"],
            indicators=record["indicators"],
            pilots=record["pilots"],
            deadline=record["deadline"],
            line=line,
            label=f"Action {number}",
            status=record.get("status") or None,
            progress=_progress(record.get("progress", ""), line),
            comment=record.get("comment") or None,
        )
    return builder.result()


def _columns(header: list[str], line: int) -> tuple[dict[str, int], list[str]]:
    alias_to_name = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    columns: dict[str, int] = {}
    unknown = []
    for index, cell in enumerate(header):
        name = alias_to_name.get(re.sub(r"[^a-z0-9]+", "_", _fold(cell)).strip("_"))
        if name and name not in columns:
            columns[name] = index
        elif cell.strip():
            unknown.append(cell.strip())
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            aliases = ", ".join(COLUMNS[name])
            raise ImportFormatError(
                MESSAGES["missing_column"].format(column=name, aliases=aliases), line
            )
    return columns, unknown


def _get(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _os_number(value: str, line: int) -> int:
    match = _OS_NUMBER.match(value)
    if not match:
        raise ImportFormatError(MESSAGES["bad_os"].format(value=value), line)
    return int(match[1])


def _oo_number(value: str, os_number: int, line: int) -> tuple[int, int]:
    """ "1.2", "O.O.1.2" -> (1, 2); a bare "2" is read as O.O. 2 of the row's O.S."""
    match = _OO_NUMBER.match(value)
    if not match:
        raise ImportFormatError(MESSAGES["bad_oo"].format(value=value), line)
    oo_os = int(match[1]) if match[1] else os_number
    return oo_os, int(match[2])


def _action_number(value: str, line: int) -> int:
    match = _ACTION_NUMBER.match(value)
    if not match:
        raise ImportFormatError(MESSAGES["bad_action"].format(value=value), line)
    return int(match[1])


def _progress(value: str, line: int) -> int | None:
    if not value:
        return None
    match = _PROGRESS.match(value)
    progress = round(float(match[1].replace(",", "."))) if match else -1
    if not 0 <= progress <= 100:
        raise ImportFormatError(MESSAGES["bad_progress"].format(value=value), line)
    return progress


# --- Shared ---------------------------------------------------------------------------------


class _Builder:
    """Collects objectives and actions in file order and checks what all formats share."""

    def __init__(self) -> None:
        self.objectives: dict[int, StrategicObjectiveRow] = {}
        self.operational: dict[str, OperationalObjectiveRow] = {}
        self.actions: list[ActionRow] = []
        self.action_lines: dict[int, int] = {}
        self.unparsed_deadlines: list[tuple[int, str]] = []
        self.warnings: list[str] = []
        self.title_lines: dict[str, int] = {}  # sheet titles: label -> line first given
        self.current_os: StrategicObjectiveRow | None = None
        self.current_oo: OperationalObjectiveRow | None = None

    def add_objective(self, number: int, title: str, volet: str | None, line: int) -> None:
        if number in self.objectives:
            raise ImportFormatError(MESSAGES["duplicate_os"].format(number=number), line)
        self.current_os = StrategicObjectiveRow(number=number, title=title, volet=volet)
        self.objectives[number] = self.current_os
        self.current_oo = None

    def add_operational(
        self, os_number: int, index: int, title: str, label: str, line: int
    ) -> None:
        if self.current_os is None:
            raise ImportFormatError(MESSAGES["oo_before_os"].format(label=label), line)
        if os_number != self.current_os.number:
            message = MESSAGES["oo_wrong_os"].format(label=label, os_number=self.current_os.number)
            raise ImportFormatError(message, line)
        number = f"{os_number}.{index}"
        if number in self.operational:
            raise ImportFormatError(MESSAGES["duplicate_oo"].format(number=number), line)
        self.current_oo = OperationalObjectiveRow(os_number=os_number, number=number, title=title)
        self.operational[number] = self.current_oo

    def add_sheet_objectives(
        self, os_number: int, os_title: str | None, index: int, oo_title: str | None, line: int
    ) -> None:
        """A sheet repeats its O.S./O.O. on every row; titles are optional but must agree."""
        objective = self.objectives.get(os_number)
        if objective is None:
            default = f"Objectif stratégique {os_number}"
            objective = StrategicObjectiveRow(number=os_number, title=os_title or default)
            self.objectives[os_number] = objective
        self._check_title(f"O.S.{os_number}", objective, os_title, line)
        number = f"{os_number}.{index}"
        operational = self.operational.get(number)
        if operational is None:
            default = f"Objectif opérationnel {number}"
            operational = OperationalObjectiveRow(
                os_number=os_number, number=number, title=oo_title or default
            )
            self.operational[number] = operational
        self._check_title(f"O.O.{number}", operational, oo_title, line)
        self.current_os, self.current_oo = objective, operational

    def _check_title(self, label: str, row, title: str | None, line: int) -> None:
        if not title:
            return
        if label not in self.title_lines:
            row.title = title
            self.title_lines[label] = line
        elif title != row.title:
            message = MESSAGES["title_mismatch"].format(
                label=label,
                value=title,
                first_line=self.title_lines[label],
                first_value=row.title,
            )
            raise ImportFormatError(message, line)

    def add_action(
        self,
        *,
        number: int,
        title: str,
        indicators: str,
        pilots: str,
        deadline: str,
        line: int,
        label: str,
        status: str | None = None,
        progress: int | None = None,
        comment: str | None = None,
    ) -> None:
        if self.current_os is None or self.current_oo is None:
            raise ImportFormatError(MESSAGES["action_before_oo"].format(label=label), line)
        if number in self.action_lines:
            message = MESSAGES["duplicate_action"].format(
                number=number, first_line=self.action_lines[number]
            )
            raise ImportFormatError(message, line)
        self.action_lines[number] = line
        deadline = "" if deadline.strip() == "-" else deadline.strip()
        start, end = parse_deadline(deadline)
        if deadline and start is None:
            self.unparsed_deadlines.append((number, deadline))
        self.actions.append(
            ActionRow(
                os_number=self.current_os.number,
                os_title=self.current_os.title,
                volet=self.current_os.volet,
                oo_number=self.current_oo.number,
                oo_title=self.current_oo.title,
                number=number,
                title=title,
                indicators=indicators,
                pilots=split_pilots(pilots),
                deadline=deadline,
                start_date=start,
                end_date=end,
                status=status,
                progress=progress,
                comment=comment,
                line=line,
            )
        )

    def result(self) -> ParsedPST:
        if not self.actions:
            raise ImportFormatError(MESSAGES["no_action"])
        # Sheet titles may be given on a later row than the first; actions carry the final ones.
        for action in self.actions:
            action.os_title = self.objectives[action.os_number].title
            action.oo_title = self.operational[action.oo_number].title
        return ParsedPST(
            objectives=list(self.objectives.values()),
            operational=list(self.operational.values()),
            actions=self.actions,
            unparsed_deadlines=self.unparsed_deadlines,
            warnings=self.warnings,
        )


def _fold(text: str) -> str:
    """Lowercase, accent-free, single-spaced: for comparing headers and labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


# --- Entry points -------------------------------------------------------------------------


def parse_file(path: str | Path) -> ParsedPST:
    """Parse a .csv, .xlsx, .md or .txt file, chosen by its extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return parse_xlsx(path.read_bytes())
    if suffix == ".csv":
        data = path.read_bytes()
        try:
            return parse_csv(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in Windows-1252 by default.
            parsed = parse_csv(data.decode("cp1252", errors="replace"))
            parsed.warnings.append(MESSAGES["csv_not_utf8"])
            return parsed
    if suffix in (".md", ".txt"):
        return parse_recap(path.read_text(encoding="utf-8-sig"))
    raise ImportFormatError(MESSAGES["unknown_format"].format(suffix=suffix or path.name))


def plan_from_rows(rows: list[dict]) -> ParsedPST:
    """A plan from rows shaped like `store.consolidated_rows` (e.g. read from an eComptes file).

    A progress that only restates the status (0 % not started, 100 % done) is dropped, so that
    importing a file the bot exported changes nothing.
    """
    plan = ParsedPST()
    seen_os, seen_oo = set(), set()
    for index, row in enumerate(rows, start=1):
        if row["os_number"] not in seen_os:
            seen_os.add(row["os_number"])
            plan.objectives.append(
                StrategicObjectiveRow(
                    number=row["os_number"], title=row["os_title"], volet=row.get("volet")
                )
            )
        if row["oo_number"] not in seen_oo:
            seen_oo.add(row["oo_number"])
            plan.operational.append(
                OperationalObjectiveRow(
                    os_number=row["os_number"], number=row["oo_number"], title=row["oo_title"]
                )
            )
        progress = row.get("progress")
        if (row.get("status"), progress) in (("à démarrer", 0), ("fait", 100)):
            progress = None
        plan.actions.append(
            ActionRow(
                **{key: row.get(key) for key in ("os_number", "os_title", "volet", "oo_number")},
                oo_title=row["oo_title"],
                number=row["number"],
                title=row["title"],
                indicators=row.get("indicators") or "",
                pilots=list(row.get("pilots") or []),
                deadline=row.get("deadline") or "",
                start_date=row.get("start_date"),
                end_date=row.get("end_date"),
                status=row.get("status"),
                progress=progress,
                comment=row.get("last_comment"),
                line=index,
            )
        )
    plan.actions.sort(key=lambda action: action.number)
    return plan


def load_example() -> ParsedPST:
    """The PST 2019-2024 of the CPAS de Frameries, bundled with the bot as an example."""
    return parse_recap(EXAMPLE_PATH.read_text(encoding="utf-8"))
