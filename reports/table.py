"""The recap table ("Tableau récapitulatif"): one line per action, as CSV, Markdown or HTML.

The spreadsheets (xlsx, ods) live in `spreadsheet.py`; all share `table_values`, so a column
reads the same everywhere. An action's fields (indicators with targets, budget, ODD,
mandataires, decisions, synergies: `storage.plan_fields.fields_of`) come as `fields`, a
mapping from action number; each field gets its column after the others only when some action
of the plan has it (`field_columns`), in the cell syntax the import reads
(storage/importing/fields_cells.py).

    >>> table_csv([])[:3] == b"\\xef\\xbb\\xbf"
    True
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from reports.document import Document, Heading, Paragraph, Table, to_html, to_md
from reports.grouping import Objective, group_plan
from reports.labels import (
    FIELD_HEADERS,
    LATE_MARK,
    NO_ACTIONS_YET,
    TABLE_HEADERS,
    TABLE_HEADING,
    TABLE_TITLE,
)
from storage.actions import Action
from storage.clock import local_time
from storage.effective import last_news
from storage.french import format_percent, format_timestamp
from storage.importing.fields_cells import FIELDS, ONE_LINE, format_field
from storage.plan_fields import EMPTY, ActionFields
from storage.progress import status_summary
from storage.vocabulary import (
    ABANDONED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    ON_HOLD,
    STATUS_COLUMNS,
    health_label,
)


@dataclass(frozen=True)
class TableHeading:
    """Who, which plan and when, printed above the table (and the day lateness is judged on).

    >>> TableHeading("CPAS de Frameries", "PST 2019-2024", datetime(2026, 11, 24, 9, 30)).text
    'CPAS de Frameries — PST 2019-2024 — Tableau récapitulatif au 24/11/2026 à 09:30'
    """

    organisation: str = ""
    plan: str = ""
    #: Time of the export (local when naive); None: now.
    moment: datetime | None = None

    @property
    def when(self) -> datetime:
        return local_time(self.moment)

    @property
    def today(self) -> date:
        return self.when.date()

    @property
    def text(self) -> str:
        stamp = self.when.strftime("au %d/%m/%Y à %H:%M")
        parts = [self.organisation, self.plan, f"{TABLE_HEADING} {stamp}"]
        return " — ".join(part for part in parts if part)


#: Light tints of the chart's status colours (reports/chart.py), for printed rows: black text
#: stays readable on them, in colour or in grey.
STATUS_FILLS = {
    DONE: "E3F1E4",
    IN_PROGRESS: "E2EEFA",
    NOT_STARTED: "FFFFFF",
    ON_HOLD: "FDF3D6",
    ABANDONED: "F8E1E1",
}


def late_mark(action: Action, today: date) -> str:
    """ "oui" for a late action (`Action.is_late`), "" otherwise: the "En retard" column."""
    return LATE_MARK if action.is_late(today) else ""


# Cells starting with these are run as formulas by spreadsheet software (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def last_update(action: Action) -> datetime | None:
    """When the action's latest standing change was said, local time: an update that was
    undone is no update (`storage.effective.last_news`); None when nothing stands."""
    moment = last_news(action)
    return local_time(moment) if moment else None


#: Action number -> its fields; an action missing from it has none.
Fields = Mapping[int, ActionFields]


def field_columns(actions: Iterable[Action], fields: Fields | None) -> tuple[str, ...]:
    """The fields (FIELDS order) some action of `actions` has: the columns printed."""
    if not fields:
        return ()
    present = [fields.get(action.number, EMPTY) for action in actions]
    return tuple(name for name in FIELDS if any(getattr(f, name) for f in present))


def field_headers(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(FIELD_HEADERS[name] for name in columns)


def field_values(
    action: Action, fields: Fields | None, columns: tuple[str, ...], separator: str = "\n"
) -> tuple[str, ...]:
    """The cells of `columns` for `action`, items one per line (`separator`)."""
    found = (fields or {}).get(action.number, EMPTY)
    return tuple(format_field(found, name, separator) for name in columns)


def table_values(action: Action) -> tuple:
    """The 14 cells of an action's line in TABLE_HEADERS order, typed: int, str, datetime, None."""
    return (
        action.os_number,
        action.os_title or "",
        action.oo_number or "",
        action.oo_title or "",
        action.printed_number,
        action.title or "",
        action.indicators or "",
        action.pilots_text,
        action.deadline or "",
        action.status,
        action.progress,
        health_label(action.health),
        action.last_comment or "",
        last_update(action),
    )


def _csv_cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(actions: list[Action], fields: Fields | None = None) -> bytes:
    """The table as CSV for Excel: ";" separator, UTF-8 with BOM, French headers; the
    actions' `fields` in columns of their own after the others.

    Text that a spreadsheet would run as a formula (starting with =, +, -, @) gets a leading
    apostrophe.
    """
    columns = field_columns(actions, fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(TABLE_HEADERS + field_headers(columns))
    for action in actions:
        values = table_values(action) + field_values(action, fields, columns)
        writer.writerow([_csv_cell(value) for value in values])
    return buffer.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- Markdown and HTML

_GROUPED_HEADERS = TABLE_HEADERS[4:]  # OS and OO are the headings above each table


def _text_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_timestamp(value)
    return str(value)


def table_document(
    actions: list[Action], outline: Iterable[Objective] = (), fields: Fields | None = None
) -> Document:
    """The table grouped under OS and OO headings, ready to render; the OOs of `outline`
    without actions say « aucune action encore ». A cell here is one line: a field's items
    are separated by ONE_LINE (« • »), which the import reads as a line break."""
    summary = status_summary(actions)
    counts = ", ".join(
        f"{STATUS_COLUMNS[status].lower()} : {count}"
        for status, count in summary["by_status"].items()
    )
    blocks = [
        Paragraph(
            f"{summary['total']} actions ({counts}) ; "
            f"{format_percent(summary['done_percent'])} réalisées.",
            "meta",
        )
    ]
    numeric = frozenset({0, 6})  # Action, Avancement
    columns = field_columns(actions, fields)
    headers = _GROUPED_HEADERS + field_headers(columns)
    for os_group in group_plan(actions, outline):
        blocks.append(Heading(f"OS {os_group.number} – {os_group.title}", 1))
        for oo_group in os_group.objectives:
            blocks.append(Heading(f"OO {oo_group.number} – {oo_group.title}", 2))
            if not oo_group.actions:
                blocks.append(Paragraph(NO_ACTIONS_YET, "note"))
                continue
            lines = [
                tuple(_text_cell(value) for value in table_values(action)[4:])
                + field_values(action, fields, columns, ONE_LINE)
                for action in oo_group.actions
            ]
            blocks.append(Table(headers, lines, numeric))
    return Document(TABLE_TITLE, blocks)


def table_md(
    actions: list[Action], outline: Iterable[Objective] = (), fields: Fields | None = None
) -> bytes:
    """The table as Markdown, one table per OO under its OS and OO headings (UTF-8)."""
    return to_md(table_document(actions, outline, fields))


def table_html(
    actions: list[Action], outline: Iterable[Objective] = (), fields: Fields | None = None
) -> bytes:
    """The table as a standalone HTML page (UTF-8, embedded CSS, all text escaped)."""
    return to_html(table_document(actions, outline, fields))
