"""A tiny document model (a cover, headings, paragraphs, tables) and its five renderings.

A report is built once as a `Document`, then written as HTML, Markdown, ODT, DOCX or PDF
(`document_pdf.py`), so the five files always say the same thing:

    >>> doc = Document("Titre", [Heading("Synthèse", 1), Paragraph("3 actions")])
    >>> render(doc, "md").decode()
    '# Titre\\n\\n## Synthèse\\n\\n3 actions\\n'

Paragraph styles: "body", "meta" (period, generation date), "action" (the line that names an
action), "comment" (its story), "history" (its facts: pilots, deadline, lateness) and "note"
(a footnote under a table), "todo" (a place the reader completes, highlighted). The cover's
lines are printed under the title, alone on the first page in the paged formats (ODT, DOCX,
PDF); with `contents`, a contents page follows (in ODT and DOCX a live index Writer and Word
update, in PDF with its page numbers). The paged formats are A4 portrait, 2 cm margins, every
page after the cover numbered in its footer ("page 2 / 14": fields in ODT and DOCX).
"""

import html
import io
import re
from copy import deepcopy

from reports.document_model import (
    CONTENTS_LEVELS,
    CONTENTS_TITLE,
    Document,
    Heading,
    Paragraph,
    Table,
)
from reports.xml_text import clean

__all__ = ["FORMATS", "Document", "Heading", "Paragraph", "Table", "render", "to_html", "to_md"]

FORMATS = ("html", "md", "odt", "docx", "pdf")


def render(doc: Document, fmt: str) -> bytes:
    """The document as file bytes in `fmt` ("html", "md", "odt", "docx" or "pdf")."""
    if fmt == "pdf":
        # fpdf2 and its fonts are loaded only when a PDF is asked for.
        from reports.document_pdf import to_pdf

        return to_pdf(doc)
    renderers = {"html": to_html, "md": to_md, "odt": to_odt, "docx": to_docx}
    if fmt not in renderers:
        raise ValueError(f"Format inconnu : {fmt!r} (formats possibles : {', '.join(FORMATS)})")
    return renderers[fmt](doc)


# ---------------------------------------------------------------- HTML

CSS = """
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; margin: 2rem auto;
       max-width: 70rem; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { color: #1a4f8b; } h2 { color: #1a4f8b; border-bottom: 1px solid #ccd; }
h3 { color: #333; } h4 { color: #555; margin-bottom: .3rem; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { border: 1px solid #bbc; padding: .25rem .5rem; vertical-align: top; text-align: left; }
th { background: #e8eef7; } td.num { text-align: right; }
p.meta { color: #555; font-style: italic; }
div.cover { margin: 1rem 0 2rem; padding: 1rem 0; border-bottom: 2px solid #1a4f8b; }
p.cover { font-size: 1.15rem; margin: .3rem 0; }
p.note { font-size: .8rem; color: #555; }
p.action { font-weight: bold; margin: .8rem 0 .2rem; }
p.comment { margin: 0 0 .2rem 1.5rem; }
p.history { margin: 0 0 .2rem 1.5rem; font-size: .85rem; color: #555; font-style: italic; }
p.todo { background: #fff3c4; padding: .2rem .4rem; }
nav.contents li.level2 { margin-left: 1.5rem; }
"""

#: Text before the page number in the footer of ODT and DOCX ("page 3 / 12").
PAGE_WORD, PAGE_OF = "page ", " / "
#: A4 portrait and its margins (cm); the text is PAGE_WIDTH_CM wide.
A4_CM, MARGIN_CM = (21.0, 29.7), 2.0


def _html_text(text: str) -> str:
    return html.escape(clean(text)).replace("\n", "<br>")


def to_html(doc: Document) -> bytes:
    out = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_html_text(doc.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_html_text(doc.title)}</h1>",
    ]
    if doc.cover:
        out.append('<div class="cover">')
        out.extend(f'<p class="cover">{_html_text(line)}</p>' for line in doc.cover)
        out.append("</div>")
    anchors = {id(h): f"s{n}" for n, h in enumerate(doc.contents_entries(), 1)}
    if doc.contents:
        out.append(f'<nav class="contents"><h2>{_html_text(CONTENTS_TITLE)}</h2><ul>')
        out.extend(
            f'<li class="level{h.level}"><a href="#{anchors[id(h)]}">{_html_text(h.text)}</a></li>'
            for h in doc.contents_entries()
        )
        out.append("</ul></nav>")
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)
            anchor = f' id="{anchors[id(block)]}"' if id(block) in anchors else ""
            out.append(f"<h{level}{anchor}>{_html_text(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f'<p class="{block.style}">{_html_text(block.text)}</p>')
        else:
            out.append("<table><thead><tr>")
            out.extend(f"<th>{_html_text(h)}</th>" for h in block.headers)
            out.append("</tr></thead><tbody>")
            for row in block.rows:
                cells = (
                    f'<td class="num">{_html_text(c)}</td>'
                    if i in block.numeric
                    else f"<td>{_html_text(c)}</td>"
                    for i, c in enumerate(row)
                )
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
    out.append("</body></html>\n")
    return "\n".join(out).encode("utf-8")


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md_text(text: str) -> str:
    """Escaped so that user text never turns into markup, links or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text))


def _md_cell(text: str) -> str:
    text = re.sub(r"/\s*[\r\n]+\s*", "/", _md_text(text))  # initials broken after a "/"
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip() or " "


def to_md(doc: Document) -> bytes:
    out = [f"# {_md_text(doc.title)}"]
    out.extend(f"**{_md_text(line)}**" for line in doc.cover)
    if doc.contents:
        out.append(f"## {_md_text(CONTENTS_TITLE)}")
        out.append(
            "\n".join(f"{'  ' * (h.level - 1)}- {_md_text(h.text)}" for h in doc.contents_entries())
        )
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * min(block.level + 1, 6)} {_md_text(block.text)}")
        elif isinstance(block, Paragraph):
            text = _md_text(block.text).replace("\n", "  \n")
            if block.style == "action":
                text = f"**{text}**"
            elif block.style in ("meta", "history", "note"):
                text = f"*{text}*"
            elif block.style == "todo":
                text = f"**{text}**"
            out.append(text)
        else:
            lines = ["| " + " | ".join(_md_cell(h) for h in block.headers) + " |"]
            lines.append(
                "|"
                + "|".join(
                    "---:" if i in block.numeric else "---" for i in range(len(block.headers))
                )
                + "|"
            )
            lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows)
            out.append("\n".join(lines))
    return ("\n\n".join(out) + "\n").encode("utf-8")


# ---------------------------------------------------------------- ODT (odfpy)


#: Text width of an A4 page with LibreOffice's default margins.
PAGE_WIDTH_CM = 17.0


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

    from reports import odfraw  # imports odfpy, so it is loaded late too

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
        1: paragraph_style("Contents_20_1", size="11pt", bold=True, margintop="0.15cm"),
        2: paragraph_style("Contents_20_2", size="10pt", marginleft="0.6cm"),
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
        body.appendChild(odfraw.RawXml(_odt_contents(doc, odfraw, contents_styles)))
    chunk: list[str] = []  # headings and paragraphs, written as XML text (see odfraw.py)
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 4)
            chunk.append(odfraw.heading(block.text, level, f"Heading_20_{level}"))
        elif isinstance(block, Paragraph):
            style = styles.get(block.style, styles["body"]).getAttribute("name")
            chunk.append(odfraw.paragraph(block.text, style))
        else:
            body.appendChild(odfraw.RawXml("".join(chunk)))
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
            rows = "".join(odfraw.table_row(values, *names) for values in block.rows)
            element.appendChild(odfraw.RawXml(rows))
            body.addElement(element)
    body.appendChild(odfraw.RawXml("".join(chunk)))
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


def _odt_contents(doc: Document, odfraw, styles) -> str:
    """A live table of contents (Writer fills in the page numbers when it updates the index),
    given with the headings already in it, then a page break."""
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
    title = odfraw.inline_text(CONTENTS_TITLE)
    entries = "".join(
        odfraw.paragraph(heading.text, name[heading.level]) for heading in doc.contents_entries()
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


# ---------------------------------------------------------------- DOCX (python-docx)


XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def to_docx(doc: Document) -> bytes:
    import docx  # heavy: loaded when this format is asked for
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor
    from lxml.etree import SubElement

    document = docx.Document()
    grey = RGBColor(0x55, 0x55, 0x55)
    TABLE_FONT = Pt(9)  # noqa: N806 (a constant of this renderer)

    def paragraph_style(name, *, size=None, bold=False, italic=False, color=None, indent=None):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.bold = bold or None
        style.font.italic = italic or None
        if size:
            style.font.size = Pt(size)
        if color:
            style.font.color.rgb = color
        if indent:
            style.paragraph_format.left_indent = Cm(indent)
        style.paragraph_format.space_after = Pt(3)
        return style

    styles = {
        "body": document.styles["Normal"],
        "meta": paragraph_style("Meta", italic=True, color=grey),
        "action": paragraph_style("Action", bold=True),
        "comment": paragraph_style("Comment", indent=0.8),
        "history": paragraph_style("History", size=9, italic=True, color=grey, indent=0.8),
        "note": paragraph_style("Note", size=8, italic=True, color=grey),
        "cover": paragraph_style("Cover", size=14),
        "todo": paragraph_style("To complete", bold=True, color=RGBColor(0x8A, 0x5A, 0x00)),
        "contents": paragraph_style("Contents Title", size=16, bold=True),
        1: paragraph_style("Contents 1", bold=True),
        2: paragraph_style("Contents 2", indent=0.6),
    }
    styles["action"].paragraph_format.space_before = Pt(8)
    _docx_pages(document, paragraph_style("Page footer", size=8, italic=True, color=grey))

    body = document.element.body
    section_properties = body.sectPr

    def add_paragraph(text: str, style) -> None:
        # document.add_paragraph() scans the whole body to insert before the section
        # properties, then every style to resolve the name: 25 s for 40,000 paragraphs.
        # We write <w:p><w:pPr><w:pStyle/></w:pPr><w:r><w:t/><w:br/>...</w:r></w:p> ourselves
        # and move the section properties back to the end of the body below.
        paragraph = SubElement(body, qn("w:p"))
        SubElement(
            SubElement(paragraph, qn("w:pPr")), qn("w:pStyle"), {qn("w:val"): style.style_id}
        )
        run = SubElement(paragraph, qn("w:r"))
        for i, line in enumerate(text.split("\n")):
            if i:
                SubElement(run, qn("w:br"))
            SubElement(run, qn("w:t"), {XML_SPACE: "preserve"}).text = line

    # Looking a style up by name scans the style part: once per style, not per paragraph.
    headings = {level: document.styles[f"Heading {level}"] for level in range(1, 10)}
    add_paragraph(clean(doc.title), document.styles["Title"])
    for line in doc.cover:
        add_paragraph(clean(line), styles["cover"])

    def page_break() -> None:
        SubElement(
            SubElement(SubElement(body, qn("w:p")), qn("w:r")), qn("w:br"), {qn("w:type"): "page"}
        )

    if doc.cover:
        page_break()
    if doc.contents:
        add_paragraph(CONTENTS_TITLE, styles["contents"])
        _docx_contents(body, doc.contents_entries(), styles)
        page_break()
    for block in doc.blocks:
        if isinstance(block, Heading):
            add_paragraph(clean(block.text), headings[max(1, min(block.level, 9))])
        elif isinstance(block, Paragraph):
            add_paragraph(clean(block.text), styles.get(block.style, styles["body"]))
        else:
            body.append(section_properties)
            table = document.add_table(rows=1, cols=len(block.headers))
            table.style = document.styles["Table Grid"]
            # Fixed layout with widths: Word keeps them instead of fitting columns to words.
            table.autofit = not block.widths
            # The header row is repeated on every page the table spans.
            SubElement(table.rows[0]._tr.get_or_add_trPr(), qn("w:tblHeader"))
            for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = clean(header)
                run = cell.paragraphs[0].runs[0]
                run.font.bold = True
                run.font.size = TABLE_FONT
            if block.widths:
                # Word reads the cells' widths, LibreOffice the grid's: set both.
                sizes = [Cm(PAGE_WIDTH_CM * w / sum(block.widths)) for w in block.widths]
                for column, size in zip(table.columns, sizes, strict=True):
                    column.width = size
                for cell, size in zip(table.rows[0].cells, sizes, strict=True):
                    cell.width = size
            # table.add_row() and cell.text build each cell through python-docx's objects:
            # 25 s for 10,000 rows. The body rows are written as <w:tr> elements, each cell
            # with the header cell's properties (its width) and 9-point runs.
            header = table.rows[0]._tr
            cell_properties = [tc.find(qn("w:tcPr")) for tc in header.iter(qn("w:tc"))]
            for values in block.rows:
                row = SubElement(table._tbl, qn("w:tr"))
                for i, value in enumerate(values):
                    cell = SubElement(row, qn("w:tc"))
                    if cell_properties[i] is not None:
                        cell.append(deepcopy(cell_properties[i]))
                    paragraph = SubElement(cell, qn("w:p"))
                    if i in block.numeric:
                        alignment = SubElement(paragraph, qn("w:pPr"))
                        SubElement(alignment, qn("w:jc"), {qn("w:val"): "right"})
                    run = SubElement(paragraph, qn("w:r"))
                    size = SubElement(SubElement(run, qn("w:rPr")), qn("w:sz"))
                    size.set(qn("w:val"), str(int(TABLE_FONT.pt * 2)))
                    for n, line in enumerate(clean(value).split("\n")):
                        if n:
                            SubElement(run, qn("w:br"))
                        SubElement(run, qn("w:t"), {XML_SPACE: "preserve"}).text = line
    body.append(section_properties)  # lxml moves it: the section properties close the body
    # Word fills the contents' page numbers when it opens the file (it asks first).
    SubElement(document.settings.element, qn("w:updateFields"), {qn("w:val"): "true"})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_field_char(paragraph, kind: str) -> None:
    from docx.oxml.ns import qn
    from lxml.etree import SubElement

    SubElement(SubElement(paragraph, qn("w:r")), qn("w:fldChar"), {qn("w:fldCharType"): kind})


def _docx_contents(body, entries: list[Heading], styles) -> None:
    """A TOC field over Heading 1 and 2, its result given as the headings already in it (no
    page numbers until Word or Writer updates it)."""
    from docx.oxml.ns import qn
    from lxml.etree import SubElement

    entries = entries or [Heading(CONTENTS_TITLE, 1)]
    for index, heading in enumerate(entries):
        paragraph = SubElement(body, qn("w:p"))
        style = styles[min(heading.level, CONTENTS_LEVELS)].style_id
        SubElement(SubElement(paragraph, qn("w:pPr")), qn("w:pStyle"), {qn("w:val"): style})
        if index == 0:
            _docx_field_char(paragraph, "begin")
            instruction = SubElement(SubElement(paragraph, qn("w:r")), qn("w:instrText"))
            instruction.set(XML_SPACE, "preserve")
            instruction.text = f' TOC \\o "1-{CONTENTS_LEVELS}" \\h \\z \\u '
            _docx_field_char(paragraph, "separate")
        run = SubElement(paragraph, qn("w:r"))
        SubElement(run, qn("w:t"), {XML_SPACE: "preserve"}).text = clean(heading.text)
        if index == len(entries) - 1:
            _docx_field_char(paragraph, "end")


def _docx_pages(document, footer_style) -> None:
    """A4 portrait, MARGIN_CM margins, "page N / M" in the footer (PAGE and NUMPAGES fields)."""
    from docx.oxml.ns import qn
    from docx.shared import Cm
    from lxml.etree import SubElement

    section = document.sections[0]
    section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    section.footer_distance = Cm(1)
    paragraph = section.footer.paragraphs[0]
    paragraph.style = footer_style
    paragraph.add_run(PAGE_WORD)
    for instruction, after in (("PAGE", PAGE_OF), ("NUMPAGES", "")):
        field = SubElement(paragraph._p, qn("w:fldSimple"), {qn("w:instr"): instruction})
        SubElement(SubElement(field, qn("w:r")), qn("w:t")).text = "1"
        if after:
            paragraph.add_run(after)
