"""The mid-term (or final) evaluation of the PST, in the shape Walloon CPAS already write it
(see the Bernissart one in the shared seeds).

A cover (organisation, plan, period, date); a summary (counts and "% fait" per OS, what moved
over the period); per volet (when the plan has volets), OS and OO, the actions under "Actions
réalisées", "Actions en cours", "Actions à démarrer", "Actions suspendues" and "Actions
abandonnées" (empty headings are left out), each once, with its pilots, deadline, lateness,
indicator and a short story told from its updates (`narrative.py`); a conclusion; an annex of
late and silent actions.

    >>> from reports.sample import synthetic_plan
    >>> evaluation_report(synthetic_plan(10), "md").decode().splitlines()[0]
    '# Évaluation à mi-législature du PST'
"""

import textwrap
from dataclasses import replace
from datetime import date

from reports.action_facts import action_facts, action_line, lateness_text
from reports.document import FORMATS, Document, Heading, Paragraph, Table, render
from reports.grouping import StrategicGroup, group_plan
from reports.labels import (
    EVALUATION_LATE_HEADERS,
    EVALUATION_LATE_WIDTHS,
    EVALUATION_NO_NEWS,
    EVALUATION_ORGANISATION,
    EVALUATION_OS_HEADERS,
    EVALUATION_OS_LEGEND,
    EVALUATION_OS_WIDTHS,
    EVALUATION_PERIOD,
    EVALUATION_PLAN_PERIOD,
    EVALUATION_SILENT_HEADERS,
    EVALUATION_SILENT_WIDTHS,
    EVALUATION_SITUATION,
    EVALUATION_TITLE,
    TOTAL,
    VOLET_LABELS,
)
from reports.narrative import narrative
from storage.actions import SILENT_AFTER_WEEKS, Action
from storage.clock import today as local_today
from storage.effective import changes_of, last_news, moved_between
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
    STATUS_HEADINGS,
)

#: Characters of a title in the annex tables (a title of 2,000 characters would fill a page).
TABLE_TITLE_LIMIT = 160
#: Action codes named in the summary's "what moved" paragraph; more are counted.
MOVED_LIMIT = 12


def evaluation_report(
    actions: list[Action],
    fmt: str,
    *,
    title: str = EVALUATION_TITLE,
    since: date | None = None,
    generated_on: date | None = None,
    organisation: str = "",
    plan_title: str = "",
    period: str = "",
    silent_after_weeks: int = SILENT_AFTER_WEEKS,
) -> bytes:
    """The evaluation as file bytes; `fmt` is "html", "md", "odt", "docx" or "pdf".

    `organisation` ("CPAS de Bernissart"), `plan_title` and `period` (the plan's, "2019-2024")
    go on the cover. With `since`, the summary's "what moved" and each action's story cover
    the updates from `since` to `generated_on` (today by default); every action appears,
    whatever `since`. An open action not updated for `silent_after_weeks` is listed as
    without news (`[rhythm] silent_after_weeks`, as in the digest and the reminders).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Format inconnu : {fmt!r} (formats possibles : {', '.join(FORMATS)})")
    document = evaluation_document(
        actions,
        title=title,
        since=since,
        generated_on=generated_on or local_today(),
        organisation=organisation,
        plan_title=plan_title,
        period=period,
        silent_after_weeks=silent_after_weeks,
    )
    return render(document, fmt)


def evaluation_document(
    actions: list[Action],
    *,
    title: str = EVALUATION_TITLE,
    since: date | None = None,
    generated_on: date,
    organisation: str = "",
    plan_title: str = "",
    period: str = "",
    silent_after_weeks: int = SILENT_AFTER_WEEKS,
) -> Document:
    cover = []
    if organisation:
        cover.append(EVALUATION_ORGANISATION.format(organisation=organisation))
    if plan_title:
        cover.append(plan_title)
    if period:
        cover.append(EVALUATION_PLAN_PERIOD.format(period=period))
    if since:
        first, last = format_date_fr(since), format_date_fr(generated_on)
        cover.append(EVALUATION_PERIOD.format(first=first, last=last))
    cover.append(EVALUATION_SITUATION.format(day=format_date_fr(generated_on)))

    window = (since, generated_on) if since else None
    groups = group_plan(actions)
    blocks: list = []
    blocks.extend(_summary(actions, window, generated_on))
    blocks.extend(_detail(groups, window, generated_on))
    heard = _as_heard(actions)
    blocks.extend(_conclusion(heard, generated_on, silent_after_weeks))
    blocks.extend(_annex(heard, generated_on, silent_after_weeks))
    return Document(title, blocks, cover=tuple(cover))


def _action_blocks(action: Action, window, today: date) -> list[Paragraph]:
    blocks = [Paragraph(action_line(action), "action")]
    facts = action_facts(action, today)
    if facts:
        blocks.append(Paragraph(facts, "history"))
    story = narrative(action.history, action.last_comment, window, changes=changes_of(action))
    if story:
        blocks.append(Paragraph(story, "comment"))
    elif window:
        blocks.append(Paragraph("Aucune mise à jour sur la période.", "comment"))
    return blocks


# ---------------------------------------------------------------- the parts


def _plural(count: int, one: str, many: str) -> str:
    """`_plural(1, "reste", "restent")` -> "1 reste"."""
    return f"{count} {one if count == 1 else many}"


def _short(text: str) -> str:
    return textwrap.shorten(" ".join(text.split()), TABLE_TITLE_LIMIT, placeholder=" […]")


def _share(count: int, total: int) -> str:
    return format_percent(100 * count / total if total else 0)


def _summary(actions: list[Action], window, today: date) -> list:
    summary = status_summary(actions)
    total, counts = summary["total"], summary["by_status"]
    sentence = (
        f"{total} actions : {_plural(counts[DONE], 'réalisée', 'réalisées')}, "
        f"{counts[IN_PROGRESS]} en cours, {counts[NOT_STARTED]} à démarrer, "
        f"{_plural(counts[ON_HOLD], 'suspendue', 'suspendues')} et "
        f"{_plural(counts[ABANDONED], 'abandonnée', 'abandonnées')} ; "
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
        f"{when}, {_plural(updated, 'action a', 'actions ont')} reçu au moins une mise à jour ; "
        f"{_plural(changes[IN_PROGRESS], 'a', 'ont')} démarré, "
        f"{_plural(changes[DONE], 'a été réalisée', 'ont été réalisées')}, "
        f"{_plural(changes[ON_HOLD], 'suspendue', 'suspendues')} et "
        f"{_plural(changes[ABANDONED], 'abandonnée', 'abandonnées')}."
    )
    blocks = [Paragraph(text)]
    if finished:
        named = ", ".join(action.code for action in finished[:MOVED_LIMIT])
        more = len(finished) - MOVED_LIMIT
        tail = f" et {_plural(more, 'autre', 'autres')}" if more > 0 else ""
        blocks.append(Paragraph(f"Réalisées sur la période : actions {named}{tail}."))
    return blocks


def _as_heard(actions: list[Action]) -> list[Action]:
    """The actions with `updated_at` the time of their last news that stands
    (`storage.effective.last_news`): an update taken back is no news, and the undo that took
    it back none either; `Action.is_silent` then judges the silence."""
    return [replace(action, updated_at=last_news(action)) for action in actions]


def _volets(groups: list[StrategicGroup]) -> list[tuple[str | None, list[StrategicGroup]]]:
    """OS grouped by volet (interne, externe, then the others); one group when none has one."""
    if not any(group.volet in VOLET_LABELS for group in groups):
        return [(None, groups)]
    order = [*VOLET_LABELS, None]
    by_volet = {volet: [] for volet in order}
    for group in groups:
        by_volet[group.volet if group.volet in VOLET_LABELS else None].append(group)
    return [(volet, members) for volet, members in by_volet.items() if members]


def _detail(groups: list[StrategicGroup], window, today: date) -> list:
    blocks: list = []
    for volet, members in _volets(groups):
        if volet is None:
            label = "Détail par objectif" if len(_volets(groups)) == 1 else "Autres objectifs"
        else:
            label = VOLET_LABELS[volet][0].upper() + VOLET_LABELS[volet][1:]
        blocks.append(Heading(label, 1))
        for os_group in members:
            blocks.append(Heading(f"Objectif stratégique {os_group.number} : {os_group.title}", 2))
            for oo_group in os_group.objectives:
                blocks.append(
                    Heading(f"Objectif opérationnel {oo_group.number} : {oo_group.title}", 3)
                )
                for status in REPORT_ORDER:
                    members = [a for a in oo_group.actions if a.status == status]
                    if not members:
                        continue
                    blocks.append(Heading(STATUS_HEADINGS[status], 4))
                    for action in members:
                        blocks.extend(_action_blocks(action, window, today))
    return blocks


def _conclusion(actions: list[Action], today: date, weeks: int) -> list:
    summary = status_summary(actions)
    counts = summary["by_status"]
    counted = summary["total"] - counts[ABANDONED]
    late = sum(1 for action in actions if action.is_late(today))
    silent = sum(1 for action in actions if action.is_silent(today, weeks))
    paragraphs = [
        f"Au {format_date_fr(today)}, {counts[DONE]} des {counted} actions du plan hors "
        f"abandonnées sont réalisées ({format_percent(summary['done_percent'])}), "
        f"{_plural(counts[IN_PROGRESS], 'est', 'sont')} en cours et "
        f"{_plural(counts[NOT_STARTED], 'reste', 'restent')} à démarrer."
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
            _plural(late, "action a", "actions ont")
            + " dépassé leur échéance et "
            + _plural(silent, "action ouverte n'a", "actions ouvertes n'ont")
            + f" reçu aucune mise à jour depuis {format_weeks(weeks)} : elles sont listées en"
            " annexe et"
            " appellent un point d'attention du comité de direction."
        )
    else:
        paragraphs.append("Aucune action n'est en retard ni sans nouvelles.")
    if counts[ABANDONED]:
        paragraphs.append(
            _plural(counts[ABANDONED], "action a été abandonnée", "actions ont été abandonnées")
            + " ; les raisons figurent dans le détail par objectif."
        )
    return [Heading("Conclusion", 1), *(Paragraph(text) for text in paragraphs)]


def _annex(actions: list[Action], today: date, weeks: int) -> list:
    late = sorted(
        (action for action in actions if action.is_late(today)),
        key=lambda action: -action.days_late(today),
    )
    silent = [action for action in actions if action.is_silent(today, weeks)]
    blocks: list = [Heading("Annexe : actions en retard et sans nouvelles", 1)]
    blocks.append(Heading("Actions en retard", 2))
    if late:
        late_rows = [
            (
                action.code,
                _short(action.title),
                action.pilots_text,
                format_date_fr(action.end),
                lateness_text(action.days_late(today)),
                action.status,
            )
            for action in late
        ]
        blocks.append(Table(EVALUATION_LATE_HEADERS, late_rows, widths=EVALUATION_LATE_WIDTHS))
    else:
        blocks.append(Paragraph("Aucune action en retard."))
    blocks.append(Heading(f"Actions sans nouvelles depuis {format_weeks(weeks)}", 2))
    if silent:
        silent_rows = [
            (
                action.code,
                _short(action.title),
                action.pilots_text,
                format_date_fr(action.updated_at) if action.updated_at else EVALUATION_NO_NEWS,
                action.status,
            )
            for action in silent
        ]
        blocks.append(
            Table(EVALUATION_SILENT_HEADERS, silent_rows, widths=EVALUATION_SILENT_WIDTHS)
        )
    else:
        blocks.append(Paragraph("Aucune action sans nouvelles."))
    return blocks
