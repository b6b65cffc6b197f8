"""Documents as a reader sees them: a DOCX, ODT, XLSX or ODS printed to PDF by LibreOffice, a
PDF cut into PNG pages by poppler, and the checks a DG makes by eye — A4, margins, nothing cut
at the edge, the page number on every page.

    pdfs = to_pdf([folder / "evaluation.odt", folder / "tableau.xlsx"], folder / "pdf")
    pages = pdf_pages(pdfs[0], folder / "png")          # one Page per page, PNG at 50 dpi
    page_format(pages[0])                               # "A4 portrait" or "A4 paysage"
    margins_mm(pages[0])                                # (left, top, right, bottom) of ink
    words_past_the_edge(pages[0]), shows_its_number(pages[0])

LibreOffice (`SOFFICE`, /usr/bin/soffice) runs with a private profile, one at a time: a lock
file (`LOCK`) is held while it converts, across the test processes of this machine. poppler's
pdfinfo, pdftoppm and pdftotext read the PDFs. Pillow reads the PNG pages (matplotlib's
reader when Pillow is missing).
"""

import fcntl
import html
import re
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SOFFICE = "/usr/bin/soffice"
LOCK = Path(tempfile.gettempdir()) / "pst-bot-libreoffice.lock"
RESOLUTION = 50  # dots per inch of the PNG pages: enough to see ink, light to compare
POINTS_PER_MM = 72 / 25.4
A4_POINTS = (595.3, 841.9)  # 210 x 297 mm
#: Ink is a pixel darker than this in any channel (a light tint counts, paper white does not).
INK_BELOW = 245
#: The page number is looked for in the top and bottom bands of a page, in fractions.
NUMBER_BAND = 0.12
#: A word of `pdftotext -bbox`, with its box in points.
WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*)</word>'
)


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    """One printed page: its number (from 1), its size in points, its PNG and its words."""

    number: int
    width: float
    height: float
    png: Path
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@contextmanager
def one_libreoffice():
    """Hold the machine's LibreOffice lock: a second soffice with its own profile would still
    share the two cores, and one at a time keeps each conversion's time bounded."""
    LOCK.touch(exist_ok=True)
    with LOCK.open("r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def to_pdf(sources: list[Path], out: Path, timeout: int = 300) -> list[Path]:
    """Each of `sources` printed to PDF by LibreOffice, in one run, under `out`: the PDFs in
    the order of `sources`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pst-lo-profile-") as profile, one_libreoffice():
        subprocess.run(
            [
                SOFFICE,
                "--headless",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    pdfs = [out / f"{source.stem}.pdf" for source in sources]
    missing = [pdf.name for pdf in pdfs if not pdf.exists()]
    assert not missing, f"LibreOffice wrote no {missing}"
    return pdfs


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, as pdfinfo reads them."""
    count = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M).group(1))
    info = _run("pdfinfo", "-f", "1", "-l", str(count), str(pdf))
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return [(float(width), float(height)) for width, height in sizes]


def page_words(pdf: Path) -> dict[int, list[Word]]:
    """The words of every page with their boxes (points from the top left), by pdftotext."""
    found: dict[int, list[Word]] = {}
    number = 0
    for line in _run("pdftotext", "-bbox", str(pdf), "-").splitlines():
        if "<page " in line:
            number += 1
            found[number] = []
        word = WORD.search(line)
        if word:
            x0, y0, x1, y1 = map(float, word.groups()[:4])
            found[number].append(Word(html.unescape(word.group(5)), x0, y0, x1, y1))
    return found


def pdf_pages(pdf: Path, out: Path, resolution: int = RESOLUTION, last: int | None = None):
    """The pages of `pdf` (up to `last`) as `Page`s, their PNG rendered under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    sizes = page_sizes(pdf)
    last = min(last or len(sizes), len(sizes))
    prefix = out / pdf.stem
    _run(
        "pdftoppm", "-r", str(resolution), "-png", "-f", "1", "-l", str(last), str(pdf), str(prefix)
    )
    pngs = sorted(out.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    words = page_words(pdf)
    return [
        Page(number, width, height, png, words.get(number, []))
        for number, ((width, height), png) in enumerate(zip(sizes, pngs, strict=False), start=1)
    ]


def page_format(page: Page, tolerance: float = 3.0) -> str | None:
    """ "A4 portrait" or "A4 paysage" (within `tolerance` points), else None."""
    size = (round(page.width, 1), round(page.height, 1))
    for name, (width, height) in (
        ("A4 portrait", A4_POINTS),
        ("A4 paysage", A4_POINTS[::-1]),
    ):
        if abs(size[0] - width) <= tolerance and abs(size[1] - height) <= tolerance:
            return name
    return None


def ink(png: Path):
    """The page as a grid of booleans, True where there is ink (rows top to bottom)."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with matplotlib; its own reader otherwise
        import matplotlib.image

        pixels = matplotlib.image.imread(str(png))[..., :3] * 255
    else:
        import numpy

        pixels = numpy.asarray(Image.open(png).convert("RGB"))
    return (pixels < INK_BELOW).any(axis=2)


def margins_mm(page: Page) -> tuple[float, float, float, float] | None:
    """The white around the ink, (left, top, right, bottom) in millimetres; None for a blank
    page."""
    grid = ink(page.png)
    rows, columns = grid.any(axis=1).nonzero()[0], grid.any(axis=0).nonzero()[0]
    if not len(rows):
        return None
    height, width = grid.shape
    mm_per_pixel = 25.4 / RESOLUTION * (page.width * RESOLUTION / 72) / width
    return (
        columns[0] * mm_per_pixel,
        rows[0] * mm_per_pixel,
        (width - 1 - columns[-1]) * mm_per_pixel,
        (height - 1 - rows[-1]) * mm_per_pixel,
    )


def words_past_the_edge(page: Page) -> list[str]:
    """The words that do not lie whole on the page (cut by its edge, or off it)."""
    return [
        word.text
        for word in page.words
        if word.x0 < 0 or word.y0 < 0 or word.x1 > page.width or word.y1 > page.height
    ]


def shows_its_number(page: Page, band: float = NUMBER_BAND) -> bool:
    """True when the page's top or bottom band carries its number: « 3 », « 3/12 »,
    « 3 / 12 », « Page 3 sur 12 », « - 3 - » (a date such as 06/12/2021 is no page 12)."""
    shown = " ".join(
        word.text
        for word in page.words
        if word.y1 <= page.height * band or word.y0 >= page.height * (1 - band)
    )
    n = page.number
    return any(
        re.search(pattern, shown)
        for pattern in (
            rf"(?i)\bpage\s+{n}(?!\d)",
            rf"(?<![\d/]){n}\s*/\s*\d+(?![\d/])",
            rf"(?:^|\s)[-–—]?\s*{n}\s*[-–—]?(?:\s|$)",
        )
    )
