"""The ODT rendering of a `Document` (`to_odt`), and pre-serialised XML inside an odfpy
document, for the bulk of large files.

odfpy builds a Python object per element and checks each against the ODF grammar: 8 s for
the cells of 10,000 actions, 2 s for the paragraphs of their evaluation. We keep odfpy for the
package, the styles and the settings, and write the repetitive elements (table rows,
paragraphs, table rows) as text with these helpers. Only odf modules import this one (it
imports odfpy): reports/document.py loads it when an ODT is asked for.
"""

import io
from xml.sax.saxutils import escape

from odf.element import Text

from reports.document_model import (
    A4_CM,
    CONTENTS_LEVELS,
    CONTENTS_TITLE,
    MARGIN_CM,
    PAGE_OF,
    PAGE_WIDTH_CM,
    PAGE_WORD,
    Document,
    Heading,
    Paragraph,
)
from reports.xml_text import clean


class RawXml(Text):
    """A node that odfpy writes as is: `data` must be well-formed ODF XML."""

    def toXml(self, level, f):  # noqa: N802 (odfpy's name)
        f.write(self.data)


def inline_text(text) -> str:
    """Escaped text, with <text:line-break/> for each newline."""
    return "<text:line-break/>".join(escape(line) for line in clean(text).split("\n"))


def paragraph(text, style: str) -> str:
    return f'<text:p text:style-name="{style}">{inline_text(text)}</text:p>'


def table_row(values, cell_style: str, style: str) -> str:
    """One <table:table-row> of text cells, each cell styled `cell_style`, its paragraph
    `style`."""
    cells = "".join(
        f'<table:table-cell table:style-name="{cell_style}" office:value-type="string">'
        f"{paragraph(value, style)}</table:table-cell>"
        for value in values
    )
    return f"<table:table-row>{cells}</table:table-row>"


def heading(text, level: int, style: str, bookmark: str = "") -> str:
    """A <text:h>; with `bookmark`, a bookmark of that name at its start (the contents' page
    references point to it)."""
    mark = f'<text:bookmark text:name="{bookmark}"/>' if bookmark else ""
    return (
        f'<text:h text:style-name="{style}" text:outline-level="{level}">'
        f"{mark}{inline_text(text)}</text:h>"
    )


# ---------------------------------------------------------------- ODT (odfpy)


def _odt_columns(odt, widths: tuple[int, ...]) -> list:
    """Automatic column styles sharing the page width by `widths`."""
    from odf import style as s

    columns = []
    for width in widths:
        name = f"Col{len(odt.automaticstyles.childNodes)}"
        column = s.Style(name=name, family="table-column")
        size = PAGE_WIDTH_CM * width / sum(widths)
        column.addElement(s.TableColumnProperties(columnwidth=f"{size:.2f}cm"))
        odt.automaticstyles.addElement(column)
        columns.append(column)
    return columns


def to_odt(doc: Document) -> bytes:
    from odf import style as s  # heavy: loaded when this format is asked for
    from odf import table as t
    from odf import text as tx
    from odf.opendocument import OpenDocumentText

    odt = OpenDocumentText()

    def add_text(element, text: str) -> None:
        # odf.teletype.addTextToElement walks the text character by character.
        for i, line in enumerate(clean(text).split("\n")):
            if i:
                element.addElement(tx.LineBreak())
            if line:
                element.addText(line)

    def paragraph_style(name: str, *, size="11pt", bold=False, italic=False, color=None, **para):
        text_props = {"fontsize": size}
        if bold:
            text_props["fontweight"] = "bold"
        if italic:
            text_props["fontstyle"] = "italic"
        if color:
            text_props["color"] = color
        style = s.Style(name=name, displayname=name.replace("_20_", " "), family="paragraph")
        style.addElement(s.TextProperties(**text_props))
        style.addElement(s.ParagraphProperties(**({"marginbottom": "0.15cm"} | para)))
        odt.styles.addElement(style)
        return style

    styles = {
        "title": paragraph_style("Title", size="20pt", bold=True, marginbottom="0.4cm"),
        "body": paragraph_style("Text_20_body"),
        "meta": paragraph_style("Meta", italic=True, color="#555555"),
        "action": paragraph_style("Action", bold=True, margintop="0.25cm"),
        "comment": paragraph_style("Comment", marginleft="0.8cm"),
        "history": paragraph_style(
            "History", size="9pt", italic=True, color="#555555", marginleft="0.8cm"
        ),
        "cell": paragraph_style("Table_20_Contents", size="9pt", marginbottom="0cm"),
        "note": paragraph_style("Note", size="8pt", italic=True, color="#555555"),
        "cover": paragraph_style("Cover", size="14pt", margintop="0.3cm"),
        "cover_last": paragraph_style("Cover_20_last", size="14pt", breakafter="page"),
        "todo": paragraph_style(
            "To_20_complete", bold=True, color="#8a5a00", backgroundcolor="#fff3c4"
        ),
    }
    contents_styles = {
        "head": paragraph_style("Contents_20_Heading", size="16pt", bold=True, color="#1a4f8b"),
        1: _tabbed(paragraph_style("Contents_20_1", size="11pt", bold=True, margintop="0.15cm")),
        2: _tabbed(paragraph_style("Contents_20_2", size="10pt", marginleft="0.6cm")),
        "end": paragraph_style("Contents_20_end", breakafter="page"),
    }
    _odt_pages(odt, paragraph_style("Footer", size="8pt", italic=True, color="#555555"))
    header_style = paragraph_style("Table_20_Heading", size="9pt", bold=True, marginbottom="0cm")
    sizes = {1: "16pt", 2: "14pt", 3: "12pt", 4: "11pt"}
    for level, size in sizes.items():
        paragraph_style(
            f"Heading_20_{level}", size=size, bold=True, margintop="0.35cm", color="#1a4f8b"
        )
    cell_style = s.Style(name="TableCell", family="table-cell")
    cell_style.addElement(s.TableCellProperties(border="0.5pt solid #999999", padding="0.05cm"))
    odt.automaticstyles.addElement(cell_style)

    body = odt.text
    title = tx.P(stylename=styles["title"])
    add_text(title, doc.title)
    body.addElement(title)
    for i, line in enumerate(doc.cover):
        last = i == len(doc.cover) - 1
        cover = tx.P(stylename=styles["cover_last" if last else "cover"])
        add_text(cover, line)
        body.addElement(cover)
    if doc.contents:
        body.appendChild(RawXml(_odt_contents(doc, contents_styles)))
    chunk: list[str] = []  # headings and paragraphs, written as XML text (above)
    marks = _contents_marks(doc) if doc.contents else {}
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 4)
            mark = marks.get(id(block), "")
            chunk.append(heading(block.text, level, f"Heading_20_{level}", mark))
        elif isinstance(block, Paragraph):
            style = styles.get(block.style, styles["body"]).getAttribute("name")
            chunk.append(paragraph(block.text, style))
        else:
            body.appendChild(RawXml("".join(chunk)))
            chunk = []
            element = t.Table()
            if block.widths:
                for column in _odt_columns(odt, block.widths):
                    element.addElement(t.TableColumn(stylename=column))
            else:
                element.addElement(t.TableColumn(numbercolumnsrepeated=len(block.headers)))
            header_rows = t.TableHeaderRows()  # repeated on every page the table spans
            element.addElement(header_rows)
            # The header row as odfpy elements (odfpy then keeps the cell style it names),
            # the body rows as XML text.
            row = t.TableRow()
            for value in block.headers:
                cell = t.TableCell(valuetype="string", stylename=cell_style)
                p = tx.P(stylename=header_style)
                add_text(p, value)
                cell.addElement(p)
                row.addElement(cell)
            header_rows.addElement(row)
            names = cell_style.getAttribute("name"), styles["cell"].getAttribute("name")
            rows = "".join(table_row(values, *names) for values in block.rows)
            element.appendChild(RawXml(rows))
            body.addElement(element)
    body.appendChild(RawXml("".join(chunk)))
    buffer = io.BytesIO()
    odt.write(buffer)
    return buffer.getvalue()


def _odt_pages(odt, footer_style) -> None:
    """A4 portrait, MARGIN_CM margins, "page N / M" in the footer of every page (fields)."""
    from odf import style as s
    from odf import text as tx

    layout = s.PageLayout(name="A4_20_portrait")
    width, height = A4_CM
    layout.addElement(
        s.PageLayoutProperties(
            pagewidth=f"{width}cm",
            pageheight=f"{height}cm",
            printorientation="portrait",
            margintop=f"{MARGIN_CM}cm",
            marginbottom=f"{MARGIN_CM - 0.8}cm",
            marginleft=f"{MARGIN_CM}cm",
            marginright=f"{MARGIN_CM}cm",
        )
    )
    footer_layout = s.FooterStyle()
    footer_layout.addElement(s.HeaderFooterProperties(minheight="0.5cm", margintop="0.3cm"))
    layout.addElement(footer_layout)
    odt.automaticstyles.addElement(layout)
    master = s.MasterPage(name="Standard", pagelayoutname=layout)
    footer = s.Footer()
    line = tx.P(stylename=footer_style)
    line.addText(PAGE_WORD)
    line.addElement(tx.PageNumber(selectpage="current", text="1"))
    line.addText(PAGE_OF)
    line.addElement(tx.PageCount(text="1"))
    footer.addElement(line)
    master.addElement(footer)
    odt.masterstyles.addElement(master)


def _contents_marks(doc: Document) -> dict[int, str]:
    """The bookmark of each heading the contents list, by the heading's id()."""
    return {id(h): f"contents_{n}" for n, h in enumerate(doc.contents_entries(), 1)}


def _tabbed(style):
    """The contents' paragraph style with a right tab stop at the text's edge, dotted."""
    from odf import style as s

    (properties,) = style.getElementsByType(s.ParagraphProperties)
    stops = s.TabStops()
    stops.addElement(
        s.TabStop(position=f"{PAGE_WIDTH_CM - 0.01:.2f}cm", type="right", leaderstyle="dotted")
    )
    properties.addElement(stops)
    return style


def _odt_contents(doc: Document, styles) -> str:
    """A table of contents, its entries already written: each heading's text, a tab, and a
    page reference to the bookmark at the heading (Writer shows the page it lands on; updating
    the index makes the same), then a page break."""
    name = {key: style.getAttribute("name") for key, style in styles.items()}
    templates = "".join(
        f'<text:table-of-content-entry-template text:outline-level="{level}"'
        f' text:style-name="{name[level]}"><text:index-entry-link-start/>'
        "<text:index-entry-text/>"
        '<text:index-entry-tab-stop style:type="right" style:leader-char="."/>'
        "<text:index-entry-page-number/><text:index-entry-link-end/>"
        "</text:table-of-content-entry-template>"
        for level in range(1, CONTENTS_LEVELS + 1)
    )
    title = inline_text(CONTENTS_TITLE)
    marks = _contents_marks(doc)
    entries = "".join(
        f'<text:p text:style-name="{name[h.level]}">{inline_text(h.text)}<text:tab/>'
        f'<text:bookmark-ref text:reference-format="page" text:ref-name="{marks[id(h)]}">'
        "1</text:bookmark-ref></text:p>"
        for h in doc.contents_entries()
    )
    return (
        f'<text:table-of-content text:name="{title}" text:protected="true">'
        f'<text:table-of-content-source text:outline-level="{CONTENTS_LEVELS}">'
        f"{templates}"
        "</text:table-of-content-source><text:index-body>"
        f'<text:index-title text:name="{title}_Head">'
        f'<text:p text:style-name="{name["head"]}">{title}</text:p></text:index-title>'
        f"{entries}</text:index-body></text:table-of-content>"
        f'<text:p text:style-name="{name["end"]}"/>'
    )
