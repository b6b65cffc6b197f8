"""The chart as a slide of the Conseil: 16:9, every OS named in one line or two with no label
over another, a time axis a room can read that spans the plan's period (2019-2024 for the
bundled example), and "% done" at least every month from the effective history."""

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from matplotlib.dates import num2date
from matplotlib.text import Text
from PIL import Image

from reports.chart import (
    MONTH_ABBREVIATIONS,
    MOST_TICKS,
    chart_data,
    plan_period,
    progress_chart_png,
    progress_figure,
    time_ticks,
)
from reports.sample import synthetic_plan
from storage.actions import list_actions
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.progress import done_percent_over_time
from tests.test_digest_example import LAST_PASS, scripted_month

LONG_OS_TITLE = (
    "Etre un CPAS qui garantit à chaque bénéficiaire un accompagnement social individualisé, "
    "de l'accueil jusqu'à l'insertion socio-professionnelle durable, avec tous ses partenaires"
)
#: The bundled example is « le PST 2019-2024 du CPAS de Frameries » (README).
EXAMPLE_YEARS = (2019, 2024)


@pytest.fixture(scope="module")
def example():
    """The bundled example, as imported (no history)."""
    db = open_db(":memory:")
    import_plan(db, load_example())
    return list_actions(db, 1, with_history=True)


@pytest.fixture(scope="module")
def month():
    """The bundled example after its scripted month (tests/test_digest_example.py)."""
    db, _ = scripted_month()
    return list_actions(db, 1, with_history=True), LAST_PASS.date()


def extents(texts, renderer):
    return [t.get_window_extent(renderer) for t in texts if t.get_text().strip()]


def overlapping(boxes) -> list[tuple[int, int]]:
    """Pairs of boxes that share more than a pixel."""
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes)
        if i < j and min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1
    ]


def drawn(figure):
    figure.canvas.draw()
    return figure.canvas.get_renderer()


def os_label_texts(figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_gid() == "os-label"]


# ---------------------------------------------------------------- 16:9


def test_chart_png_has_the_proportions_of_a_16_9_slide(month):
    actions, today = month
    picture = Image.open(io.BytesIO(progress_chart_png(actions, today=today)))

    assert picture.width / picture.height == pytest.approx(16 / 9, abs=0.002)
    assert picture.width >= 1920  # a full HD projector shows it pixel for pixel


# ---------------------------------------------------------------- the plan's period


def test_time_axis_spans_the_bundled_plans_period(example, month):
    actions, today = month
    first, last = chart_data(actions, today=today).span
    figure = progress_figure(actions, today=today)
    shown = [t.get_text() for t in figure.axes[1].get_xticklabels()]

    assert (first.year, last.year) == EXAMPLE_YEARS
    assert chart_data(example, today=today).span == (first, last)  # the actions' own dates
    assert shown == [str(year) for year in range(EXAMPLE_YEARS[0], EXAMPLE_YEARS[1] + 1)]
    low, high = figure.axes[1].get_xlim()
    assert (num2date(low).date(), num2date(high).date()) == (first, last)


def test_plan_period_read_from_the_title_when_the_actions_carry_no_dates(example):
    undated = [replace(a, start=None, end=None) for a in example]

    assert plan_period(undated, "PST du CPAS 2025-2030") == (date(2025, 1, 1), date(2030, 12, 31))
    assert plan_period(undated, "PST pst") is None
    assert plan_period(example, "PST 2019-2024") == (date(2019, 1, 1), date(2024, 12, 31))


def test_time_axis_is_widened_to_a_history_past_the_plans_end():
    actions = synthetic_plan(127)
    today = date(2026, 11, 23)
    series = done_percent_over_time(actions, today)
    first, last = chart_data(actions, plan_title="PST 2020-2024", today=today).span

    assert first == min(date(2020, 1, 1), series[0][0])
    assert last == today


# ---------------------------------------------------------------- % done over time


def test_progress_over_time_has_a_point_at_least_every_month(month):
    actions, today = month
    line = progress_figure(actions, today=today).axes[1].get_lines()[0]
    days = [day if isinstance(day, date) else day.date() for day in line.get_xdata()]
    long_days = [day for day, _ in chart_data(synthetic_plan(127), today=date(2026, 11, 23)).series]

    for series in (days, long_days):
        assert len(series) >= 3
        assert all(b - a <= timedelta(days=31) for a, b in zip(series, series[1:], strict=False))
    assert days[-1] == today
    assert list(line.get_ydata()) == [v for _, v in done_percent_over_time(actions, today)]


# ---------------------------------------------------------------- a legible time axis


@pytest.mark.parametrize(
    "first, last",
    [
        (date(2021, 11, 1), date(2021, 12, 6)),  # a month of history, nothing else known
        (date(2025, 3, 1), date(2025, 8, 31)),
        (date(2025, 1, 1), date(2026, 6, 30)),
        (date(2019, 1, 1), date(2024, 12, 31)),
        (date(2019, 1, 1), date(2038, 12, 31)),
    ],
)
def test_time_ticks_are_few_inside_the_span_and_french(first, last):
    ticks = time_ticks(first, last)
    words = {word for _, label in ticks for word in label.split() if not word.isdigit()}

    assert 2 <= len(ticks) <= MOST_TICKS
    assert all(first <= day <= last for day, _ in ticks)
    assert [day for day, _ in ticks] == sorted({day for day, _ in ticks})
    assert words <= set(MONTH_ABBREVIATIONS)


@pytest.mark.parametrize(
    "title, dated",
    [("PST 2019-2024", True), ("PST 2021-2022", True), ("PST", True), ("PST", False)],
)
def test_time_axis_labels_never_overlap(month, title, dated):
    actions, today = month
    if not dated:  # nothing but the month of history: weeks on the axis
        actions = [replace(a, start=None, end=None) for a in actions]
    figure = progress_figure(actions, plan_title=title, today=today)
    renderer = drawn(figure)
    boxes = extents(figure.axes[1].get_xticklabels(), renderer)

    assert 2 <= len(boxes) <= MOST_TICKS
    assert overlapping(boxes) == []
    assert all(box.x0 >= 0 and box.x1 <= figure.bbox.width for box in boxes)


# ---------------------------------------------------------------- OS names


def test_bundled_os_names_are_whole_on_one_line_or_two_and_never_overlap(month):
    actions, today = month
    figure = progress_figure(actions, today=today)
    renderer = drawn(figure)
    labels = os_label_texts(figure)
    bars = [patch.get_window_extent(renderer) for patch in figure.axes[0].patches]
    titles = {a.os_number: a.os_title for a in actions}

    assert [" ".join(t.get_text().split()) for t in labels] == [
        f"OS {number} – {title}" for number, title in titles.items()
    ]
    assert all(t.get_text().count("\n") <= 1 for t in labels)
    assert min(t.get_fontsize() for t in labels) >= 11  # read from the back of the room
    boxes = extents(labels, renderer)
    assert overlapping(boxes) == []
    for box in boxes:
        assert not any(overlapping([box, bar]) for bar in bars)
        assert box.x1 <= figure.axes[0].bbox.x1 + 1  # inside its panel, not under the other


def test_long_os_titles_are_wrapped_whole_inside_their_panel():
    rows = [
        replace(a, os_title=LONG_OS_TITLE if a.os_number % 2 else a.os_title)
        for a in synthetic_plan(127)
    ]
    figure = progress_figure(rows, today=date(2026, 11, 23))
    renderer = drawn(figure)
    labels = os_label_texts(figure)
    boxes = extents(labels, renderer)

    assert len(labels) == len({a.os_number for a in rows})
    assert all("…" not in t.get_text() for t in labels)
    long = [t for t in labels if LONG_OS_TITLE.split()[-1] in t.get_text()]
    assert long and all(t.get_text().count("\n") >= 1 for t in long)
    assert all(" ".join(t.get_text().split()).endswith(LONG_OS_TITLE) for t in long)
    assert overlapping(boxes) == []
    assert all(box.x1 <= figure.axes[0].bbox.x1 + 1 for box in boxes)
    bars = [patch.get_window_extent(renderer) for patch in figure.axes[0].patches]
    for box in boxes:
        assert not any(overlapping([box, bar]) for bar in bars)
