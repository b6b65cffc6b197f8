"""The consolidated table as a PDF for the Conseil: A4 landscape, one row per action.

Under the title (organisation, plan, date) and a count per status, the actions follow in plan
order under their OS and OO headings: code, title, pilots, deadline, status, progress,
health, last comment and "oui" when late, each row tinted by status. Every text is printed in
full, wrapped in its column (never cut with "…"): a row is as tall as its longest cell. The
title and the column header are repeated on every page, "page X / Y" at the foot; a group
that goes on over a page break has its OS and OO headings repeated with « (suite) ». Why
fpdf2: docs/reports-pdf.md.

    >>> from reports.sample import synthetic_plan
    >>> table_pdf(synthetic_plan(10))[:5]
    b'%PDF-'
"""

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from reports.grouping import Objective, group_plan
from reports.labels import (
    CONTINUED,
    NO_ACTIONS,
    NO_ACTIONS_YET,
    OO_HEADING,
    OS_HEADING,
    PAGE_NUMBER,
    PDF_HEADERS,
)
from reports.pdf_text import Measure, place_lines
from reports.table import STATUS_FILLS, TableHeading, late_mark
from reports.xml_text import clean
from storage.actions import Action
from storage.progress import status_summary
from storage.vocabulary import STATUS_COLUMNS, health_label

FONT = "DejaVu"
#: Column widths in mm, in PDF_HEADERS order: 277 mm, the width of A4 landscape less margins.
COLUMN_WIDTHS = (14, 105, 24, 22, 18, 11, 16, 51, 16)
ALIGN = ("L", "L", "L", "L", "L", "R", "L", "L", "C")
MARGIN = 10
LINE = 3.6  # mm per line of 8-point text
PADDING = 0.8  # mm above and below the lines of a row
TEXT_SIZE, HEADING_SIZE, TITLE_SIZE = 8, 9, 13
HEADER_FILL = (232, 238, 247)
OS_FILL = (205, 219, 238)
OO_FILL = (232, 238, 247)
LATE_COLOUR = (176, 0, 32)
NOTE_COLOUR = 90
#: The lowest a row may end: above the page number.
FOOT = MARGIN + 2


def font_dir() -> Path:
    """DejaVu Sans ships with matplotlib (a base dependency): accents, "—", "…", "→" print."""
    import matplotlib  # heavy: loaded when a PDF is asked for

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _rgb(tint: str) -> tuple[int, int, int]:
    return tuple(int(tint[i : i + 2], 16) for i in (0, 2, 4))


def fit(pdf, text, width: float) -> str:
    """`text` on one line, cut with "…" to the width of its cell (less the cell's padding),
    measured with the PDF's `Measure` (reports/pdf_text.py): for the page title only."""
    text = " ".join(clean(text).split())
    return pdf.measure.fit(text, width - 2 * pdf.c_margin - 0.5)


def wrap(pdf, text, width: float) -> list[str]:
    """`text` in full, broken into lines that fit a cell `width` mm wide (less its padding)."""
    return pdf.measure.lines(" ".join(clean(str(text)).split()), width - 2 * pdf.c_margin)


def _new_page(pdf, heading: TableHeading) -> None:
    """A page with the title and the column header on top, "page X / Y" at the foot."""
    pdf.add_page()
    pdf.set_y(pdf.h - MARGIN + 2)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(90)
    pdf.cell(0, 4, PAGE_NUMBER.format(page=pdf.page_no(), pages="{nb}"), align="C")
    pdf.set_text_color(0)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font(FONT, "B", TITLE_SIZE)
    pdf.cell(0, 8, fit(pdf, heading.text, pdf.epw), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "B", TEXT_SIZE)
    pdf.set_fill_color(*HEADER_FILL)
    widths = zip(PDF_HEADERS, COLUMN_WIDTHS, strict=True)
    cells = [wrap(pdf, title, width) for title, width in widths]
    _row(pdf, cells, [("B", None)] * len(cells), HEADER_FILL)


def _room(pdf) -> float:
    return pdf.h - FOOT - pdf.get_y()


def _height(lines: int) -> float:
    return lines * LINE + 2 * PADDING


def _row(pdf, cells: list[list[str]], fonts, fill) -> None:
    """One row of wrapped cells at the current height, tinted `fill`, then the next line.
    `fonts` gives each cell's (style, colour)."""
    top = pdf.get_y()
    height = _height(max(len(lines) for lines in cells))
    pdf.set_fill_color(*fill)
    pdf.rect(MARGIN, top, sum(COLUMN_WIDTHS), height, style="F")
    x = MARGIN
    for lines, width, align, (style, colour) in zip(
        cells, COLUMN_WIDTHS, ALIGN, fonts, strict=True
    ):
        pdf.set_font(FONT, style, TEXT_SIZE)
        if colour:
            pdf.set_text_color(*colour)
        place_lines(pdf, x, top + PADDING, width, LINE, lines, align)
        pdf.set_text_color(0)
        x += width
    pdf.set_xy(MARGIN, top + height)


def _band(pdf, text: str, size: int, fill, colour=None) -> None:
    """A heading across the table: its full text, wrapped, on its tint."""
    pdf.set_font(FONT, "B" if fill else "", size)
    lines = wrap(pdf, text, pdf.epw)
    top = pdf.get_y()
    height = _height(len(lines))
    if fill:
        pdf.set_fill_color(*fill)
        pdf.rect(MARGIN, top, pdf.epw, height, style="F")
    if colour is not None:
        pdf.set_text_color(colour)
    place_lines(pdf, MARGIN, top + PADDING, pdf.epw, LINE * size / TEXT_SIZE, lines, "L")
    pdf.set_text_color(0)
    pdf.set_xy(MARGIN, top + height)


def _band_height(pdf, text: str, size: int) -> float:
    pdf.set_font(FONT, "B", size)
    return _height(len(wrap(pdf, text, pdf.epw)))


def _action_cells(pdf, action: Action, today: date) -> tuple[list[list[str]], list]:
    late = late_mark(action, today)
    progress = action.progress
    values = (
        action.code,
        action.title or "",
        action.pilots_text.replace("/", "/ "),  # the pilots wrap between them
        action.deadline or "",
        action.status,
        "" if progress is None else str(progress),
        health_label(action.health),
        action.last_comment or "",
        late,
    )
    fonts = [("B", None)] + [("", None)] * (len(values) - 2)
    fonts.append(("B", LATE_COLOUR) if late else ("", None))
    cells = []
    for value, width, (style, _) in zip(values, COLUMN_WIDTHS, fonts, strict=True):
        pdf.set_font(FONT, style, TEXT_SIZE)
        cells.append(wrap(pdf, value, width))
    cells[2] = [line.replace("/ ", "/") for line in cells[2]]
    return cells, fonts


def table_pdf(
    actions: list[Action],
    heading: TableHeading | None = None,
    outline: Iterable[Objective] = (),
) -> bytes:
    """The table as PDF bytes; `heading` names the organisation, plan and moment; `outline`
    (the plan's OOs) adds the OOs without actions, « aucune action encore »."""
    from fpdf import FPDF  # heavy: loaded when a PDF is asked for

    heading = heading or TableHeading()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.measure = Measure(pdf)  # the widths of the characters, read once per font and size
    fonts = font_dir()
    pdf.add_font(FONT, "", fonts / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", fonts / "DejaVuSans-Bold.ttf")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    # Pages are broken here, not by fpdf: a heading never ends a page.
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(heading.text)
    pdf.set_creator("pst-bot")
    _new_page(pdf, heading)

    summary = status_summary(actions)
    counts = ", ".join(
        f"{STATUS_COLUMNS[status].lower()} : {count}"
        for status, count in summary["by_status"].items()
    )
    pdf.set_font(FONT, "", TEXT_SIZE)
    pdf.cell(0, LINE + 1, f"{summary['total']} actions ({counts})" if actions else NO_ACTIONS)
    pdf.ln(LINE + 2)
    for os_group in group_plan(actions, outline):
        os_text = OS_HEADING.format(number=os_group.number, title=os_group.title)
        os_height = _band_height(pdf, os_text, HEADING_SIZE)
        for position, oo_group in enumerate(os_group.objectives):
            oo_text = OO_HEADING.format(number=oo_group.number, title=oo_group.title)
            oo_height = _band_height(pdf, oo_text, TEXT_SIZE)
            rows = [
                (*_action_cells(pdf, action, heading.today), action.status)
                for action in oo_group.actions
            ]
            first = _height(max(len(lines) for lines in rows[0][0])) if rows else _height(1)
            # An OS heading comes with its first OO heading and row, an OO with its first row.
            needed = oo_height + first + (os_height if position == 0 else 0)
            if _room(pdf) < needed:
                _new_page(pdf, heading)
                if position:  # the OS goes on from the page before
                    _band(pdf, f"{os_text} {CONTINUED}", HEADING_SIZE, OS_FILL)
            if position == 0:
                _band(pdf, os_text, HEADING_SIZE, OS_FILL)
            _band(pdf, oo_text, TEXT_SIZE, OO_FILL)
            if not rows:
                _band(pdf, NO_ACTIONS_YET, TEXT_SIZE, None, NOTE_COLOUR)
            for cells, styles, status in rows:
                height = _height(max(len(lines) for lines in cells))
                if _room(pdf) < height:
                    _new_page(pdf, heading)
                    _band(pdf, f"{os_text} {CONTINUED}", HEADING_SIZE, OS_FILL)
                    _band(pdf, f"{oo_text} {CONTINUED}", TEXT_SIZE, OO_FILL)
                _row(pdf, cells, styles, _rgb(STATUS_FILLS.get(status, "FFFFFF")))
    return bytes(pdf.output())
