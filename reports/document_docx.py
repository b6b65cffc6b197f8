"""The DOCX rendering of a `Document` (reports/document.py), written with python-docx: styles
per paragraph kind, a cover page, a contents page of PAGEREF fields to bookmarks at the
headings, A4 pages numbered « page N / M » in their footers, tables with a repeated header row.

python-docx is loaded only when a DOCX is asked for.
"""

import io
from copy import deepcopy

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
    Link,
    Paragraph,
    spans,
)
from reports.xml_text import clean

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def to_docx(doc: Document) -> bytes:
    import docx  # heavy: loaded when this format is asked for
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
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

    def add_paragraph(
        text: str, style, bookmark: tuple[int, str] | None = None, links: tuple = ()
    ) -> None:
        # document.add_paragraph() scans the whole body to insert before the section
        # properties, then every style to resolve the name: 25 s for 40,000 paragraphs.
        # We write <w:p><w:pPr><w:pStyle/></w:pPr><w:r><w:t/><w:br/>...</w:r></w:p> ourselves
        # and move the section properties back to the end of the body below.
        paragraph = SubElement(body, qn("w:p"))
        SubElement(
            SubElement(paragraph, qn("w:pPr")), qn("w:pStyle"), {qn("w:val"): style.style_id}
        )
        if bookmark:  # where the contents' page reference points
            number, name = str(bookmark[0]), bookmark[1]
            SubElement(paragraph, qn("w:bookmarkStart"), {qn("w:id"): number, qn("w:name"): name})
        for part in spans(Paragraph(text, links=links)) or [""]:
            parent = paragraph
            if isinstance(part, Link):  # an external hyperlink, blue and underlined
                relation = document.part.relate_to(part.url, RT.HYPERLINK, is_external=True)
                parent = SubElement(paragraph, qn("w:hyperlink"), {qn("r:id"): relation})
            run = SubElement(parent, qn("w:r"))
            if isinstance(part, Link):
                looks = SubElement(run, qn("w:rPr"))
                SubElement(looks, qn("w:color"), {qn("w:val"): "1A4F8B"})
                SubElement(looks, qn("w:u"), {qn("w:val"): "single"})
            words = part.words if isinstance(part, Link) else part
            for i, line in enumerate(words.split("\n")):
                if i:
                    SubElement(run, qn("w:br"))
                SubElement(run, qn("w:t"), {XML_SPACE: "preserve"}).text = line
        if bookmark:
            SubElement(paragraph, qn("w:bookmarkEnd"), {qn("w:id"): number})

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
    marks = {id(h): (n, f"_Toc{n:08d}") for n, h in enumerate(doc.contents_entries(), 1)}
    if doc.contents:
        add_paragraph(CONTENTS_TITLE, styles["contents"])
        for level in range(1, CONTENTS_LEVELS + 1):  # the page number at the text's right edge
            styles[level].paragraph_format.tab_stops.add_tab_stop(
                Cm(PAGE_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
        _docx_contents(body, doc.contents_entries(), styles, marks)
        page_break()
    for block in doc.blocks:
        if isinstance(block, Heading):
            style = headings[max(1, min(block.level, 9))]
            add_paragraph(clean(block.text), style, marks.get(id(block)) if doc.contents else None)
        elif isinstance(block, Paragraph):
            links = tuple(Link(clean(k.words), k.url) for k in block.links)
            add_paragraph(clean(block.text), styles.get(block.style, styles["body"]), None, links)
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


def _docx_field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, its result, end) at the paragraph's end."""
    from docx.oxml.ns import qn
    from lxml.etree import SubElement

    _docx_field_char(paragraph, "begin")
    text = SubElement(SubElement(paragraph, qn("w:r")), qn("w:instrText"))
    text.set(XML_SPACE, "preserve")
    text.text = instruction
    _docx_field_char(paragraph, "separate")
    SubElement(SubElement(paragraph, qn("w:r")), qn("w:t")).text = shown
    _docx_field_char(paragraph, "end")


def _docx_contents(body, entries: list[Heading], styles, marks: dict) -> None:
    """The contents: each heading's text, a tab and a PAGEREF field to the bookmark at the
    heading. Writer computes these fields when it lays the pages out, Word when it opens the
    file (settings: updateFields). No TOC field around them: Writer would then show its
    stored result, not the pages."""
    from docx.oxml.ns import qn
    from lxml.etree import SubElement

    for heading in entries:
        paragraph = SubElement(body, qn("w:p"))
        style = styles[min(heading.level, CONTENTS_LEVELS)].style_id
        SubElement(SubElement(paragraph, qn("w:pPr")), qn("w:pStyle"), {qn("w:val"): style})
        run = SubElement(paragraph, qn("w:r"))
        SubElement(run, qn("w:t"), {XML_SPACE: "preserve"}).text = clean(heading.text)
        SubElement(SubElement(paragraph, qn("w:r")), qn("w:tab"))
        _docx_field(paragraph, f" PAGEREF {marks[id(heading)][1]} \\h ", "1")


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
