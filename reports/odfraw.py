"""Pre-serialised XML inside an odfpy document, for the bulk of large files.

odfpy builds a Python object per element and checks each against the ODF grammar: 8 s for
the cells of 10,000 actions, 2 s for the paragraphs of their evaluation. We keep odfpy for the
package, the styles and the settings, and write the repetitive elements (table rows,
paragraphs, table rows) as text with these helpers. Only odf modules import this one.
"""

from xml.sax.saxutils import escape

from odf.element import Text

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


def heading(text, level: int, style: str) -> str:
    return (
        f'<text:h text:style-name="{style}" text:outline-level="{level}">'
        f"{inline_text(text)}</text:h>"
    )
