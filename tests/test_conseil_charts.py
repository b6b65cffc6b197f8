"""The chart the DG hands to the Conseil, and the one "% done" it shares with the chat and the
evaluation: abandoned actions left out, and said so wherever the figure is shown."""

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from matplotlib.text import Text

from reports import evaluation_report, progress_chart_png
from reports.chart import progress_figure
from reports.sample import synthetic_plan
from storage import plans
from storage.actions import Action, list_actions
from storage.clock import today as local_today
from storage.french import format_number
from storage.progress import (
    done_percent,
    done_percent_note,
    done_percent_over_time,
    period_ends,
    status_on,
    status_summary,
)
from storage.vocabulary import ABANDONED, DONE, IN_PROGRESS, NOT_STARTED
from tests.conftest import ADMIN, STRANGER
from tests.report_rows import report_row

LONG_OS_TITLE = (
    "Etre un CPAS qui garantit à chaque bénéficiaire un accompagnement social individualisé, "
    "de l'accueil jusqu'à l'insertion socio-professionnelle durable"
)


def texts_of(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def flat(text: str) -> str:
    return " ".join(text.split())


def change(day: date, old: str, new: str) -> dict:
    at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    return {"at": at, "kind": "status", "old_status": old, "new_status": new}


def action(number: int, status: str, history: list[dict], os_number: int = 1) -> Action:
    return report_row(
        number,
        status,
        os_number=os_number,
        os_title=f"Objectif {os_number}",
        volet=None,
        oo_number=f"{os_number}.1",
        oo_title="OO",
        progress=None,
        history=history,
    )


# ---------------------------------------------------------------- the one "% done"


def test_done_percent_leaves_abandoned_actions_out_of_the_count():
    assert done_percent({DONE: 1, IN_PROGRESS: 2, ABANDONED: 1}) == 33.3
    assert done_percent({DONE: 2, ABANDONED: 3}) == 100.0
    assert done_percent({ABANDONED: 3}) == 0.0
    assert done_percent({}) == 0.0


def test_done_percent_note_says_how_many_abandoned_actions_are_not_counted():
    assert "les 3 abandonnées non comptées" in done_percent_note({DONE: 1, ABANDONED: 3})
    assert "l'action abandonnée non comptée" in done_percent_note({ABANDONED: 1})
    assert "aucune abandonnée" in done_percent_note({DONE: 4})


def test_synthese_evaluation_and_chart_show_the_same_percent_done(say, db):
    for number in (1, 2, 3):
        say(ADMIN, f"!maj {number} fait")
    for number in (4, 5, 6, 7):
        say(ADMIN, f"!maj {number} abandonné faute de budget")
    the_plan = plans.only_plan(db)
    rows = list_actions(db, the_plan.id, with_history=True)
    expected = done_percent(status_summary(rows)["by_status"])
    assert expected == round(100 * 3 / (len(rows) - 4), 1)  # not 3 / len(rows)
    shown = format_number(expected)

    chat = say(STRANGER, "!synthese").text
    evaluation = evaluation_report(rows, "md", generated_on=date(2025, 3, 14)).decode()
    chart = progress_figure(rows, today=date(2025, 3, 14))
    series = done_percent_over_time(rows, date(2025, 3, 14))

    assert f"{shown} % fait (3/{len(rows) - 4})" in chat
    assert f"{shown}\u00a0% des actions sont faites" in evaluation
    assert series[-1] == (date(2025, 3, 14), expected)
    assert f"{shown}\u00a0%" in texts_of(chart)  # the progress-over-time panel's last point
    for where in (chat, evaluation, " ".join(texts_of(chart))):
        assert "les 4 abandonnées non comptées" in flat(where)


def test_chart_bar_ends_use_the_same_percent_per_os_as_the_reports():
    rows = synthetic_plan(127)
    per_os = [os["done_percent"] for os in status_summary(rows)["by_os"]]
    shown = texts_of(progress_figure(rows, today=date(2026, 11, 23)))

    for value in per_os:
        assert f"{format_number(value)}\u00a0%" in shown


# ---------------------------------------------------------------- the chart for the Conseil


def test_chart_title_names_the_organisation_the_plan_and_the_date():
    figure = progress_figure(
        synthetic_plan(40),
        organisation="CPAS de Bernissart",
        plan_title="PST 2019-2024",
        today=date(2026, 11, 23),
    )
    title = flat(figure.get_suptitle())

    assert title.startswith("Avancement du PST par objectif stratégique")
    assert "CPAS de Bernissart — PST 2019-2024 — au 23/11/2026" in title


def test_chart_keeps_the_old_call_and_dates_itself_today():
    rows = synthetic_plan(20)

    assert progress_chart_png(rows)[1:4] == b"PNG"
    assert progress_chart_png(rows, title="Rien", organisation="CPAS")[1:4] == b"PNG"
    # The bot's day (Brussels), not the machine's: at 23:30 UTC they differ.
    assert local_today().strftime("%d/%m/%Y") in progress_figure(rows).get_suptitle()


def os_labels(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_gid() == "os-label"]


def test_os_labels_carry_the_full_title_wrapped_not_cut():
    rows = [replace(a, os_title=LONG_OS_TITLE) for a in synthetic_plan(20)]
    label = os_labels(progress_figure(rows, today=date(2026, 11, 23)))[0]

    assert flat(label) == f"OS 1 – {LONG_OS_TITLE}"
    assert "…" not in label
    assert label.count("\n") >= 1


def test_long_os_labels_take_more_lines_at_the_same_slide_size():
    short = progress_figure(synthetic_plan(40), today=date(2026, 11, 23))
    rows = [replace(a, os_title=LONG_OS_TITLE) for a in synthetic_plan(40)]
    long = progress_figure(rows, today=date(2026, 11, 23))
    size = {t.get_fontsize() for t in long.findobj(Text) if t.get_gid() == "os-label"}

    assert long.get_size_inches().tolist() == short.get_size_inches().tolist()
    assert sum(x.count("\n") for x in os_labels(long)) > sum(
        x.count("\n") for x in os_labels(short)
    )
    assert size == {12}  # two long titles still fit at the largest size


def test_chart_without_history_says_so_in_the_second_panel():
    rows = [replace(a, history=()) for a in synthetic_plan(20)]
    shown = texts_of(progress_figure(rows, today=date(2026, 11, 23)))

    assert "Pas encore d'historique des mises à jour." in shown


def test_chart_draws_the_progress_series_read_back_from_the_history():
    rows = synthetic_plan(60)
    today = date(2026, 11, 23)
    series = done_percent_over_time(rows, today)
    line = progress_figure(rows, today=today).axes[1].get_lines()[0]

    assert list(line.get_ydata()) == [value for _, value in series]
    assert "Part des actions faites au fil du temps" in texts_of(line.figure)


# ---------------------------------------------------------------- progress over time


def test_status_on_a_day_is_read_back_from_the_status_changes():
    row = action(
        1,
        DONE,
        [
            change(date(2025, 2, 10), NOT_STARTED, IN_PROGRESS),
            change(date(2025, 4, 2), IN_PROGRESS, DONE),
        ],
    )

    assert status_on(row, date(2025, 1, 31)) == NOT_STARTED  # before its first entry
    assert status_on(row, date(2025, 2, 10)) == IN_PROGRESS  # the change's own day counts
    assert status_on(row, date(2025, 3, 31)) == IN_PROGRESS
    assert status_on(row, date(2025, 4, 30)) == DONE
    assert status_on(action(2, ABANDONED, []), date(2020, 1, 1)) == ABANDONED  # no history


def test_period_ends_are_month_ends_or_sundays_then_today():
    assert period_ends(date(2025, 11, 5), date(2026, 1, 10)) == [
        date(2025, 11, 30),
        date(2025, 12, 31),
        date(2026, 1, 10),
    ]
    assert period_ends(date(2025, 3, 5), date(2025, 3, 18), "week") == [
        date(2025, 3, 9),
        date(2025, 3, 16),
        date(2025, 3, 18),
    ]


def test_progress_over_time_counts_done_per_month_without_the_abandoned():
    rows = [
        action(1, DONE, [change(date(2025, 1, 20), NOT_STARTED, DONE)]),
        action(
            2,
            DONE,
            [
                change(date(2025, 1, 5), NOT_STARTED, IN_PROGRESS),
                change(date(2025, 3, 3), IN_PROGRESS, DONE),
            ],
        ),
        action(3, ABANDONED, [change(date(2025, 2, 14), NOT_STARTED, ABANDONED)]),
        action(4, IN_PROGRESS, []),  # no history: in progress all along
    ]

    series = done_percent_over_time(rows, date(2025, 4, 15), step="month")

    assert series == [
        (date(2025, 1, 31), 25.0),  # 1 done of 4
        (date(2025, 2, 28), 33.3),  # 1 done of 3, action 3 abandoned
        (date(2025, 3, 31), 66.7),  # 2 of 3
        (date(2025, 4, 15), 66.7),  # today, as !synthese says it
    ]
    assert series[-1][1] == done_percent(status_summary(rows)["by_status"])


def test_progress_over_time_goes_by_week_for_a_short_history():
    rows = [
        action(1, DONE, [change(date(2025, 3, 4), NOT_STARTED, DONE)]),
        action(2, NOT_STARTED, [change(date(2025, 3, 4), NOT_STARTED, NOT_STARTED)]),
    ]

    series = done_percent_over_time(rows, date(2025, 3, 20))

    assert [day for day, _ in series] == [
        date(2025, 3, 9),
        date(2025, 3, 16),
        date(2025, 3, 20),
    ]
    assert {value for _, value in series} == {50.0}


def test_progress_over_time_is_empty_without_any_history():
    assert done_percent_over_time([action(1, DONE, [])], date(2025, 3, 20)) == []


def test_chart_footnote_says_how_percent_done_is_counted():
    rows = synthetic_plan(127)
    shown = texts_of(progress_figure(rows, today=date(2026, 11, 23)))
    note = done_percent_note(status_summary(rows)["by_status"])

    assert note in shown
    assert re.search(r"les \d+ abandonnées non comptées", note)
