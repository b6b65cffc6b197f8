"""Progress per OS as a PNG: one horizontal bar per OS, stacked by status, readable on a phone.

We draw on a bare matplotlib Figure with the Agg canvas: pyplot and its global backend and
figure registry are never touched, so nothing leaks between calls or threads.
"""

import io
import textwrap

from reports.labels import CHART_TITLE, CHART_XLABEL, NO_ACTIONS
from reports.plan import format_percent, status_summary
from storage.vocabulary import ABANDONED, DONE, IN_PROGRESS, NOT_STARTED, ON_HOLD, STATUS_COLUMNS

#: Status colours, stacked in report order: green done, blue ongoing, grey not started, amber on
#: hold, red dropped.
COLORS = {
    DONE: "#2e7d32",
    IN_PROGRESS: "#1976d2",
    NOT_STARTED: "#9e9e9e",
    ON_HOLD: "#f9a825",
    ABANDONED: "#c62828",
}
WIDTH_INCHES = 7.0
DPI = 150  # 1050 pixels wide: sharp on a phone without a heavy upload
BAR_INCHES = 0.6
MAX_HEIGHT_INCHES = 30.0  # about 45 OS; more are squeezed, not cut


def progress_chart_png(rows: list[dict], *, title: str = CHART_TITLE) -> bytes:
    """The chart as PNG bytes (French labels; OS 1 at the top)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    by_os = status_summary(rows)["by_os"]
    height = min(MAX_HEIGHT_INCHES, 2.2 + BAR_INCHES * max(len(by_os), 1))
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(textwrap.fill(title, 45), fontsize=15, fontweight="bold")
    axes = figure.add_subplot()

    if not by_os:
        axes.text(0.5, 0.5, NO_ACTIONS, ha="center", va="center", fontsize=13)
        axes.set_axis_off()
    else:
        # Past the height limit the bars get thinner: OS numbers alone, no counts inside.
        roomy = 2.2 + BAR_INCHES * len(by_os) <= MAX_HEIGHT_INCHES
        _draw_bars(axes, by_os, roomy)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    figure.clear()
    return buffer.getvalue()


def _draw_bars(axes, by_os: list[dict], roomy: bool) -> None:
    from matplotlib.ticker import MaxNLocator

    # At most three short lines per OS, so the bars keep most of a phone's width.
    labels = [
        textwrap.fill(
            textwrap.shorten(f"OS {os['os_number']} – {os['os_title'] or ''}", 60, placeholder="…"),
            22,
        )
        if roomy
        else f"OS {os['os_number']}"
        for os in by_os
    ]
    font_size = 10 if roomy else 7
    positions = range(len(by_os))
    widest = max(os["total"] for os in by_os)
    left = [0] * len(by_os)
    for status, color in COLORS.items():
        counts = [os["by_status"][status] for os in by_os]
        bars = axes.barh(
            positions, counts, left=left, color=color, label=STATUS_COLUMNS[status], height=0.7
        )
        # Count inside a segment only where it fits.
        if roomy:
            inside = [str(c) if c >= widest * 0.06 else "" for c in counts]
            text_color = "black" if status == ON_HOLD else "white"
            axes.bar_label(bars, labels=inside, label_type="center", color=text_color, fontsize=10)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    for y, os in zip(positions, by_os, strict=True):
        axes.text(
            os["total"] + widest * 0.01,
            y,
            format_percent(os["done_percent"]),
            va="center",
            fontsize=font_size,
        )
    axes.set_yticks(list(positions), labels, fontsize=9 if roomy else font_size)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.invert_yaxis()  # OS 1 on top, as in the plan
    axes.set_xlim(0, widest * 1.15)
    axes.set_xlabel(CHART_XLABEL, fontsize=11)
    axes.tick_params(axis="x", labelsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.figure.legend(
        loc="outside lower center",
        ncols=3,
        fontsize=10,
        frameon=False,
        title="En bout de barre : part des actions réalisées",
        title_fontsize=9,
    )
