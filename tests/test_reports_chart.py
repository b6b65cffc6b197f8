"""The progress chart: a 16:9 PNG a slide and a phone can show, drawn without pyplot's global
state."""

import io
import subprocess
import sys
from dataclasses import replace

from PIL import Image

from reports import progress_chart_png
from reports.chart import DPI, HEIGHT_INCHES, WIDTH_INCHES
from reports.sample import synthetic_plan

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def image(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    return Image.open(io.BytesIO(data))


def test_chart_is_a_png_of_a_slide_two_thousand_pixels_wide():
    picture = image(progress_chart_png(synthetic_plan(127)))

    assert picture.size == (round(WIDTH_INCHES * DPI), round(HEIGHT_INCHES * DPI))
    assert picture.width == 2000  # sharp on a projector, light enough for a phone
    assert picture.mode in ("RGB", "RGBA")


def test_chart_uses_the_status_colours():
    picture = image(progress_chart_png(synthetic_plan(127))).convert("RGB")
    colours = {colour for _, colour in picture.getcolors(maxcolors=100_000)}

    assert {(0x2E, 0x7D, 0x32), (0x19, 0x76, 0xD2), (0xC6, 0x28, 0x28)} <= colours


def test_chart_keeps_the_slide_size_whatever_the_number_of_os():
    one_os = image(progress_chart_png(synthetic_plan(20)))
    ten_os = image(progress_chart_png(synthetic_plan(200)))
    hundred_os = [replace(a, os_number=a.number) for a in synthetic_plan(100)]
    most = image(progress_chart_png(hundred_os))

    assert one_os.size == ten_os.size == most.size == (2000, 1125)


def test_an_empty_plan_gives_a_chart_that_says_so():
    assert image(progress_chart_png([], title="Rien")).size == (2000, 1125)


def test_chart_leaves_pyplot_and_its_backend_alone():
    code = (
        "import sys, matplotlib\n"
        "backend = matplotlib.rcParams._get_backend_or_none()\n"
        "from reports import progress_chart_png\n"
        "from reports.sample import synthetic_plan\n"
        "progress_chart_png(synthetic_plan(30))\n"
        "same_backend = matplotlib.rcParams._get_backend_or_none() == backend\n"
        "print('matplotlib.pyplot' in sys.modules, same_backend)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.split() == ["False", "True"]
