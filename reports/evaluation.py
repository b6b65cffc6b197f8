"""The mid-term (or final) evaluation of the PST, in the shape Walloon CPAS already write it
(see the Bernissart one in the shared seeds).

A cover (organisation, plan and its period, the period evaluated, the Conseil's date, the
day of the situation) and a contents page; an introduction; a summary (counts and "% fait" per
OS, what moved over the period); per volet (when the plan has volets), OS and OO, the CODIR's
comment on each OS, the actions under "Actions réalisées", "Actions en cours", "Actions à
démarrer", "Actions suspendues" and "Actions abandonnées" (empty headings are left out), each
once, with its pilots, deadline, lateness where it is news, indicator and a short story told
from its updates (`narrative.py`); the synergies between commune and CPAS; a conclusion; with
`annex`, one table of the late and silent actions.

With `fields` (`plan_fields_report.evaluation_fields`), each action also says its
indicators (« dossiers traités : 4 / 12 dossiers (33 %) »), decisions (« Conseil du
24/03/2027, point 12 », linked to the deliberation where the format has links), mandataires
and ODD; each OS and OO its budget total when its actions have budget lines; and the
« Bilan des synergies » lists the actions marked as synergies, grouped by OS, with their
partner. A plan without these fields reads as before.

The introduction and the comment of each OS are the CODIR's words, stored in chat
(`!evaluation texte intro …`, `!evaluation texte OS 2 …`) and given as `texts` ("intro",
"os:2"); until then the document marks the place: « [À compléter par le CODIR] ».

    >>> from reports.sample import synthetic_plan
    >>> evaluation_report(synthetic_plan(10), "md").decode().splitlines()[0]
    '# Évaluation à mi-législature du PST'
"""

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date

from reports.action_facts import (
    action_facts,
    action_line,
    annex_section,
    budget_text,
    fields_paragraph,
    not_started_summary,
    plural,
    synergies_section,
)
from reports.document import FORMATS, Document, Heading, Paragraph, Table, render
from reports.grouping import Objective, StrategicGroup, group_plan
from reports.labels import (
    EVALUATION_ORGANISATION,
    EVALUATION_OS_HEADERS,
    EVALUATION_OS_LEGEND,
    EVALUATION_OS_WIDTHS,
    EVALUATION_PERIOD,
    EVALUATION_PLAN_PERIOD,
    EVALUATION_SITUATION,
    EVALUATION_TITLE,
    NO_ACTIONS_YET,
    TOTAL,
    VOLET_LABELS,
)
from reports.narrative import narrative
from reports.plan_fields_report import EvaluationFields
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

#: Action codes named in the summary's "what moved" paragraph; more are counted.
MOVED_LIMIT = 12
#: The mark of a place the CODIR completes, until `!evaluation texte` fills it.
TO_COMPLETE = "[À compléter par le CODIR]"
#: What the cover says when the plan has no title of its own.
DEFAULT_PLAN_TITLE = "Programme stratégique transversal"
CONSEIL_LINE = "Présentée au Conseil du {day}"
#: Under an OO of the plan that has no action yet (the table says it too).
NO_ACTIONS_SENTENCE = f"{NO_ACTIONS_YET[0].upper()}{NO_ACTIONS_YET[1:]}."
_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*[-–—/à]+\s*((?:19|20)\d\d)\b")


def plan_period(title: str, period: str, actions: list[Action]) -> str:
    """The plan's period as the cover prints it: given, else read from the title ("PST du
    CPAS 2025-2030"), else the years of its actions (first start, last end); "" if none.

    >>> plan_period("PST du CPAS 2019 - 2024", "", [])
    '2019-2024'
    """
    if period.strip():
        return period.strip()
    found = _YEARS.search(title or "")
    if found:
        return f"{found.group(1)}-{found.group(2)}"
    starts = [a.start.year for a in actions if a.start] + [a.end.year for a in actions if a.end]
    ends = [a.end.year for a in actions if a.end]
    if not starts or not ends:
        return ""
    return f"{min(starts)}-{max(ends)}" if min(starts) != max(ends) else str(min(starts))


def _plan_line(plan_title: str, period: str) -> str:
    """The plan as the cover names it: its title, with the period when the title lacks it."""
    title = plan_title.strip() or DEFAULT_PLAN_TITLE
    if period and not _YEARS.search(title) and period not in title:
        title = f"{title} {period}"
    return title


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
    conseil: date | None = None,
    texts: Mapping[str, str] | None = None,
    annex: bool = False,
    synergies: Collection[str] | None = None,
    outline: Iterable[Objective] = (),
    fields: EvaluationFields | None = None,
) -> bytes:
    """The evaluation as file bytes; `fmt` is "html", "md", "odt", "docx" or "pdf".

    `organisation` ("CPAS de Bernissart"), `plan_title` (never a plan code: "" gives
    « Programme stratégique transversal ») and `period` (the plan's, "2019-2024"; read from the
    title or the actions when empty) go on the cover, with the day of the Conseil (`conseil`).
    `texts`: the CODIR's introduction ("intro") and comments per OS ("os:2"). `annex`: the
    table of late and silent actions at the end. `synergies`: the codes of the actions marked
    as synergies between commune and CPAS (None: no marking yet). `outline`: the plan's OOs
    in plan order (`commands.files.plan_outline`); those without an action yet are listed too,
    with « Aucune action encore. ». `fields`: the actions' indicators, budget, ODD,
    mandataires, decisions and synergies (`plan_fields_report.evaluation_fields`); with them,
    the synergies are those the fields hold, `synergies` is not read.
    With `since`, the summary's "what moved" and each action's story cover
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
        conseil=conseil,
        texts=texts or {},
        annex=annex,
        synergies=synergies,
        outline=outline,
        fields=fields,
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
    conseil: date | None = None,
    texts: Mapping[str, str] | None = None,
    annex: bool = False,
    synergies: Collection[str] | None = None,
    outline: Iterable[Objective] = (),
    fields: EvaluationFields | None = None,
) -> Document:
    texts = texts or {}
    period = plan_period(plan_title, period, actions)
    cover = []
    if organisation:
        cover.append(EVALUATION_ORGANISATION.format(organisation=organisation))
    cover.append(_plan_line(plan_title, period))
    if period:
        cover.append(EVALUATION_PLAN_PERIOD.format(period=period))
    first_day = since or (date(int(period[:4]), 1, 1) if period[:4].isdigit() else None)
    if first_day:
        first, last = format_date_fr(first_day), format_date_fr(generated_on)
        cover.append(EVALUATION_PERIOD.format(first=first, last=last))
    if conseil:
        cover.append(CONSEIL_LINE.format(day=format_date_fr(conseil)))
    cover.append(EVALUATION_SITUATION.format(day=format_date_fr(generated_on)))

    window = (since, generated_on) if since else None
    groups = group_plan(actions, outline)
    blocks: list = [Heading("Introduction", 1), _codir_text(texts.get("intro"))]
    blocks.extend(_summary(actions, window, generated_on))
    shown = fields or EvaluationFields()
    blocks.extend(_detail(groups, window, generated_on, texts, shown))
    if fields is None:
        blocks.extend(synergies_section(actions, synergies))
    else:
        blocks.extend(synergies_section(actions, None, fields.by_action, fields.partner_titles))
    heard = _as_heard(actions)
    blocks.extend(_conclusion(heard, generated_on, silent_after_weeks, annex))
    if annex:
        blocks.extend(annex_section(heard, generated_on, silent_after_weeks))
    return Document(title, blocks, cover=tuple(cover), contents=True)


def _codir_text(text: str | None) -> Paragraph:
    """The CODIR's words, or the mark of the place they go."""
    return Paragraph(text) if text and text.strip() else Paragraph(TO_COMPLETE, "todo")


def _action_blocks(
    action: Action, window, today: date, fields: EvaluationFields
) -> list[Paragraph]:
    blocks = [Paragraph(action_line(action), "action")]
    facts = action_facts(action, today)
    if facts:
        blocks.append(Paragraph(facts, "history"))
    own = fields_paragraph(fields.of(action.number))
    if own:
        blocks.append(own)
    story = narrative(action.history, action.last_comment, window, changes=changes_of(action))
    if story:
        blocks.append(Paragraph(story, "comment"))
    elif window:
        blocks.append(Paragraph("Aucune mise à jour sur la période.", "comment"))
    return blocks


# ---------------------------------------------------------------- the parts


def _share(count: int, total: int) -> str:
    return format_percent(100 * count / total if total else 0)


def _summary(actions: list[Action], window, today: date) -> list:
    summary = status_summary(actions)
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


def _budget(actions: list[Action], fields: EvaluationFields) -> list[Paragraph]:
    """The budget total of these actions, when any has budget lines."""
    text = budget_text(line for a in actions for line in fields.of(a.number).budget)
    return [Paragraph(text, "history")] if text else []


def _detail(
    groups: list[StrategicGroup],
    window,
    today: date,
    texts: Mapping[str, str],
    fields: EvaluationFields,
) -> list:
    blocks: list = []
    for volet, members in _volets(groups):
        if volet is None:
            label = "Détail par objectif" if len(_volets(groups)) == 1 else "Autres objectifs"
        else:
            label = VOLET_LABELS[volet][0].upper() + VOLET_LABELS[volet][1:]
        blocks.append(Heading(label, 1))
        for os_group in members:
            blocks.append(Heading(f"Objectif stratégique {os_group.number} : {os_group.title}", 2))
            blocks.extend(_budget(os_group.actions, fields))
            blocks.append(Paragraph("Commentaire du CODIR", "meta"))
            blocks.append(_codir_text(texts.get(f"os:{os_group.number}")))
            for oo_group in os_group.objectives:
                blocks.append(
                    Heading(f"Objectif opérationnel {oo_group.number} : {oo_group.title}", 3)
                )
                blocks.extend(_budget(oo_group.actions, fields))
                if not oo_group.actions:
                    blocks.append(Paragraph(NO_ACTIONS_SENTENCE, "note"))
                for status in REPORT_ORDER:
                    members = [a for a in oo_group.actions if a.status == status]
                    if not members:
                        continue
                    blocks.append(Heading(STATUS_HEADINGS[status], 4))
                    late = not_started_summary(members, today) if status == NOT_STARTED else None
                    if late:
                        blocks.append(Paragraph(late, "history"))
                    for action in members:
                        blocks.extend(_action_blocks(action, window, today, fields))
    return blocks


def _conclusion(actions: list[Action], today: date, weeks: int, annex: bool = False) -> list:
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
