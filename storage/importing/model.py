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
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from storage.deadlines import parse_deadline
from storage.importing.fields_cells import FIELDS
from storage.importing.messages import MESSAGES
from storage.importing.pilots import split_pilots
from storage.plain_text import without_bidi  # noqa: F401 (the importers read it here)
from storage.plan_fields import EMPTY, ActionFields
from storage.vocabulary import DONE, NOT_STARTED, code_key, fold

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


class MissingHeader(ImportFormatError):
    """A sheet without the header row a PST table needs (none, or one lacking a column)."""


class UnsafeFile(ImportFormatError):
    """A file refused before it is read, because reading it could harm the server (a DTD or
    XML entities, a bomb of nested elements); `named` puts the file's name in the message."""

    def __init__(self, reason: str, name: str = "Ce fichier"):
        self.reason = reason
        super().__init__(MESSAGES["unsafe"].format(name=name, reason=reason))

    def named(self, name: str) -> "UnsafeFile":
        return UnsafeFile(self.reason, f"Le fichier « {name} »")


#: A text read from a file, kept without its bidirectional controls.
Text = Annotated[str, AfterValidator(without_bidi)]


class _Row(BaseModel):
    # A title set after the row is built (a sheet giving it on a later row) is checked too.
    model_config = ConfigDict(validate_assignment=True)


class StrategicObjectiveRow(_Row):
    number: int
    title: Text
    volet: str | None = None  # "externe" or "interne"


class OperationalObjectiveRow(_Row):
    os_number: int
    number: Text  # "1.1"
    title: Text


class ActionRow(_Row):
    os_number: int
    os_title: Text
    volet: str | None = None
    oo_number: Text
    oo_title: Text
    #: The action's code as printed: "29", "1.1.1", "A.2.3".
    code: Text
    title: Text
    indicators: Text = ""
    pilots: list[Text] = Field(default_factory=list)
    deadline: Text = ""  # as written in the file
    start_date: date | None = None
    end_date: date | None = None
    status: Text | None = None  # raw text; import_plan (merge.py) reads it
    progress: int | None = Field(default=None, ge=0, le=100)
    comment: Text | None = None
    #: Indicators with targets and values, budget, ODD… (fields_cells.py reads their cells).
    fields: ActionFields = EMPTY
    line: int  # 1-based line (or sheet row) in the source file


class ParsedPST(BaseModel):
    objectives: list[StrategicObjectiveRow] = Field(default_factory=list)
    operational: list[OperationalObjectiveRow] = Field(default_factory=list)
    actions: list[ActionRow] = Field(default_factory=list)
    unparsed_deadlines: list[tuple[str, str]] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    #: The fields (fields_cells.FIELDS) the file has a column for: the import sets those,
    #: and leaves the others as they are.
    fields_given: list[str] = Field(default_factory=list)


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
        self.fields_given: set[str] = set()
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
        fields: ActionFields = EMPTY,
    ) -> None:
        if self.current_os is None or self.current_oo is None:
            raise ImportFormatError(MESSAGES["action_before_oo"].format(label=label), line)
        key = (self.current_oo.number, code)  # numbering may restart in each O.O. (`result`)
        if key in self.action_lines:
            message = MESSAGES["duplicate_action"].format(
                number=code, first_line=self.action_lines[key]
            )
            raise ImportFormatError(message, line)
        self.action_lines[key] = line
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
                fields=fields,
                line=line,
            )
        )

    def _unique_codes(self) -> None:
        """Numbering restarted in each O.O. (A1, A2 in each): every code made unique by its
        O.S. and O.O. ("A1" of O.O.1.2 -> "1.2.A1"), with a note saying so."""
        oos: dict[str, set[str]] = {}
        for action in self.actions:
            oos.setdefault(action.code, set()).add(action.oo_number)
        restarted = next((a for a in self.actions if len(oos[a.code]) > 1), None)
        if restarted is None:
            return
        example = (restarted.code, restarted.oo_number, f"{restarted.oo_number}.{restarted.code}")
        lines: dict[str, int] = {}
        unparsed, renamed = list(self.unparsed_deadlines), []
        for action in self.actions:
            old = action.code
            if not action.code.startswith(f"{action.oo_number}."):
                action.code = f"{action.oo_number}.{action.code}"
            if unparsed and unparsed[0] == (old, action.deadline):  # kept in action order
                renamed.append((action.code, unparsed.pop(0)[1]))
            if action.code in lines:
                message = MESSAGES["duplicate_action"].format(
                    number=action.code, first_line=lines[action.code]
                )
                raise ImportFormatError(message, action.line)
            lines[action.code] = action.line
        code, oo, unique = example
        self.warnings.insert(0, MESSAGES["renumbered"].format(code=code, oo=oo, unique=unique))
        self.unparsed_deadlines = renamed + unparsed

    def result(self) -> ParsedPST:
        # A plan at the start of a term has its objectives and no action yet.
        if not self.objectives:
            raise ImportFormatError(MESSAGES["nothing"])
        self._unique_codes()
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
            fields_given=[name for name in FIELDS if name in self.fields_given],
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
