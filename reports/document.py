"""A tiny document model (a cover, headings, paragraphs, tables) and its five renderings.

A report is built once as a `Document`, then written as HTML, Markdown, ODT (`odfraw.py`),
DOCX (`document_docx.py`) or PDF (`document_pdf.py`), so the five files always say the same
thing:

    >>> doc = Document("Titre", [Heading("Synthèse", 1), Paragraph("3 actions")])
    >>> render(doc, "md").decode()
    '# Titre\\n\\n## Synthèse\\n\\n3 actions\\n'

Paragraph styles: "body", "meta" (period, generation date), "action" (the line that names an
action), "comment" (its story), "history" (its facts: pilots, deadline, lateness) and "note"
(a footnote under a table), "todo" (a place the reader completes, highlighted). A paragraph's
`links` (a decision's deliberation) are links in HTML, Markdown and DOCX; ODT and PDF print
their address in parentheses. The cover's
lines are printed under the title, alone on the first page in the paged formats (ODT, DOCX,
PDF); with `contents`, a contents page follows, each section with the page it starts on (in
ODT and DOCX a page reference to a bookmark at its heading, which Writer and Word compute).
The paged formats are A4 portrait, 2 cm margins, every page numbered in its footer
("page 2 / 14": fields in ODT and DOCX).
"""

import html
import re

from reports.document_docx import to_docx
from reports.document_model import (
    CONTENTS_TITLE,
    Document,
    Heading,
    Link,
    Paragraph,
    Table,
    spans,
)
from reports.xml_text import clean

__all__ = [
    "FORMATS",
    "Document",
    "Heading",
    "Link",
    "Paragraph",
    "Table",
    "render",
    "to_html",
    "to_md",
]

FORMATS = ("html", "md", "odt", "docx", "pdf")


def render(doc: Document, fmt: str) -> bytes:
    """The document as file bytes in `fmt` ("html", "md", "odt", "docx" or "pdf")."""
    if fmt == "pdf":
        # fpdf2 and its fonts are loaded only when a PDF is asked for.
        from reports.document_pdf import to_pdf

        return to_pdf(doc)
    if fmt == "odt":
        from reports.odfraw import to_odt  # odfpy, the same

        return to_odt(doc)
    renderers = {"html": to_html, "md": to_md, "docx": to_docx}
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
            text = "".join(
                f'<a href="{html.escape(part.url, quote=True)}">{_html_text(part.words)}</a>'
                if isinstance(part, Link)
                else _html_text(part)
                for part in spans(block)
            )
            out.append(f'<p class="{block.style}">{text}</p>')
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


def _md_url(url: str) -> str:
    """An address as a link's target: its spaces, brackets and parentheses escaped."""
    return re.sub(r"[\s()<>\[\]]", lambda m: f"%{ord(m.group()):02X}", url)


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
            text = "".join(
                f"[{_md_text(part.words)}]({_md_url(part.url)})"
                if isinstance(part, Link)
                else _md_text(part)
                for part in spans(block)
            ).replace("\n", "  \n")
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
