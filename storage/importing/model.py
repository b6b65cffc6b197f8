"""What every import format produces: plain rows (`ParsedPST`), checked by one builder.

    >>> builder = PlanBuilder()
    >>> builder.add_objective(1, "Etre un CPAS solidaire", "externe", line=1)
    >>> builder.add_operational(1, 1, "Améliorer l'accès au logement", "O.O.1.1", line=2)
    >>> builder.add_action(code="1", title="Acquisition", indicators="", pilots="LM/MA C",
    ...                    deadline="2021-2024", line=3, label="Action 1")
    >>> builder.result().actions[0].pilots
    ['LM', 'MAC']

The parsers (`recap.py`, `sheets.py`) feed the builder in file order; it refuses what no
format may hold (an action before its objective, a number given twice) with an
`ImportFormatError` whose text names the line.
"""

from datetime import date

from pydantic import BaseModel, Field

from storage.deadlines import parse_deadline
from storage.importing.pilots import split_pilots
from storage.vocabulary import DONE, NOT_STARTED, code_key, fold

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
    "nothing": "Le fichier ne contient ni objectif ni action : rien à importer.",
    "no_code": "ligne « {title} » sans numéro d'action.",
    "skipped_sheets": "Feuilles sans en-têtes de PST, ignorées : {names}.",
    "in_sheet": "Feuille « {name} » : {text}",
    "sheets_left": "Seules les {limit} premières feuilles ont été lues.",
    "skipped_row": "Ligne {line} ignorée (ni action ni objectif) : « {text} ».",
    "no_header": (
        "Ligne d'en-têtes introuvable dans les {rows} premières lignes : on attend par ex. "
        "« N° », « Intitulé », « Indicateurs », « Pilote(s) », « Échéance »."
    ),
    "missing_column": "colonne obligatoire « {column} » absente (en-têtes acceptés : {aliases}).",
    "empty_file": "Le fichier est vide : la première ligne doit contenir les en-têtes.",
    "bad_os": "objectif stratégique « {value} » invalide : on attend un numéro, ex. « 1 ».",
    "bad_oo": "objectif opérationnel « {value} » invalide : on attend par ex. « 1.2 ».",
    "bad_action": (
        "numéro d'action « {value} » invalide : on attend un numéro, ex. « 12 » ou « 1.2.3 »."
    ),
    "bad_progress": "avancement « {value} » invalide : on attend un nombre de 0 à 100.",
    "title_mismatch": (
        "l'intitulé de {label} (« {value} ») diffère de celui donné ligne {first_line} "
        "(« {first_value} »)."
    ),
    "unreadable_xlsx": "Fichier Excel illisible : {detail}",
    "unreadable_ods": "Fichier OpenDocument (.ods) illisible : {detail}",
    "too_many_merged": "Classeur refusé : plus de {limit} cellules fusionnées (fichier abîmé ?).",
    "unknown_format": (
        "Format de fichier non reconnu : « {suffix} ». "
        "Formats acceptés : .csv, .xlsx, .ods, .md, .txt, .xml (eComptes)."
    ),
    "unknown_volet": "Ligne {line} : volet « {value} » non reconnu, ignoré.",
    "unknown_column": "Colonne « {column} » non reconnue, ignorée.",
    "csv_not_utf8": "Le fichier CSV n'est pas en UTF-8 ; lu comme Windows-1252.",
    "file_too_large": (
        "Fichier trop gros ({size} Mo, au plus {limit} Mo) : un PST tient dans quelques "
        "centaines de lignes. Enregistrez seulement le tableau récapitulatif."
    ),
    "too_many_rows": (
        "Le fichier a plus de {limit} lignes : un PST en compte quelques centaines. "
        "Enregistrez seulement le tableau récapitulatif."
    ),
    "wrong_plan": (
        "Ce fichier semble être un autre PST que « {plan} » : {differ} des {common} actions "
        "qu'ils ont en commun ont un autre intitulé (par ex. l'action {example}). Rien n'a été "
        "modifié. Pour l'importer à côté, donnez-lui son propre code : --plan NOUVEAU-CODE."
    ),
    "which_plan": (
        "La base contient plusieurs PST ({codes}) : dites lequel importer avec --plan CODE "
        "(un nouveau code crée un nouveau PST)."
    ),
    "bad_plan_code": (
        "Code de PST « {code} » invalide : lettres minuscules, chiffres et tirets, "
        "par ex. cpas, commune, cpas-2019."
    ),
    "closed_plan": "Le PST « {code} » est clôturé : il ne s'importe plus. Rien n'a été modifié.",
    "free_status": (
        "Action {code} : statut « {text} » non reconnu, gardé en commentaire (statut inchangé)."
    ),
    "zip_bomb": (
        "Classeur refusé : une fois décompressé il ferait plus de {limit} Mo "
        "(fichier abîmé ou piégé)."
    ),
}

#: Largest file the import reads.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Most rows (lines) a sheet or a text file may have, empty ones included.
MAX_ROWS = 20_000


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
    #: The action's code as printed: "29", "1.1.1", "A.2.3".
    code: str
    title: str
    indicators: str = ""
    pilots: list[str] = Field(default_factory=list)
    deadline: str = ""  # as written in the file
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None  # raw text; import_plan (merge.py) reads it
    progress: int | None = Field(default=None, ge=0, le=100)
    comment: str | None = None
    line: int  # 1-based line (or sheet row) in the source file


class ParsedPST(BaseModel):
    objectives: list[StrategicObjectiveRow] = Field(default_factory=list)
    operational: list[OperationalObjectiveRow] = Field(default_factory=list)
    actions: list[ActionRow] = Field(default_factory=list)
    unparsed_deadlines: list[tuple[str, str]] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def read_volet(cell: str, line: int, warnings: list[str]) -> str | None:
    """ "VOLET EXTERNE" -> "externe"; an empty cell or "-" -> None, anything else warned about."""
    normalised = fold(cell)
    if not normalised or normalised == "-":
        return None
    if "extern" in normalised:
        return "externe"
    if "intern" in normalised:
        return "interne"
    warnings.append(MESSAGES["unknown_volet"].format(line=line, value=cell))
    return None


# --- The builder ----------------------------------------------------------------------


class PlanBuilder:
    """Collects objectives and actions in file order and checks what all formats share."""

    def __init__(self) -> None:
        self.objectives: dict[int, StrategicObjectiveRow] = {}
        self.operational: dict[str, OperationalObjectiveRow] = {}
        self.actions: list[ActionRow] = []
        self.action_lines: dict[str, int] = {}
        self.unparsed_deadlines: list[tuple[str, str]] = []
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

    def add_sheet_objective(self, os_number: int, os_title: str | None, line: int) -> None:
        """A sheet repeats its O.S. on every row; the title is optional but must agree."""
        objective = self.objectives.get(os_number)
        if objective is None:
            default = f"Objectif stratégique {os_number}"
            objective = StrategicObjectiveRow(number=os_number, title=os_title or default)
            self.objectives[os_number] = objective
        self._check_title(f"O.S.{os_number}", objective, os_title, line)
        if self.current_os is not objective:
            self.current_os, self.current_oo = objective, None

    def add_sheet_operational(self, index: int, oo_title: str | None, line: int) -> None:
        """An O.O. of the O.S. just given (`add_sheet_objective`), repeated like it."""
        os_number = self.current_os.number
        number = f"{os_number}.{index}"
        operational = self.operational.get(number)
        if operational is None:
            default = f"Objectif opérationnel {number}"
            operational = OperationalObjectiveRow(
                os_number=os_number, number=number, title=oo_title or default
            )
            self.operational[number] = operational
        self._check_title(f"O.O.{number}", operational, oo_title, line)
        self.current_oo = operational

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
        code: str,
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
        if code in self.action_lines:
            message = MESSAGES["duplicate_action"].format(
                number=code, first_line=self.action_lines[code]
            )
            raise ImportFormatError(message, line)
        self.action_lines[code] = line
        deadline = "" if deadline.strip() == "-" else deadline.strip()
        start, end = parse_deadline(deadline)
        if deadline and start is None:
            self.unparsed_deadlines.append((code, deadline))
        self.actions.append(
            ActionRow(
                os_number=self.current_os.number,
                os_title=self.current_os.title,
                volet=self.current_os.volet,
                oo_number=self.current_oo.number,
                oo_title=self.current_oo.title,
                code=code,
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
        # A plan at the start of a term has its objectives and no action yet.
        if not self.objectives:
            raise ImportFormatError(MESSAGES["nothing"])
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


def plan_from_rows(rows: list[dict]) -> ParsedPST:
    """A plan from rows shaped like an `Action`'s fields (e.g. read from an eComptes file).

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
        if (row.get("status"), progress) in ((NOT_STARTED, 0), (DONE, 100)):
            progress = None
        plan.actions.append(
            ActionRow(
                **{key: row.get(key) for key in ("os_number", "os_title", "volet", "oo_number")},
                oo_title=row["oo_title"],
                code=str(row["number"]),
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
    plan.actions.sort(key=lambda action: code_key(action.code))
    return plan
