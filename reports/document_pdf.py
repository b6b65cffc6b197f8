"""The `Document` as an A4 portrait PDF, with fpdf2 (pure Python, no system library).

    >>> from reports.document import Document, Heading, Paragraph
    >>> to_pdf(Document("Titre", [Heading("Synthèse", 1), Paragraph("3 actions")]))[:5]
    b'%PDF-'

The cover stands alone on the first page; headings, paragraphs and tables follow, a table's
header row repeated on every page it spans, and each page is numbered ("page 2 / 14"). With
`contents`, the second page lists the sections with their page numbers (and the file's
bookmarks are the same sections). Lines
are broken by `reports/pdf_text.py` (fpdf2's own breaking takes minutes on a large plan).
DejaVu Sans (shipped with matplotlib, a base dependency) carries the accents and the signs
chat text brings along ("—", "…", "→", "«»").
"""

import math
from pathlib import Path

from reports.document_model import (
    CONTENTS_LEVELS,
    CONTENTS_TITLE,
    Document,
    Heading,
    Paragraph,
    Table,
)
from reports.pdf_text import Measure, place
from reports.xml_text import clean

MARGIN_MM = 18
BLUE = (26, 79, 139)
GREY = (85, 85, 85)
HEADER_FILL = (232, 238, 247)

#: Heading level -> font size (pt).
HEADING_SIZES = {1: 15, 2: 13, 3: 11.5, 4: 10.5}
#: Paragraph style -> (font style, size in pt, colour, left indent in mm).
PARAGRAPH_STYLES = {
    "body": ("", 10, (34, 34, 34), 0),
    "meta": ("I", 10, GREY, 0),
    "action": ("B", 10, (34, 34, 34), 0),
    "comment": ("", 9.5, (34, 34, 34), 6),
    "history": ("I", 8.5, GREY, 6),
    "note": ("I", 8, GREY, 0),
    "cover": ("", 14, (34, 34, 34), 0),
    "todo": ("B", 10, (138, 90, 0), 0),
}
#: A contents line (mm), and how many fit on a page under the contents title.
CONTENTS_LINE_MM, CONTENTS_LINES_PER_PAGE = 6.5, 36
#: Room (mm) a heading needs below it, or it goes to the next page: an OS heading is followed
#: by an OO heading, a status heading and an action's lines.
KEEP_WITH_NEXT_MM = {1: 60, 2: 50, 3: 40, 4: 25}
PAGE_NUMBER = "page {page} / {pages}"


def _font_files() -> dict[str, Path]:
    import matplotlib  # its data folder holds the DejaVu fonts

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {
        "": folder / "DejaVuSans.ttf",
        "B": folder / "DejaVuSans-Bold.ttf",
        "I": folder / "DejaVuSans-Oblique.ttf",
        "BI": folder / "DejaVuSans-BoldOblique.ttf",
    }


def to_pdf(doc: Document) -> bytes:
    from fpdf import FPDF  # heavy: loaded when this format is asked for

    class _Pdf(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "I", 8)
            self.set_text_color(*GREY)
            # {nb} is replaced by the page count when the file is written.
            self.cell(0, 6, clean(doc.title), align="L")
            self.set_x(self.l_margin)
            self.cell(0, 6, PAGE_NUMBER.format(page=self.page_no(), pages="{nb}"), align="R")

    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(clean(doc.title))
    pdf.set_creator("pst-bot")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=20)
    for style, path in _font_files().items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.add_page()
    measure = Measure(pdf)

    def write(text: str, style: str, size: float, color, indent: float = 0, after: float = 1.5):
        """A paragraph, left-aligned, its lines broken here (pdf_text.py) and placed one by
        one, a new page when the next line does not fit."""
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*color)
        height = size * 0.5
        left = pdf.l_margin + indent
        for line in measure.lines(clean(text), pdf.epw - indent - 2 * pdf.c_margin):
            if pdf.will_page_break(height):
                pdf.add_page()
            place(pdf, left + pdf.c_margin, pdf.y, height, line)
            pdf.set_y(pdf.y + height)
        pdf.ln(after)

    if doc.cover:
        pdf.ln(60)
        write(doc.title, "B", 22, BLUE, after=10)
        for line in doc.cover:
            write(line, "", 14, (34, 34, 34), after=4)
        pdf.add_page()
    else:
        write(doc.title, "B", 18, BLUE, after=4)

    def contents(pdf, outline) -> None:
        write(CONTENTS_TITLE, "B", HEADING_SIZES[1], BLUE, after=4)
        for section in outline:
            size = 10.5 if section.level == 0 else 9.5
            pdf.set_font("DejaVu", "B" if section.level == 0 else "", size)
            pdf.set_text_color(34, 34, 34)
            indent = 6 * section.level
            number = str(section.page_number)
            room = pdf.epw - indent - measure.width(number) - 6
            (name, *more) = measure.lines(clean(section.name), room - measure.width(" …"))
            name = f"{name.rstrip(' ,;:')} …" if more else name  # one line each
            top = pdf.y
            place(pdf, pdf.l_margin + indent, top, CONTENTS_LINE_MM, name)
            place(
                pdf, pdf.l_margin + pdf.epw - measure.width(number), top, CONTENTS_LINE_MM, number
            )
            link = pdf.add_link(page=section.page_number)
            pdf.link(pdf.l_margin, top, pdf.epw, CONTENTS_LINE_MM, link)
            pdf.set_y(top + CONTENTS_LINE_MM)

    if doc.contents:
        pages = math.ceil((len(doc.contents_entries()) + 1) / CONTENTS_LINES_PER_PAGE)
        pdf.insert_toc_placeholder(contents, pages=max(1, pages))

    for block in doc.blocks:
        if isinstance(block, Heading):
            level = max(1, min(block.level, 4))
            size = HEADING_SIZES[level]
            # A heading never ends a page: it keeps the headings and lines that follow it.
            if pdf.will_page_break(KEEP_WITH_NEXT_MM[level]):
                pdf.add_page()
            pdf.ln(3 if level > 1 else 5)
            if level <= CONTENTS_LEVELS:
                pdf.start_section(clean(block.text), level - 1, strict=False)
            write(block.text, "B", size, BLUE if level < 4 else GREY, after=1.5)
        elif isinstance(block, Paragraph):
            style, size, color, indent = PARAGRAPH_STYLES.get(block.style, PARAGRAPH_STYLES["body"])
            if block.style == "action":
                pdf.ln(1.5)
            write(block.text, style, size, color, indent)
        else:
            _table(pdf, measure, block)
            pdf.ln(3)
    return bytes(pdf.output())


#: Table text (pt), the padding inside a cell (mm), the height of a line of cell text.
TABLE_SIZE, CELL_PADDING, TABLE_LINE = 8.5, 1.0, 8.5 / 72 * 25.4 * 1.45
TABLE_TEXT = (34, 34, 34)


def _table(pdf, measure: Measure, block: Table) -> None:
    """The table across the text width, columns by `block.widths`: the header row (bold,
    blue on a light fill, a line under it) at the top of each page the table spans, then one
    row per line of values, each cell's text broken to its column."""
    widths = block.widths or (1,) * len(block.headers)
    columns = [pdf.epw * width / sum(widths) for width in widths]

    def row(values, header: bool) -> None:
        pdf.set_font("DejaVu", "B" if header else "", TABLE_SIZE)
        cells = [
            measure.lines(clean(value), width - 2 * CELL_PADDING)
            for value, width in zip(values, columns, strict=True)
        ]
        height = max(len(lines) for lines in cells) * TABLE_LINE + 2 * CELL_PADDING
        if pdf.will_page_break(height):
            pdf.add_page()
            if not header:
                row(block.headers, header=True)
                pdf.set_font("DejaVu", "", TABLE_SIZE)
        top, left = pdf.y, pdf.l_margin
        if header:
            pdf.set_fill_color(*HEADER_FILL)
            pdf.rect(left, top, pdf.epw, height, style="F")
            pdf.set_draw_color(0)
            pdf.line(left, top + height, left + pdf.epw, top + height)
        pdf.set_text_color(*(BLUE if header else TABLE_TEXT))
        for index, (lines, width) in enumerate(zip(cells, columns, strict=True)):
            right = index in block.numeric
            for number, line in enumerate(lines):
                if right:
                    x = left + width - CELL_PADDING - measure.width(line)
                else:
                    x = left + CELL_PADDING
                place(pdf, x, top + CELL_PADDING + number * TABLE_LINE, TABLE_LINE, line)
            left += width
        pdf.set_y(top + height)

    row(block.headers, header=True)
    for values in block.rows:
        row(values, header=False)
