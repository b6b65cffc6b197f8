"""The progress chart as a PNG, readable on a phone and printable for the Conseil: a title with
the organisation, the plan and the date; one horizontal bar per OS, stacked by status, under
its full (wrapped) title; below, the plan's "% done" month by month (or week by week) as read
back from the history; a footnote that says how "% done" is counted.

We draw on a bare matplotlib Figure with the Agg canvas: pyplot and its global backend and
figure registry are never touched, so nothing leaks between calls or threads.

    actions = list_actions(db, plan_id, with_history=True)   # the history draws the time panel
    figure = progress_figure(actions, organisation="CPAS de Bernissart", today=date(2026, 11, 23))
    png = render_png(figure)   # or progress_chart_png(actions, ...) for both at once
"""

import io
import textwrap
from datetime import date

from reports.labels import (
    CHART_BAR_END,
    CHART_BARS_TITLE,
    CHART_DATE,
    CHART_NO_HISTORY,
    CHART_TIME_TITLE,
    CHART_TIME_YLABEL,
    CHART_TITLE,
    CHART_XLABEL,
    NO_ACTIONS,
)
from storage.actions import Action
from storage.clock import today as local_today
from storage.french import format_date_fr, format_percent
from storage.progress import done_percent_note, done_percent_over_time, status_summary
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
LINE_INCHES = 0.19  # one line of a 9-point OS label, with its leading
LABEL_WIDTH = 32  # characters per line of an OS label: about a third of the width
FRAME_INCHES = 2.6  # title, axis, legend and footnote around the bars
TIME_INCHES = 2.4  # the progress-over-time panel
MAX_HEIGHT_INCHES = 30.0  # about 40 OS with their titles; more are shown by number only


def progress_chart_png(
    actions: list[Action],
    *,
    title: str = CHART_TITLE,
    organisation: str = "",
    plan_title: str = "",
    today: date | None = None,
) -> bytes:
    """The chart as PNG bytes (French labels; OS 1 at the top). Actions read with their
    history give the progress-over-time panel; without it, the panel says there is none yet."""
    figure = progress_figure(
        actions, title=title, organisation=organisation, plan_title=plan_title, today=today
    )
    return render_png(figure)


def render_png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    figure.clear()
    return buffer.getvalue()


def progress_figure(
    actions: list[Action],
    *,
    title: str = CHART_TITLE,
    organisation: str = "",
    plan_title: str = "",
    today: date | None = None,
):
    """The chart as a matplotlib Figure (not yet rendered), for `render_png` or a test."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    today = today or local_today()
    summary = status_summary(actions)
    by_os = summary["by_os"]
    labels = [os_label(os) for os in by_os]
    bars_inches = sum(max(BAR_INCHES, LINE_INCHES * (label.count("\n") + 1)) for label in labels)
    # Past the height limit the bars get thinner: OS numbers alone, no counts inside.
    roomy = FRAME_INCHES + TIME_INCHES + bars_inches <= MAX_HEIGHT_INCHES
    if not roomy:
        labels = [f"OS {os['os_number']}" for os in by_os]
    bars_inches = min(max(bars_inches, BAR_INCHES), MAX_HEIGHT_INCHES - FRAME_INCHES - TIME_INCHES)
    height = FRAME_INCHES + TIME_INCHES + bars_inches if by_os else FRAME_INCHES + BAR_INCHES

    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(_heading(title, organisation, plan_title, today), fontsize=14)
    if not by_os:
        _say(figure.add_subplot(), NO_ACTIONS)
        return figure
    bars_axes, time_axes = figure.subplots(
        2, 1, height_ratios=[bars_inches + 1.0, TIME_INCHES - 0.4]
    )
    _draw_bars(bars_axes, by_os, labels, roomy, bars_inches)
    series = done_percent_over_time(actions, today)
    if series:
        _draw_progress(time_axes, series)
    else:
        _say(time_axes, CHART_NO_HISTORY)
        time_axes.set_title(CHART_TIME_TITLE, fontsize=11, loc="left")
    figure.supxlabel(done_percent_note(summary["by_status"]), fontsize=9, style="italic")
    return figure


def os_label(os: dict) -> str:
    """ "OS 2 – Assurer …" wrapped on as many lines as the full title needs."""
    text = f"OS {os['os_number']} – {os['os_title'] or ''}"
    # Whole words only: "socio-professionnelle" stays one word, a long word is never cut.
    return textwrap.fill(text, LABEL_WIDTH, break_long_words=False, break_on_hyphens=False)


def _heading(title: str, organisation: str, plan_title: str, today: date) -> str:
    """Title on its own lines, then "organisation — plan — au 23/11/2026"."""
    who = [part for part in (organisation, plan_title) if part]
    line = " — ".join([*who, CHART_DATE.format(day=format_date_fr(today))])
    return textwrap.fill(title, 55) + "\n" + textwrap.fill(line, 70)


def _say(axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=12)
    axes.set_axis_off()


def _draw_bars(axes, by_os: list[dict], labels: list[str], roomy: bool, bars_inches: float) -> None:
    from matplotlib.ticker import MaxNLocator

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
    axes.set_xlabel(CHART_XLABEL, fontsize=10)
    axes.set_title(CHART_BARS_TITLE, fontsize=11, loc="left")
    axes.tick_params(axis="x", labelsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(
        loc="upper center",
        # Under the axis label: about half an inch, whatever the height of the panel.
        bbox_to_anchor=(0.5, -0.5 / bars_inches),
        ncols=3,
        fontsize=9,
        frameon=False,
        title=CHART_BAR_END,
        title_fontsize=9,
    )


def _draw_progress(axes, series: list[tuple[date, float]]) -> None:
    from matplotlib.dates import DateFormatter

    days = [day for day, _ in series]
    values = [value for _, value in series]
    marker = "o" if len(series) <= 24 else None  # dots for a year of months, a line beyond
    axes.plot(days, values, color=COLORS[DONE], marker=marker, markersize=4, linewidth=2)
    axes.fill_between(days, values, color=COLORS[DONE], alpha=0.15)
    axes.annotate(
        format_percent(values[-1]),
        (days[-1], values[-1]),
        textcoords="offset points",
        xytext=(0, 6),
        ha="center",
        fontsize=9,
    )
    axes.set_ylim(0, 105)
    axes.set_ylabel(CHART_TIME_YLABEL, fontsize=10)
    axes.set_title(CHART_TIME_TITLE, fontsize=11, loc="left")
    monthly = len(series) < 2 or (days[1] - days[0]).days > 7
    axes.xaxis.set_major_formatter(DateFormatter("%m/%Y" if monthly else "%d/%m"))
    axes.tick_params(labelsize=9)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
