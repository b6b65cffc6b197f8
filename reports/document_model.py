"""The document model every report is built in: a cover, headings, paragraphs, tables
(rendered by reports/document.py and reports/document_pdf.py)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 = section, 2, 3, 4 = deeper


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"


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
