"""Text measured, broken into lines and placed on a PDF page (fpdf2), fast for large plans.

fpdf2's own line breaking (`multi_cell`, `table`) measures the whole line again for each
character it adds: 70 s for the evaluation of a 10,000-action plan. Without text shaping, a
string is exactly as wide as the sum of its characters, so `Measure` keeps each character's
width per font and size, breaks the lines itself, and fpdf2 only places them (`place`):

    measure = Measure(pdf)
    for line in measure.lines("Une longue phrase du rapport…", width=80):
        ...
"""

#: Room (mm) left at the end of a line for rounding, so that nothing touches the margin.
SLACK = 0.01


class Measure:
    """Widths (mm) of text in the PDF's current font, and lines broken to a width."""

    def __init__(self, pdf) -> None:
        self.pdf = pdf
        self._widths: dict[tuple, dict[str, float]] = {}

    def width(self, text: str) -> float:
        pdf = self.pdf
        key = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
        widths = self._widths.get(key)
        if widths is None:
            widths = self._widths[key] = {}
        total = 0.0
        for character in text:
            width = widths.get(character)
            if width is None:
                width = widths[character] = pdf.get_string_width(character)
            total += width
        return total

    def lines(self, text: str, width: float) -> list[str]:
        """`text` broken at spaces into lines at most `width` mm wide; a newline starts a
        line, a word wider than a line is cut where it must be. Empty text is one empty line.

        Spaces inside a line are kept as written; a line does not start with the space it was
        broken at.
        """
        lines: list[str] = []
        space = self.width(" ")
        room = width - SLACK
        for part in text.split("\n"):
            line: str | None = None
            used = 0.0
            for word in part.split(" "):
                size = self.width(word)
                if line is not None and used + space + size <= room:
                    line, used = f"{line} {word}", used + space + size
                    continue
                if line is not None:
                    lines.append(line)
                while size > room and len(word) > 1:  # a word wider than the line: cut it
                    cut = self._longest_fit(word, room)
                    lines.append(word[:cut])
                    word = word[cut:]
                    size = self.width(word)
                line, used = word, size
            lines.append(line or "")
        return lines

    def _longest_fit(self, word: str, room: float) -> int:
        used = 0.0
        for index, character in enumerate(word):
            used += self.width(character)
            if used > room:
                return max(1, index)
        return len(word)

    def fit(self, text: str, width: float, ellipsis: str = "…") -> str:
        """`text` on one line no wider than `width`, cut with "…" when it must be."""
        if self.width(text) <= width - SLACK:
            return text
        room = width - SLACK - self.width(ellipsis)
        used, end = 0.0, 0
        for index, character in enumerate(text):
            used += self.width(character)
            if used > room:
                end = index
                break
        return text[:end].rstrip() + ellipsis


def place(pdf, x: float, top: float, height: float, text: str) -> None:
    """`text` on one line at `x`, vertically centred in a box of `height` mm from `top` (where
    fpdf2's `cell` would print it)."""
    if text:
        pdf.text(x, top + 0.5 * height + 0.3 * pdf.font_size, text)


def place_lines(
    pdf, x: float, top: float, width: float, line: float, lines: list[str], align: str = "L"
) -> None:
    """`lines` one under the other from `top`, `line` mm apart, in a cell `width` mm wide at
    `x` (with the PDF's cell padding), left, right ("R") or centre ("C") aligned."""
    for index, text in enumerate(lines):
        if not text:
            continue
        if align == "L":
            left = x + pdf.c_margin
        else:
            room = width - 2 * pdf.c_margin - pdf.measure.width(text)
            left = x + pdf.c_margin + (room if align == "R" else room / 2)
        place(pdf, left, top + index * line, line, text)
