"""The consolidated table as a PDF for the Conseil: A4 landscape, about one line per action.

Under the title (organisation, plan, date) and a count per status, the actions follow in plan
order under their OS and OO headings: code, title (cut to its column), pilots, deadline,
status, progress and "oui" when late, each line tinted by status. The title and the column
header are repeated on every page, "page X / Y" at the foot. Why fpdf2: docs/reports-pdf.md.

    >>> from reports.sample import synthetic_plan
    >>> table_pdf(synthetic_plan(10))[:5]
    b'%PDF-'
"""

from datetime import date
from pathlib import Path

from reports.grouping import group_plan
from reports.labels import NO_ACTIONS, PAGE_NUMBER, PDF_HEADERS
from reports.pdf_text import Measure
from reports.table import STATUS_FILLS, TableHeading, late_mark
from reports.xml_text import clean
from storage.actions import Action
from storage.progress import status_summary
from storage.vocabulary import STATUS_COLUMNS

FONT = "DejaVu"
#: Column widths in mm, in PDF_HEADERS order: 277 mm, the width of A4 landscape less margins.
COLUMN_WIDTHS = (14, 143, 34, 30, 24, 14, 18)
ALIGN = ("L", "L", "L", "L", "L", "R", "C")
MARGIN = 10
LINE = 5.2  # mm per action line (8-point text)
HEADING_LINE = LINE + 0.6
TEXT_SIZE, HEADING_SIZE, TITLE_SIZE = 8, 9, 13
HEADER_FILL = (232, 238, 247)
OS_FILL = (205, 219, 238)
LATE_COLOUR = (176, 0, 32)


def font_dir() -> Path:
    """DejaVu Sans ships with matplotlib (a base dependency): accents, "—", "…", "→" print."""
    import matplotlib  # heavy: loaded when a PDF is asked for

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _rgb(tint: str) -> tuple[int, int, int]:
    return tuple(int(tint[i : i + 2], 16) for i in (0, 2, 4))


def fit(pdf, text, width: float) -> str:
    """`text` on one line, cut with "…" to the width of its cell (less the cell's padding),
    measured with the PDF's `Measure` (reports/pdf_text.py)."""
    text = " ".join(clean(text).split())
    return pdf.measure.fit(text, width - 2 * pdf.c_margin - 0.5)


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
    for title, width, align in zip(PDF_HEADERS, COLUMN_WIDTHS, ALIGN, strict=True):
        pdf.cell(width, 6, title, border="B", align=align, fill=True)
    pdf.ln(6)


def _room_for(pdf, heading: TableHeading, height: float) -> None:
    """A new page unless `height` mm still fit above the foot."""
    if pdf.get_y() + height > pdf.h - MARGIN - 2:
        _new_page(pdf, heading)


def _heading_line(pdf, text: str, size: int, fill=None) -> None:
    pdf.set_font(FONT, "B", size)
    if fill:
        pdf.set_fill_color(*fill)
    pdf.cell(0, HEADING_LINE, fit(pdf, text, pdf.epw), fill=bool(fill))
    pdf.ln(HEADING_LINE)


def _action_line(pdf, action: Action, today: date) -> None:
    late = late_mark(action, today)
    progress = action.progress
    cells = (
        action.code,
        action.title or "",
        action.pilots_text,
        action.deadline or "",
        action.status,
        "" if progress is None else str(progress),
        late,
    )
    pdf.set_fill_color(*_rgb(STATUS_FILLS.get(action.status, "FFFFFF")))
    last = len(cells) - 1
    for index, (value, width, align) in enumerate(zip(cells, COLUMN_WIDTHS, ALIGN, strict=True)):
        marked = index == last and late
        pdf.set_font(FONT, "B" if index == 0 or marked else "", TEXT_SIZE)
        if marked:
            pdf.set_text_color(*LATE_COLOUR)
        pdf.cell(width, LINE, fit(pdf, value, width), align=align, fill=True)
        pdf.set_text_color(0)
    pdf.ln(LINE)


def table_pdf(actions: list[Action], heading: TableHeading | None = None) -> bytes:
    """The table as PDF bytes; `heading` names the organisation, plan and moment."""
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
    pdf.cell(0, LINE, f"{summary['total']} actions ({counts})" if actions else NO_ACTIONS)
    pdf.ln(LINE + 1)
    for os_group in group_plan(actions):
        # An OS heading comes with its first OO heading and action, an OO with its first action.
        _room_for(pdf, heading, 2 * HEADING_LINE + LINE)
        _heading_line(pdf, f"OS {os_group.number} — {os_group.title}", HEADING_SIZE, OS_FILL)
        for oo_group in os_group.objectives:
            _room_for(pdf, heading, HEADING_LINE + LINE)
            _heading_line(pdf, f"OO {oo_group.number} — {oo_group.title}", TEXT_SIZE)
            for action in oo_group.actions:
                _room_for(pdf, heading, LINE)
                _action_line(pdf, action, heading.today)
    return bytes(pdf.output())
