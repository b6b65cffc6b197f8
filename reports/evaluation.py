"""The mid-term (or final) evaluation of the PST, in the shape Walloon CPAS already write it
(see the Bernissart one in the shared seeds).

A cover (organisation, plan and its period, the period evaluated, the Conseil's date, the
day of the situation) and a contents page; an introduction; a summary (counts and "% fait" per
OS, what moved over the period); per volet (when the plan has volets), OS and OO, the CODIR's
comment on each OS, the actions under "Actions réalisées", "Actions en cours", "Actions à
démarrer", "Actions suspendues" and "Actions abandonnées" (empty headings are left out), each
once, with its pilots, deadline, lateness where it is news, indicator and a short story told
from its updates (`narrative.py`); the synergies between commune and CPAS; a conclusion; with
`annex`, one table of the late and silent actions. The summary and the conclusion are
written by `evaluation_sections.py`.

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
    synergies_section,
)
from reports.document import FORMATS, Document, Heading, Paragraph, render
from reports.evaluation_sections import conclusion_section, summary_section
from reports.grouping import Objective, StrategicGroup, group_plan
from reports.labels import (
    EVALUATION_ORGANISATION,
    EVALUATION_PERIOD,
    EVALUATION_PLAN_PERIOD,
    EVALUATION_SITUATION,
    EVALUATION_TITLE,
    NO_ACTIONS_YET,
    VOLET_LABELS,
)
from reports.narrative import narrative
from reports.plan_fields_report import EvaluationFields
from storage.actions import SILENT_AFTER_WEEKS, Action
from storage.clock import today as local_today
from storage.effective import changes_of, last_news
from storage.french import format_date_fr
from storage.vocabulary import NOT_STARTED, REPORT_ORDER, STATUS_HEADINGS

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
    outline = list(outline)
    groups = group_plan(actions, outline)
    blocks: list = [Heading("Introduction", 1), _codir_text(texts.get("intro"))]
    blocks.extend(summary_section(actions, window, generated_on, outline))
    shown = fields or EvaluationFields()
    blocks.extend(_detail(groups, window, generated_on, texts, shown))
    if fields is None:
        blocks.extend(synergies_section(actions, synergies))
    else:
        blocks.extend(synergies_section(actions, None, fields.by_action, fields.partner_titles))
    heard = _as_heard(actions)
    blocks.extend(conclusion_section(heard, generated_on, silent_after_weeks, annex))
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
