"""The document model every report is built in: a cover, headings, paragraphs, tables
(rendered by reports/document.py and reports/document_pdf.py)."""

from dataclasses import dataclass, field

#: The heading levels a contents page lists (1 = section, 2 = its parts).
CONTENTS_LEVELS = 2
CONTENTS_TITLE = "Table des matières"
#: The page of ODT and DOCX: A4 portrait and its margins (cm); the text is PAGE_WIDTH_CM wide.
A4_CM, MARGIN_CM = (21.0, 29.7), 2.0
PAGE_WIDTH_CM = A4_CM[0] - 2 * MARGIN_CM
#: Text around the page number in the footer of ODT and DOCX ("page 3 / 12").
PAGE_WORD, PAGE_OF = "page ", " / "


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 = section, 2, 3, 4 = deeper


@dataclass(frozen=True)
class Link:
    """Words of a paragraph that point to `url`. The paragraph's text says them followed by
    the address in parentheses (`written`), as the formats without links print them; HTML,
    Markdown and DOCX make the words a link instead."""

    words: str
    url: str

    @property
    def written(self) -> str:
        return f"{self.words} ({self.url})"


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # "todo": a place the reader completes (highlighted)
    links: tuple[Link, ...] = ()


def spans(paragraph: Paragraph) -> list[str | Link]:
    """The paragraph's text cut at its links, in order: plain text and `Link`s.

    >>> link = Link("Conseil du 24/03/2027", "https://example.be/12")
    >>> spans(Paragraph(f"Décisions : {link.written}.", links=(link,)))[1] == link
    True
    """
    parts: list[str | Link] = []
    rest = paragraph.text
    for link in paragraph.links:
        at = rest.find(link.written)
        if at < 0 or not link.url.startswith(("https://", "http://")):
            continue
        parts.extend([rest[:at], link])
        rest = rest[at + len(link.written) :]
    parts.append(rest)
    return [part for part in parts if part != ""]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    numeric: frozenset[int] = frozenset()  # right-aligned column indexes
    widths: tuple[int, ...] = ()  # relative column widths (ODT, DOCX, PDF); empty: equal


@dataclass
class Document:
    title: str
    blocks: list[Heading | Paragraph | Table] = field(default_factory=list)
    cover: tuple[str, ...] = ()  # organisation, plan, period, date: under the title
    #: A contents page after the cover (headings up to CONTENTS_LEVELS), page numbers where
    #: the format has pages.
    contents: bool = False

    def contents_entries(self) -> list[Heading]:
        return [
            block
            for block in self.blocks
            if isinstance(block, Heading) and block.level <= CONTENTS_LEVELS
        ]
