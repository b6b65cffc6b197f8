"""Render the bundled example's documents, after its scripted month, into docs/examples/: the
first pages of the evaluation (odt, docx, pdf) and of the table (xlsx, ods, pdf) as a reader
sees them printed (LibreOffice for the office files, then pdftoppm), and the chart as
`!graphique` sends it.

    .venv/bin/python scripts/render_examples.py                 # pages 1-2 at 40 dpi
    .venv/bin/python scripts/render_examples.py --pages 3 --out /tmp/pages

The month is tests/test_digest_example.py's (imported 08/11/2021, the DG asks on 06/12/2021);
the documents are made and printed exactly as tests/test_documents_look.py makes them. The
pages are written as `evaluation-odt-page-1.png`..., reduced to 64 colours to stay small.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rendering import pdf_pages  # noqa: E402
from tests.test_documents_look import example_documents, printed_pdfs  # noqa: E402

EXAMPLES = ROOT / "docs" / "examples"


def small_png(source: Path, target: Path) -> None:
    """`source` copied to `target`, in 64 colours when Pillow is there (a page of text reads
    the same, in a third of the bytes)."""
    try:
        from PIL import Image
    except ImportError:
        shutil.copyfile(source, target)
        return
    with Image.open(source) as picture:
        picture.convert("RGB").quantize(colors=64).save(target, optimize=True)


def render(out: Path, pages: int, resolution: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="pst-examples-") as work:
        folder = Path(work)
        documents = example_documents(folder / "files")
        for name, pdf in printed_pdfs(documents, folder / "pdf").items():
            stem = name.replace(".", "-")
            for page in pdf_pages(pdf, folder / "png" / stem, resolution, last=pages)[:pages]:
                target = out / f"{stem}-page-{page.number}.png"
                small_png(page.png, target)
                written.append(target)
        chart = out / "graphique.png"
        shutil.copyfile(documents["graphique.png"], chart)
        written.append(chart)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="folder of the PNG files")
    parser.add_argument("--pages", type=int, default=2, help="pages of each document")
    parser.add_argument("--resolution", type=int, default=40, help="dots per inch")
    arguments = parser.parse_args()
    for path in render(arguments.out, arguments.pages, arguments.resolution):
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
            f"  {path.stat().st_size // 1024} Ko"
        )


if __name__ == "__main__":
    main()
