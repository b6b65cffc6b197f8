"""The progress chart as a PNG for a slide of the Conseil (16:9, 13.33 x 7.5 inches: a
PowerPoint or Impress slide, one to one) that a phone shows as well: a title with the
organisation, the plan and the date; on the left one horizontal bar per OS, stacked by status,
under its full title (one line or two); on the right the plan's "% done" over its whole period,
month by month (week by week for a short history) as the effective history tells it; a footnote
that says how "% done" is counted.

We draw on a bare matplotlib Figure with the Agg canvas: pyplot and its global backend and
figure registry are never touched, so nothing leaks between calls or threads. Every place is
set in inches (no automatic layout), and OS titles are wrapped by their measured width, so no
two labels can overlap.

    actions = list_actions(db, plan_id, with_history=True)   # the history draws the time panel
    data = chart_data(actions, plan_title="PST 2019-2024", today=date(2026, 11, 23))
    data.span                                  # (date(2019, 1, 1), date(2024, 12, 31))
    png = progress_chart_png(actions, organisation="CPAS de Bernissart", plan_title=...)
"""

import functools
import io
import re
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta

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
WIDTH_INCHES = 40 / 3  # 13.33: a 16:9 slide
HEIGHT_INCHES = 7.5
DPI = 150  # 2000 x 1125 pixels
#: The French abbreviations of the months (typographic usage), for the time axis.
MONTH_ABBREVIATIONS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
MOST_TICKS = 8  # labels on the time axis, at most

# The places on the slide, in inches from its left and bottom edges.
BARS_LEFT, BARS_RIGHT = 0.35, 7.55
TIME_LEFT, TIME_RIGHT = 8.6, 13.0
PANELS_BOTTOM, PANELS_TOP = 1.55, 6.15
BAR_INCHES, GAP_INCHES = (0.3, 0.22), 0.12  # a bar's height: thinner before a smaller label
LABEL_SIZES = (12, 11, 10, 9)  # points: the largest at which every OS title fits
LINE_SPACING = 1.3  # a label line's height, in font sizes


@dataclass(frozen=True)
class ChartData:
    """What the chart shows, before any drawing: counts per status and OS
    (`storage.progress.status_summary`), "% done" over time, and the time axis's span."""

    summary: dict
    series: list[tuple[date, float]]
    span: tuple[date, date] | None


def chart_data(actions: list[Action], *, plan_title: str = "", today: date | None = None):
    """The chart's figures. The time axis spans the plan's period (`plan_period`), widened to
    the history when it goes beyond; "% done" comes at every month's end (every Sunday for a
    history under three months) from the effective history (`storage.progress`)."""
    today = today or local_today()
    series = done_percent_over_time(actions, today)
    span = plan_period(actions, plan_title)
    if series:
        first, last = series[0][0], series[-1][0]
        span = (min(span[0], first), max(span[1], last)) if span else (first, last)
    return ChartData(status_summary(actions), series, span)


def plan_period(actions: list[Action], plan_title: str = "") -> tuple[date, date] | None:
    """The years a title names ("PST 2019-2024": 01/01/2019 to 31/12/2024), else from the
    first start to the last end of the actions; None when neither says."""
    years = [int(year) for year in re.findall(r"\b((?:19|20)\d\d)\b", plan_title)]
    if len(years) >= 2 and min(years) < max(years):
        return date(min(years), 1, 1), date(max(years), 12, 31)
    days = [day for action in actions for day in (action.start, action.end) if day]
    return (min(days), max(days)) if days else None


def time_ticks(first: date, last: date, most: int = MOST_TICKS) -> list[tuple[date, str]]:
    """At most `most` ticks between `first` and `last`: 1 January of every year or few
    ("2019"), else the first of every month or few ("janv.\\n2021", "févr."), else Mondays
    ("8 nov.")."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    long = (last - first).days >= 100  # three months or more: months, else weeks
    for step in (1, 2, 3, 6):
        if months / step <= most and long:
            return _month_ticks(first, last, step)
    if long:
        years = last.year - first.year + 1
        step = next(n for n in (1, 2, 5, 10, 20, 50) if years / n <= most)
        ticks = [date(year, 1, 1) for year in range(first.year, last.year + 1) if year % step == 0]
        return [(day, str(day.year)) for day in ticks if first <= day <= last]
    weeks = max(1, -(-(last - first).days // (7 * most)))
    day = first + timedelta(days=-first.weekday() % 7)
    ticks = []
    while day <= last:
        ticks.append((day, f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]}"))
        day += timedelta(weeks=weeks)
    return ticks


def _month_ticks(first: date, last: date, step: int) -> list[tuple[date, str]]:
    ticks, year, month = [], first.year, first.month
    while date(year, month, 1) <= last:
        day = date(year, month, 1)
        if day >= first and (month - 1) % step == 0:
            name = MONTH_ABBREVIATIONS[month - 1]
            ticks.append((day, f"{name}\n{year}" if month == 1 or not ticks else name))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks


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
    """The chart as a matplotlib Figure (not yet rendered), for `render_png` or a test:
    `figure.axes[0]` holds the bars, `figure.axes[1]` the time panel."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    today = today or local_today()
    data = chart_data(actions, plan_title=plan_title, today=today)
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(
        _heading(title, organisation, plan_title, today),
        x=BARS_LEFT / WIDTH_INCHES,
        y=1 - 0.15 / HEIGHT_INCHES,
        ha="left",
        va="top",
        fontsize=18,
        linespacing=1.4,
    )
    by_os = data.summary["by_os"]
    if not by_os:
        _say(figure.add_axes((0.1, 0.2, 0.8, 0.6)), NO_ACTIONS)
        return figure
    bars_axes = figure.add_axes(_box(BARS_LEFT, BARS_RIGHT))
    time_axes = figure.add_axes(_box(TIME_LEFT, TIME_RIGHT))
    _draw_bars(bars_axes, by_os)
    _draw_progress(time_axes, data)
    figure.text(
        BARS_LEFT / WIDTH_INCHES,
        0.15 / HEIGHT_INCHES,
        done_percent_note(data.summary["by_status"]),
        fontsize=11,
        style="italic",
    )
    return figure


def _box(left: float, right: float) -> tuple[float, float, float, float]:
    """A panel's place as figure fractions (left, bottom, width, height)."""
    return (
        left / WIDTH_INCHES,
        PANELS_BOTTOM / HEIGHT_INCHES,
        (right - left) / WIDTH_INCHES,
        (PANELS_TOP - PANELS_BOTTOM) / HEIGHT_INCHES,
    )


def os_label(os: dict) -> str:
    """ "OS 2 – Assurer …", the full title on one line (the bars wrap it to their width)."""
    return f"OS {os['os_number']} – {os['os_title'] or ''}".strip()


def _heading(title: str, organisation: str, plan_title: str, today: date) -> str:
    """Title on its own line, then "organisation — plan — au 23/11/2026"."""
    who = [part for part in (organisation, plan_title) if part]
    line = " — ".join([*who, CHART_DATE.format(day=format_date_fr(today))])
    return textwrap.fill(title, 90) + "\n" + textwrap.fill(line, 120)


def _say(axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, transform=axes.transAxes)
    axes.set_axis_off()


def wrap_to_width(text: str, width_points: float, size: float) -> list[str]:
    """`text` in lines no wider than `width_points` at `size` points (DejaVu Sans, as
    measured by matplotlib), whole words only: a word longer than a line stands alone."""
    space = _word_width(" x", size) - _word_width("x", size)
    lines: list[tuple[str, float]] = []
    for word in text.split():
        width = _word_width(word, size)
        if lines and lines[-1][1] + space + width <= width_points:
            lines[-1] = (f"{lines[-1][0]} {word}", lines[-1][1] + space + width)
        else:
            lines.append((word, width))
    return [line for line, _ in lines]


@functools.lru_cache(maxsize=4096)
def _word_width(word: str, size: float) -> float:
    from matplotlib.textpath import TextPath

    return TextPath((0, 0), word, size=size).get_extents().x1


def _fit_labels(by_os: list[dict]) -> tuple[float, float, list[str]] | None:
    """The largest label size (and bar height) at which every OS, its wrapped title above its
    bar, fits the panel, with the wrapped labels; None when even the smallest does not."""
    width = (BARS_RIGHT - BARS_LEFT) * 72 * 0.98
    height = PANELS_TOP - PANELS_BOTTOM
    for size in LABEL_SIZES:
        if len(by_os) * (size * LINE_SPACING / 72 + min(BAR_INCHES) + GAP_INCHES) > height:
            continue  # too many OS even for one line each
        labels = ["\n".join(wrap_to_width(os_label(os), width, size)) for os in by_os]
        lines = sum(label.count("\n") + 1 for label in labels)
        for bar in BAR_INCHES:
            needed = lines * size * LINE_SPACING / 72 + len(by_os) * (bar + GAP_INCHES)
            if needed <= height:
                return size, bar, labels
    return None


def _draw_bars(axes, by_os: list[dict]) -> None:
    from matplotlib.ticker import MaxNLocator

    fitted = _fit_labels(by_os)
    height = PANELS_TOP - PANELS_BOTTOM
    if fitted:  # each OS: its title, then its bar, in inches from the top of the panel
        size, bar, labels = fitted
        tops, centres, top = [], [], 0.0
        for label in labels:
            top += (label.count("\n") + 1) * size * LINE_SPACING / 72
            tops.append(top)
            centres.append(top + bar / 2)
            top += bar + GAP_INCHES
    else:  # too many OS for their titles: their numbers at the left, thinner bars
        size, slot = 9, height / len(by_os)
        labels, bar = [f"OS {os['os_number']}" for os in by_os], slot * 0.7
        centres = [slot * (n + 0.5) for n in range(len(by_os))]
    widest = max(os["total"] for os in by_os)
    left = [0] * len(by_os)
    for status, color in COLORS.items():
        counts = [os["by_status"][status] for os in by_os]
        bars = axes.barh(
            centres, counts, left=left, color=color, label=STATUS_COLUMNS[status], height=bar
        )
        if fitted:  # the count inside a segment, where it fits
            inside = [str(c) if c >= widest * 0.05 else "" for c in counts]
            text_color = "black" if status == ON_HOLD else "white"
            axes.bar_label(bars, labels=inside, label_type="center", color=text_color, fontsize=10)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    for centre, os in zip(centres, by_os, strict=True):
        axes.text(
            os["total"] + widest * 0.01,
            centre,
            format_percent(os["done_percent"]),
            va="center",
            fontsize=11 if fitted else 7,
        )
    axes.set_ylim(height, 0)  # y in inches from the top: OS 1 on top, as in the plan
    axes.set_xlim(0, widest * 1.15)
    if fitted:
        axes.set_yticks([])
        for top, label in zip(tops, labels, strict=True):
            axes.text(0, top - 0.02, label, va="bottom", fontsize=size, gid="os-label")
    else:
        axes.set_yticks(centres, labels, fontsize=size if len(by_os) <= 40 else 5)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(CHART_XLABEL, fontsize=11)
    axes.set_title(CHART_BARS_TITLE, fontsize=13, loc="left", pad=8)
    axes.tick_params(axis="x", labelsize=11)
    axes.spines[["top", "right"] + (["left"] if fitted else [])].set_visible(False)
    axes.legend(
        loc="upper left",
        bbox_to_anchor=(0, -0.55 / height),  # under the axis label, whatever the panel
        ncols=5,
        fontsize=11,
        frameon=False,
        title=CHART_BAR_END,
        title_fontsize=11,
        alignment="left",
        borderaxespad=0,
    )


def _draw_progress(axes, data: ChartData) -> None:
    axes.set_title(CHART_TIME_TITLE, fontsize=13, loc="left", pad=8)
    axes.set_ylim(0, 105)
    axes.set_ylabel(CHART_TIME_YLABEL, fontsize=11)
    axes.tick_params(labelsize=11)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    if data.series:
        days = [day for day, _ in data.series]
        values = [value for _, value in data.series]
        marker = "o" if len(days) <= 24 else None  # dots for a year of months, a line beyond
        axes.plot(days, values, color=COLORS[DONE], marker=marker, markersize=4, linewidth=2)
        axes.fill_between(days, values, color=COLORS[DONE], alpha=0.15)
        near_end = data.span and (data.span[1] - days[-1]) < (data.span[1] - data.span[0]) / 10
        axes.annotate(
            format_percent(values[-1]),
            (days[-1], values[-1]),
            textcoords="offset points",
            xytext=(0, 7),
            ha="right" if near_end else "center",  # inside the slide at the axis's end
            fontsize=11,
        )
    else:
        axes.text(0.5, 0.5, CHART_NO_HISTORY, ha="center", va="center", transform=axes.transAxes)
    if data.span:
        first, last = data.span
        axes.xaxis.axis_date()
        axes.set_xlim(first, last)
        ticks = time_ticks(first, last)
        axes.set_xticks([day for day, _ in ticks], [label for _, label in ticks])
    else:
        axes.set_xticks([])
