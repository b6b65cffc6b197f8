"""The recap table as a workbook: a "Synthèse" sheet, then one sheet per OS ("OS 1", ...).

Each sheet opens with a title row (organisation, plan, date) above its header row. An OS sheet
is grouped as the plan is: an "OS n" band row with the OS title (and its volet), then for each
OO an "OO n.n" band row with its title, then its actions, one row each ("aucune action encore"
under an OO without any): each title is written once, in full, wrapped in its column. The
rows are tinted by status, the header frozen, an autofilter set. Printed, each sheet is A4
landscape, one page wide, the title and header rows repeated on every page, "page X / Y" at the
foot. An action's fields (`fields`, as in reports/table.py) are columns after « En retard »,
only those some action has; with a budget column, an OS's and an OO's band rows hold the total
of their actions' budget lines in it. The same sheets are written as xlsx (openpyxl,
reports/spreadsheet_xlsx.py) and ods (odfpy, reports/spreadsheet_ods.py), and both import
back (the band rows are the outline's labels).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reports.grouping import Objective, StrategicGroup, group_plan
from reports.labels import (
    BUDGET_TOTAL,
    NO_ACTIONS_YET,
    OO_BAND,
    OS_BAND,
    SHEET_HEADERS,
    SUMMARY_HEADERS,
    TOTAL,
)
from reports.table import (
    Fields,
    TableHeading,
    field_headers,
    field_values,
    last_update,
    late_mark,
)
from storage.actions import Action
from storage.importing.fields_cells import format_amount
from storage.plan_fields import EMPTY
from storage.progress import status_summary
from storage.vocabulary import health_label

#: Column widths in characters, in SHEET_HEADERS order: 195 characters, printed one page wide
#: on A4 landscape at about 74 % (Calibri 11 prints at 8.1 points); the title is widest.
COLUMN_WIDTHS = (7, 70, 37, 12, 10, 10, 10, 7, 14, 11, 7)
SUMMARY_WIDTHS = (5, 50, 11, 11, 11, 12, 13, 8, 11, 13)
TITLE_COLUMN = 1
#: Widths of the fields' columns, after COLUMN_WIDTHS (a plan without fields prints as before).
FIELD_WIDTHS = {
    "indicators": 30,
    "budget": 24,
    "odd": 7,
    "mandataries": 14,
    "decisions": 26,
    "synergies": 12,
}
TIMESTAMP_COLUMN = SHEET_HEADERS.index("Dernière mise à jour")
#: Rows above the data: the title, then the header (repeated on every printed page).
HEADER_ROWS = 2
#: Band row fills: the OS band darker than the OO band (the PDF's colours).
OS_FILL, OO_FILL = "CDDBEE", "E8EEF7"

#: Kinds of rows of an OS sheet.
OS_ROW, OO_ROW, EMPTY_ROW, ACTION_ROW = "os", "oo", "empty", "action"


def sheet_name(os_number) -> str:
    return f"OS {os_number}"


@dataclass(frozen=True)
class SheetLine:
    """One row of an OS sheet: its kind, its cells in SHEET_HEADERS order, and for an action
    its status (the row's tint)."""

    kind: str
    values: tuple
    status: str | None = None


def sheet_headers(columns: tuple[str, ...] = ()) -> tuple[str, ...]:
    """An OS sheet's headers: SHEET_HEADERS, then those of the fields `columns`."""
    return SHEET_HEADERS + field_headers(columns)


def sheet_widths(columns: tuple[str, ...] = ()) -> tuple[int, ...]:
    return COLUMN_WIDTHS + tuple(FIELD_WIDTHS[name] for name in columns)


def _blank(size: int, *first) -> list:
    return [*first, *[""] * (size - len(first))]


def budget_total(actions: Iterable[Action], fields: Fields | None) -> str:
    """ "Total : 45 000 €" of the actions' budget lines, "" when they have none."""
    lines = [line for action in actions for line in (fields or {}).get(action.number, EMPTY).budget]
    total = sum(line.amount for line in lines)
    return BUDGET_TOTAL.format(amount=format_amount(total)) if lines else ""


def sheet_values(
    action: Action, heading: TableHeading, fields: Fields | None = None, columns=()
) -> tuple:
    """The cells of an action's row on an OS sheet, in `sheet_headers(columns)` order."""
    return (
        action.printed_number,
        action.title or "",
        action.indicators or "",
        ", ".join(action.pilots),  # a space after each pilot: the cell wraps between them
        action.deadline or "",
        action.status,
        action.progress,
        health_label(action.health),
        action.last_comment or "",
        last_update(action),
        late_mark(action, heading.today),
    ) + field_values(action, fields, columns)


def sheet_lines(
    os_group: StrategicGroup,
    heading: TableHeading,
    fields: Fields | None = None,
    columns: tuple[str, ...] = (),
) -> Iterator[SheetLine]:
    """The rows of an OS's sheet below its header: the OS band, then per OO its band and its
    actions; the fields of `columns` after the table's cells, a band's budget total under
    « Budget »."""
    size = len(SHEET_HEADERS) + len(columns)
    budget = len(SHEET_HEADERS) + columns.index("budget") if "budget" in columns else None

    def band(label: str, title: str, actions) -> tuple:
        values = _blank(size, label, title)
        if budget is not None:
            values[budget] = budget_total(actions, fields)
        return tuple(values)

    every = [action for oo_group in os_group.objectives for action in oo_group.actions]
    yield SheetLine(OS_ROW, band(OS_BAND.format(number=os_group.number), os_group.title, every))
    for oo_group in os_group.objectives:
        label = OO_BAND.format(number=oo_group.number)
        yield SheetLine(OO_ROW, band(label, oo_group.title, oo_group.actions))
        if not oo_group.actions:
            yield SheetLine(EMPTY_ROW, tuple(_blank(size, "", NO_ACTIONS_YET)))
        for action in oo_group.actions:
            values = sheet_values(action, heading, fields, columns)
            yield SheetLine(ACTION_ROW, values, action.status)


def band_spills(line: SheetLine, widths=None) -> bool:
    """A band's title on one line, over the empty cells to its right (up to a budget total),
    when it fits there; a longer one wraps in its column."""
    widths = widths or COLUMN_WIDTHS
    end = next(
        (i for i in range(TITLE_COLUMN + 1, len(line.values)) if line.values[i]), len(widths)
    )
    room = sum(widths[TITLE_COLUMN:end]) * CHARACTERS_PER_WIDTH
    return line.kind in (OS_ROW, OO_ROW) and len(line.values[TITLE_COLUMN]) <= room


def summary_lines(actions: list[Action], outline: Iterable[Objective] = ()) -> list[tuple]:
    """The summary sheet: a line per OS (each of `outline`'s too, even without actions yet),
    then the total."""
    summary = status_summary(actions, outline)
    lines = [
        (
            os["os_number"],
            os["os_title"],
            *os["by_status"].values(),
            os["total"],
            os["done_percent"],
            os["progress_percent"],
        )
        for os in summary["by_os"]
    ]
    lines.append(
        (
            TOTAL,
            "",
            *summary["by_status"].values(),
            summary["total"],
            summary["done_percent"],
            summary["progress_percent"],
        )
    )
    return lines


def excel_column(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


# ---------------------------------------------------------------- print layout

#: A4 landscape less 1 cm margins, in points; a column of width w (in characters of Calibri
#: 11, the width of a digit: 7 px) is 7 w + 5 px wide, 0.75 pt per px.
PRINTABLE_WIDTH, PRINTABLE_HEIGHT = 785, 510
POINTS_PER_CHARACTER = 5.25
PADDING_POINTS = 3.75
MARGIN_INCHES = 0.4
#: Text font size (Calibri, the default of both programs), and the smallest it may print at.
FONT_SIZE, SMALLEST_PRINTED_SIZE = 11, 8
#: Characters of French text per unit of column width: a unit is a digit of Calibri (0.51 em),
#: wider than its letters and spaces (about 0.42 em on average in the example's titles).
CHARACTERS_PER_WIDTH = 1.2


def print_scale(widths) -> float:
    """The zoom that "fit to one page wide" gives these columns (at most 100 %)."""
    width = sum(widths) * POINTS_PER_CHARACTER + len(widths) * PADDING_POINTS
    return min(1.0, PRINTABLE_WIDTH / width)


def printed_font_size(widths=None) -> float:
    """The size, in points, the text prints at once the sheet is fitted to the page width."""
    return FONT_SIZE * print_scale(widths or COLUMN_WIDTHS)


def page_breaks(heights: list[float], widths) -> list[list[int]]:
    """The rows each landscape page prints (indexes into `heights`, below the HEADER_ROWS),
    one page wide, with the HEADER_ROWS repeated on each page. `heights` are the row
    heights in points, header rows first."""
    scale = print_scale(widths)
    repeated = sum(heights[:HEADER_ROWS]) * scale
    room = PRINTABLE_HEIGHT - repeated
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, height in enumerate(heights[HEADER_ROWS:], start=HEADER_ROWS):
        if used and used + height * scale > room:
            pages.append([])
            used = 0.0
        pages[-1].append(index)
        used += height * scale
    return pages


def printed_pages(heights: list[float], widths) -> int:
    """Landscape pages a sheet prints on (see `page_breaks`)."""
    return len(page_breaks(heights, widths))


# ---------------------------------------------------------------- row heights


#: Points per line of 11-point text, and Excel's ceiling for a row.
LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409
TITLE_HEIGHT = 24


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes in a wrapped cell `width` characters wide, broken at spaces as the
    spreadsheet programs break it (a word longer than the line is cut).

    >>> wrapped_lines("un deux trois", 8), wrapped_lines("", 8)
    (2, 1)
    """
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH))
    count = 0
    for part in text.split("\n"):
        used = None
        lines = 1
        for word in part.split():
            size = len(word)
            if used is None:
                used = size
            elif used + 1 + size <= per_line:
                used += 1 + size
                continue
            else:
                lines, used = lines + 1, size
            while used > per_line:  # a word wider than the cell runs on the next line
                lines, used = lines + 1, used - per_line
        count += lines
    return max(1, count)


def row_height(values, widths, one_line=()) -> float:
    """Height in points that shows every wrapped line of the row's cells; the columns of
    `one_line` are not wrapped.

    >>> row_height(["court", "x" * 50], [10, 20])
    45
    """
    lines = 1
    for index, (value, width) in enumerate(zip(values, widths, strict=False)):
        if isinstance(value, str) and value and index not in one_line:
            lines = max(lines, wrapped_lines(value, width))
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def line_height(line: SheetLine, widths=None) -> float:
    """The height of an OS sheet's row (a spilling band is one line)."""
    widths = widths or COLUMN_WIDTHS
    return row_height(line.values, widths, (TITLE_COLUMN,) if band_spills(line, widths) else ())


def os_sheet_heights(os_group: StrategicGroup, heading: TableHeading) -> list[float]:
    """The heights (points) of an OS sheet's rows, its title and header rows first."""
    heights = [TITLE_HEIGHT, row_height(SHEET_HEADERS, COLUMN_WIDTHS)]
    return heights + [line_height(line) for line in sheet_lines(os_group, heading)]


def xlsx_printed_pages(
    actions: list[Action], heading: TableHeading | None = None, outline: Iterable[Objective] = ()
) -> int:
    """Landscape pages the xlsx prints on (every sheet), by the fit-to-width arithmetic."""
    heading = heading or TableHeading()
    summary = [TITLE_HEIGHT, row_height(SUMMARY_HEADERS, SUMMARY_WIDTHS)]
    summary += [row_height(line, SUMMARY_WIDTHS) for line in summary_lines(actions, outline)]
    pages = printed_pages(summary, SUMMARY_WIDTHS)
    for os_group in group_plan(actions, outline):
        pages += printed_pages(os_sheet_heights(os_group, heading), COLUMN_WIDTHS)
    return pages


def actions_per_page(
    actions: list[Action], heading: TableHeading | None = None, outline: Iterable[Objective] = ()
) -> list[int]:
    """How many actions each printed page of the OS sheets holds, by the fit-to-width
    arithmetic (the last page of a sheet holds what is left of its OS)."""
    heading = heading or TableHeading()
    counts = []
    for os_group in group_plan(actions, outline):
        kinds = [None, None] + [line.kind for line in sheet_lines(os_group, heading)]
        for page in page_breaks(os_sheet_heights(os_group, heading), COLUMN_WIDTHS):
            counts.append(sum(1 for index in page if kinds[index] == ACTION_ROW))
    return counts
