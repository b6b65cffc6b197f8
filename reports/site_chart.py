"""The published site's two charts as SVG, written by hand: small, sharp at any size, no
script, every text escaped. A page shows them as images beside a table of the same numbers
(their text alternative).

    svg = by_os_svg([("OS 1", 25.0), ("OS 2", 60.0)])
    svg = over_time_svg([(date(2026, 1, 31), 10.0), (date(2026, 2, 28), 12.5)])

16:9 for a slide (640 × 360), taller when there are more OS than fit; text at 16 units, so
that it stays readable once the image is scaled to a phone's width.
"""

from datetime import date
from xml.sax.saxutils import escape

from reports.site_words import CHART_BY_OS_TITLE, CHART_OVER_TIME_TITLE
from storage.french import format_percent

WIDTH, HEIGHT = 640, 360
#: Done green (5.1:1 on white: a graphic needs 3:1), its track, the text, the grid.
DONE_COLOR, TRACK_COLOR, TEXT_COLOR, GRID_COLOR = "#2e7d32", "#e6e6e6", "#1a1a1a", "#8a8a8a"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
_TITLE_SPACE, _ROW = 56, 44
_LABEL_WIDTH, _VALUE_WIDTH = 72, 76
#: Room a month label ("01/2026") takes on the time axis, with its gap.
_TICK_WIDTH = 84


def _svg(width: int, height: int, title: str, body: list[str]) -> bytes:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" {FONT} font-size="16" '
        f'fill="{TEXT_COLOR}">'
    )
    parts = [
        head,
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="30" font-size="18" font-weight="bold">{escape(title)}</text>',
        *body,
        "</svg>",
    ]
    return ("\n".join(parts) + "\n").encode()


def by_os_height(count: int) -> int:
    """The height of the per-OS chart for `count` OS (its width is `WIDTH`)."""
    return max(HEIGHT, _TITLE_SPACE + _ROW * count + 16)


def by_os_svg(rows: list[tuple[str, float]]) -> bytes:
    """One bar per OS, `(label, % done)`, OS 1 on top; its figure at the end of the bar."""
    height = by_os_height(len(rows))
    left, right = 16 + _LABEL_WIDTH, WIDTH - 16 - _VALUE_WIDTH
    span = right - left
    body = []
    for index, (label, percent) in enumerate(rows):
        top = _TITLE_SPACE + index * _ROW
        middle = top + _ROW / 2
        length = span * max(0.0, min(percent, 100.0)) / 100
        body += [
            f'<text x="16" y="{middle + 6:.0f}">{escape(label)}</text>',
            f'<rect x="{left}" y="{top + 8}" width="{span}" height="{_ROW - 16}" '
            f'fill="{TRACK_COLOR}"/>',
            f'<rect x="{left}" y="{top + 8}" width="{length:.1f}" height="{_ROW - 16}" '
            f'fill="{DONE_COLOR}"/>',
            f'<text x="{right + 8}" y="{middle + 6:.0f}">{escape(format_percent(percent))}</text>',
        ]
    return _svg(WIDTH, height, CHART_BY_OS_TITLE, body)


def ticks(positions: list[float], room: float = _TICK_WIDTH) -> list[int]:
    """Indexes of the points that get a date under the axis, from their x `positions`:
    evenly spaced, at least `room` apart (no label overlaps the next), the first and the
    last always.

    >>> ticks([0, 30, 60, 90, 120, 150, 180])
    [0, 3, 6]
    """
    if len(positions) < 2:
        return list(range(len(positions)))
    gap = (positions[-1] - positions[0]) / (len(positions) - 1) or room
    step = max(1, -(-int(room) // max(1, int(gap))))  # ceiling: the labels fit
    chosen = list(range(0, len(positions), step))
    if chosen[-1] != len(positions) - 1:
        chosen.append(len(positions) - 1)
    while len(chosen) > 2 and positions[chosen[-1]] - positions[chosen[-2]] < room:
        del chosen[-2]  # the last point keeps its label; the one too close to it goes
    return chosen


def _day_label(day: date, monthly: bool) -> str:
    return day.strftime("%m/%Y") if monthly else day.strftime("%d/%m/%y")


def over_time_svg(series: list[tuple[date, float]]) -> bytes:
    """ "% done" at the end of each period, as a line over a 0-100 % grid; the last value
    written next to its point. `series` holds at least one point."""
    left, right, top, bottom = 72, WIDTH - 40, _TITLE_SPACE + 8, HEIGHT - 48
    days = [day for day, _ in series]
    first, last = days[0], days[-1]
    total_days = max((last - first).days, 1)

    def x(day: date) -> float:
        if len(series) == 1:
            return (left + right) / 2
        return left + (right - left) * (day - first).days / total_days

    def y(percent: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(percent, 100.0)) / 100

    body = []
    for percent in (0, 25, 50, 75, 100):
        level = y(percent)
        body += [
            f'<line x1="{left}" y1="{level:.1f}" x2="{right}" y2="{level:.1f}" '
            f'stroke="{GRID_COLOR}" stroke-width="1"'
            + (' stroke-dasharray="4 4"/>' if percent else "/>"),
            f'<text x="{left - 8}" y="{level + 5:.1f}" text-anchor="end">{percent}\u00a0%</text>',
        ]
    monthly = len(days) < 2 or (days[1] - days[0]).days > 7
    for index in ticks([x(day) for day in days]):
        day = days[index]
        # Centred under their points: the axis leaves half a label of room at each end.
        body.append(
            f'<text x="{x(day):.1f}" y="{bottom + 28}" text-anchor="middle">'
            f"{escape(_day_label(day, monthly))}</text>"
        )
    points = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in series)
    body.append(
        f'<polyline points="{points}" fill="none" stroke="{DONE_COLOR}" stroke-width="3" '
        'stroke-linejoin="round"/>'
    )
    if len(series) <= 36:
        body += [
            f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="4" fill="{DONE_COLOR}"/>'
            for day, value in series
        ]
    last_value = series[-1][1]
    body.append(
        f'<text x="{x(last):.1f}" y="{y(last_value) - 12:.1f}" text-anchor="end" '
        f'font-weight="bold">{escape(format_percent(last_value))}</text>'
    )
    return _svg(WIDTH, HEIGHT, CHART_OVER_TIME_TITLE, body)
