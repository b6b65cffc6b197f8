"""The evaluation's summary and conclusion (reports/evaluation.py builds the rest): the counts
per status and per OS, what moved over the period, and the closing paragraphs.

    >>> from reports.sample import synthetic_plan
    >>> conclusion_section(synthetic_plan(10), date(2024, 6, 30), 8)[0].text
    'Conclusion'
"""

from datetime import date

from reports.action_facts import plural
from reports.document_model import Heading, Paragraph, Table
from reports.labels import (
    EVALUATION_OS_HEADERS,
    EVALUATION_OS_LEGEND,
    EVALUATION_OS_WIDTHS,
    TOTAL,
)
from storage.actions import Action
from storage.effective import moved_between
from storage.french import format_date_fr, format_percent, format_weeks
from storage.progress import done_percent_note, status_summary
from storage.vocabulary import (
    ABANDONED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    ON_HOLD,
    REPORT_ORDER,
    STATUS_COLUMNS,
)

#: Action codes named in the summary's "what moved" paragraph; more are counted.
MOVED_LIMIT = 12


def _share(count: int, total: int) -> str:
    return format_percent(100 * count / total if total else 0)


def summary_section(actions: list[Action], window, today: date, outline=()) -> list:
    """« Synthèse »: the counts per status and per OS (every OS of `outline`, the plan's
    objectives, even one without an action yet), and what moved over the period (`window`:
    (first day, last day), None for the whole history)."""
    summary = status_summary(actions, outline)
    total, counts = summary["total"], summary["by_status"]
    sentence = (
        f"{total} actions : {plural(counts[DONE], 'réalisée', 'réalisées')}, "
        f"{counts[IN_PROGRESS]} en cours, {counts[NOT_STARTED]} à démarrer, "
        f"{plural(counts[ON_HOLD], 'suspendue', 'suspendues')} et "
        f"{plural(counts[ABANDONED], 'abandonnée', 'abandonnées')} ; "
        f"{format_percent(summary['done_percent'])} des actions sont faites."
    )
    totals = [(STATUS_COLUMNS[s], str(counts[s]), _share(counts[s], total)) for s in REPORT_ORDER]
    totals.append((TOTAL, str(total), _share(total, total)))
    per_os = [
        (
            str(os["os_number"]),
            os["os_title"],
            str(os["total"]),
            *(str(count) for count in os["by_status"].values()),
            format_percent(os["done_percent"]),
        )
        for os in summary["by_os"]
    ]
    return [
        Heading("Synthèse", 1),
        Paragraph(sentence),
        Table(("Statut", "Actions", "Part du total"), totals, frozenset({1, 2}), widths=(3, 1, 1)),
        Heading("Avancement par objectif stratégique", 2),
        Table(
            EVALUATION_OS_HEADERS,
            per_os,
            frozenset(range(2, len(EVALUATION_OS_HEADERS))),
            widths=EVALUATION_OS_WIDTHS,
        ),
        Paragraph(f"{EVALUATION_OS_LEGEND} {done_percent_note(counts)}", "note"),
        Heading("Ce qui a bougé", 2),
        *_moves(actions, window, today),
    ]


def _moves(actions: list[Action], window, today: date) -> list[Paragraph]:
    """What moved over the period (the whole history without one): each action once, in its
    final state, from the changes that still stand (`storage.effective.moved_between`)."""
    first, last = window if window else (None, None)
    moves = moved_between(actions, first, last)
    updated, changes = len(moves), dict.fromkeys(REPORT_ORDER, 0)
    finished = []
    for move in moves:
        if move.status_moved and move.after in changes:
            changes[move.after] += 1
            if move.after == DONE:
                finished.append(move.action)
    when = (
        f"Du {format_date_fr(window[0])} au {format_date_fr(window[1])}"
        if window
        else "Depuis le début du suivi"
    )
    text = (
        f"{when}, {plural(updated, 'action a', 'actions ont')} reçu au moins une mise à jour ; "
        f"{plural(changes[IN_PROGRESS], 'a', 'ont')} démarré, "
        f"{plural(changes[DONE], 'a été réalisée', 'ont été réalisées')}, "
        f"{plural(changes[ON_HOLD], 'suspendue', 'suspendues')} et "
        f"{plural(changes[ABANDONED], 'abandonnée', 'abandonnées')}."
    )
    blocks = [Paragraph(text)]
    if finished:
        named = ", ".join(action.code for action in finished[:MOVED_LIMIT])
        more = len(finished) - MOVED_LIMIT
        tail = f" et {plural(more, 'autre', 'autres')}" if more > 0 else ""
        blocks.append(Paragraph(f"Réalisées sur la période : actions {named}{tail}."))
    return blocks


def conclusion_section(actions: list[Action], today: date, weeks: int, annex: bool = False) -> list:
    """« Conclusion »: what is done, the most and least advanced OS, the late and silent
    actions (`weeks` without news; with `annex`, the reader is sent to its table)."""
    summary = status_summary(actions)
    counts = summary["by_status"]
    counted = summary["total"] - counts[ABANDONED]
    late = sum(1 for action in actions if action.is_late(today))
    silent = sum(1 for action in actions if action.is_silent(today, weeks))
    paragraphs = [
        f"Au {format_date_fr(today)}, {counts[DONE]} des {counted} actions du plan hors "
        f"abandonnées sont réalisées ({format_percent(summary['done_percent'])}), "
        f"{plural(counts[IN_PROGRESS], 'est', 'sont')} en cours et "
        f"{plural(counts[NOT_STARTED], 'reste', 'restent')} à démarrer."
    ]
    ranked = sorted(
        (os for os in summary["by_os"] if os["total"] > os["by_status"][ABANDONED]),
        key=lambda os: os["done_percent"],
    )
    if len(ranked) > 1:
        best, worst = ranked[-1], ranked[0]
        paragraphs.append(
            f"L'objectif stratégique le plus avancé est l'OS {best['os_number']} "
            f"({format_percent(best['done_percent'])} des actions faites) ; le moins avancé "
            f"est l'OS {worst['os_number']} ({format_percent(worst['done_percent'])})."
        )
    if late or silent:
        paragraphs.append(
            plural(late, "action a", "actions ont")
            + " dépassé leur échéance et "
            + plural(silent, "action ouverte n'a", "actions ouvertes n'ont")
            + f" reçu aucune mise à jour depuis {format_weeks(weeks)} : elles"
            + (" sont listées en annexe et" if annex else "")
            + " appellent un point d'attention du comité de direction."
        )
    else:
        paragraphs.append("Aucune action n'est en retard ni sans nouvelles.")
    if counts[ABANDONED]:
        paragraphs.append(
            plural(counts[ABANDONED], "action a été abandonnée", "actions ont été abandonnées")
            + " ; les raisons figurent dans le détail par objectif."
        )
    return [Heading("Conclusion", 1), *(Paragraph(text) for text in paragraphs)]
