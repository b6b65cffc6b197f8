"""Facts about one action, in the report's sentences: its line (pilots, deadline), how late it
is, its progress, health and indicator (reports/evaluation.py); what the many not started say
together (`not_started_summary`); an annex row.

Lateness is said where it is news: under an action started (in progress or suspended) and past
its end; the actions not started and past their deadline are counted once per OO (« 12 actions
à démarrer, échéances dépassées depuis 2021. »), not « En retard de 72 mois » under each.

How late and how silent an action is, is the action's own rule (`Action.days_late`,
`Action.is_late`, `Action.is_silent`)."""

import textwrap
from collections.abc import Collection, Iterable, Mapping
from datetime import date

from reports.document_model import Heading, Link, Paragraph, Table
from reports.grouping import group_plan
from reports.labels import EVALUATION_NO_NEWS
from storage.actions import Action
from storage.french import format_date_fr, format_percent, format_weeks
from storage.importing.fields_cells import BODIES, format_amount
from storage.plan_fields import EMPTY, EXTRAORDINARY, ActionFields, BudgetLine, Indicator, Synergy
from storage.vocabulary import DONE, HEALTH_LABELS, IN_PROGRESS, NOT_STARTED, ON_HOLD, health_label

#: Characters of a title in the annex tables (a title of 2,000 characters would fill a page).
TABLE_TITLE_LIMIT = 160
NO_SYNERGY = (
    "Aucune action n'est encore marquée comme synergie entre la commune et le CPAS"
    " (!synergie, à venir)."
)
#: The annex's one table: each late or silent action once.
ANNEX_HEADERS = (
    "Action",
    "Intitulé",
    "Pilotes",
    "Échéance",
    "Retard",
    "Dernière nouvelle",
    "Statut",
)
ANNEX_WIDTHS = (15, 53, 23, 24, 17, 24, 22)
#: Characters of pilots' initials on one line of a table cell; longer lists break after a "/".
PILOTS_LINE = 10


def lateness_text(days: int) -> str:
    """60 -> "2 mois", 12 -> "12 jours"."""
    if days >= 60:
        return f"{days // 30} mois"
    return f"{days} jour{'s' if days > 1 else ''}"


def action_line(action: Action) -> str:
    """The line that names an action in the report.

    >>> from storage.actions import action_by_code
    >>> print(action_line(action_by_code(db, plan_id, "52")))  # doctest: +NORMALIZE_WHITESPACE
    Action 52 – Numérisation du courrier entrant et sortant via IMIO
    (pilotes : LM/ACB ; échéance : 2020 pour entrant - 2022 pour sortant)
    """
    details = []
    if action.pilots:
        details.append(f"pilotes : {action.pilots_text}")
    if action.deadline:
        details.append(f"échéance : {action.deadline}")
    suffix = f" ({' ; '.join(details)})" if details else ""
    return f"Action {action.code} – {action.title}{suffix}"


def action_facts(action: Action, today: date) -> str | None:
    """Lateness, progress, health and indicator in sentences; None when there are none."""
    facts = []
    late = action.days_late(today) if action.status in (IN_PROGRESS, ON_HOLD) else 0
    if late:
        end = format_date_fr(action.end)
        facts.append(f"En retard de {lateness_text(late)} (fin prévue le {end}).")
    if action.status in (IN_PROGRESS, ON_HOLD) and action.progress is not None:
        facts.append(f"Avancement : {action.progress}\u00a0%.")
    if action.health in HEALTH_LABELS:
        facts.append(f"Santé : {health_label(action.health)}.")
    if action.indicators:
        value = action.indicator_value
        shown = f" ; valeur : {value}" if value not in (None, "") else ""
        facts.append(f"Indicateur : {action.indicators.rstrip('.')}{shown}.")
    return " ".join(facts) or None


def indicator_text(indicator: Indicator) -> str:
    """« dossiers traités : 4 / 12 dossiers (33 %) »: the latest value against the target."""
    unit = f" {indicator.unit}" if indicator.unit else ""
    latest, target = indicator.latest, indicator.target
    if latest and target:
        share = format_percent(round(100 * latest.value / target))
        reached = f"{format_amount(latest.value)} / {format_amount(target)}{unit} ({share})"
    elif latest:
        reached = f"{format_amount(latest.value)}{unit}"
    elif target is not None:
        reached = f"objectif {format_amount(target)}{unit}"
    else:
        return indicator.name
    return f"{indicator.name} : {reached}"


def decision_link(decision) -> Link:
    """« Conseil du 24/03/2027, point 12 », pointing to its deliberation when it has one."""
    body = BODIES.get(decision.body, decision.body)
    words = f"{body} du {decision.day.strftime('%d/%m/%Y')}"
    if decision.point:
        words += f", point {decision.point}"
    return Link(words, decision.url or "")


def fields_paragraph(fields: ActionFields) -> Paragraph | None:
    """An action's indicators, decisions, mandataires and ODD in sentences (their budget is
    summed per OO and OS); None when it has none of them."""
    sentences, links = [], []
    if fields.indicators:
        shown = " ; ".join(indicator_text(i) for i in fields.indicators)
        sentences.append(f"Indicateurs : {shown}.")
    if fields.decisions:
        said = [decision_link(d) for d in fields.decisions]
        links = [link for link in said if link.url]
        shown = " ; ".join(link.written if link.url else link.words for link in said)
        sentences.append(f"{'Décisions' if len(said) > 1 else 'Décision'} : {shown}.")
    if fields.mandataries:
        label = "Mandataires" if len(fields.mandataries) > 1 else "Mandataire"
        sentences.append(f"{label} : {', '.join(fields.mandataries)}.")
    if fields.odd:
        sentences.append(f"ODD {', '.join(str(n) for n in fields.odd)}.")
    if not sentences:
        return None
    return Paragraph(" ".join(sentences), "history", tuple(links))


def budget_text(lines: Iterable[BudgetLine]) -> str | None:
    """The total of budget lines, split between ordinary and extraordinary when both are
    there: « Budget : 17 500 € (ordinaire 15 000 €, extraordinaire 2 500 €). »; None for none."""
    lines = list(lines)
    if not lines:
        return None
    extraordinary = sum(line.amount for line in lines if line.kind == EXTRAORDINARY)
    ordinary = sum(line.amount for line in lines) - extraordinary
    total = f"Budget : {format_amount(ordinary + extraordinary)} €"
    if ordinary and extraordinary:
        ordinary_text, extra_text = format_amount(ordinary), format_amount(extraordinary)
        return f"{total} (ordinaire {ordinary_text} €, extraordinaire {extra_text} €)."
    return f"{total} ({'extraordinaire' if extraordinary else 'ordinaire'})."


def not_started_summary(actions: list[Action], today: date) -> str | None:
    """The not-started actions past their deadline, in one sentence; None when there are none.

    "3 actions à démarrer, échéances dépassées depuis 2021." (the year of the oldest end).
    """
    late = [a for a in actions if a.status == NOT_STARTED and a.is_late(today)]
    if not late:
        return None
    since = min(a.end for a in late).year
    if len(late) == 1:
        return f"1 action à démarrer, échéance dépassée depuis {since}."
    return f"{len(late)} actions à démarrer, échéances dépassées depuis {since}."


def pilots_cell(action: Action, line: int = PILOTS_LINE) -> str:
    """The pilots' initials for a narrow table cell, broken only after a "/", never inside a
    name: "LM/MR/MAC/DB" -> "LM/MR/MAC/\nDB" when a line holds 10 characters."""
    lines: list[str] = []
    for name in action.pilots:
        if lines and len(lines[-1]) + len(name) + 1 <= line:
            lines[-1] += f"/{name}"
        elif lines:
            lines[-1] += "/"
            lines.append(name)
        else:
            lines.append(name)
    return "\n".join(lines)


def plural(count: int, one: str, many: str) -> str:
    """`plural(1, "reste", "restent")` -> "1 reste"."""
    return f"{count} {one if count == 1 else many}"


def _short(text: str) -> str:
    return textwrap.shorten(" ".join(text.split()), TABLE_TITLE_LIMIT, placeholder=" […]")


def partner_text(synergy: Synergy, titles: Mapping[tuple[str, str], str]) -> str:
    """« plan commune, action 5.1.4 – Maison de l'emploi »: the partner's title when that
    plan is in the database (`titles`: (plan code, action code) -> title)."""
    if not synergy.partner_plan:
        return "l'autre institution (plan non précisé)"
    if not synergy.partner_code:
        return f"plan {synergy.partner_plan}"
    title = titles.get((synergy.partner_plan, synergy.partner_code))
    shown = f"plan {synergy.partner_plan}, action {synergy.partner_code}"
    return f"{shown} – {title}" if title else shown


def synergies_section(
    actions: list[Action],
    synergies: Collection[str] | None,
    fields: Mapping[int, ActionFields] | None = None,
    partner_titles: Mapping[tuple[str, str], str] | None = None,
) -> list:
    """The synergies between commune and CPAS the law asks the evaluation to review: the
    actions marked, grouped by OS, each with its partner. With `fields` (by action number),
    the actions marked are those with a synergy that stands; else those whose code is in
    `synergies`."""
    blocks: list = [Heading("Bilan des synergies", 1)]
    if fields is not None:
        marked = [a for a in actions if fields.get(a.number, EMPTY).synergies]
    else:
        marked = [a for a in actions if synergies and a.code in synergies]
    if not marked:
        return [*blocks, Paragraph(NO_SYNERGY)]
    done = sum(1 for a in marked if a.status == DONE)
    blocks.append(
        Paragraph(
            f"{plural(len(marked), 'action est marquée', 'actions sont marquées')} comme synergie"
            f" entre la commune et le CPAS ; {plural(done, 'est réalisée', 'sont réalisées')}."
        )
    )
    if fields is None:  # codes only: no partner to name
        return blocks + [
            Paragraph(f"{action_line(action)} : {action.status}.", "action") for action in marked
        ]
    for os_group in group_plan(marked):
        blocks.append(Heading(f"Objectif stratégique {os_group.number} : {os_group.title}", 2))
        for action in os_group.actions:
            partners = " ; ".join(
                partner_text(s, partner_titles or {}) for s in fields[action.number].synergies
            )
            blocks.append(Paragraph(f"{action_line(action)} : {action.status}.", "action"))
            blocks.append(Paragraph(f"Avec : {partners}.", "history"))
    return blocks


def annex_section(actions: list[Action], today: date, weeks: int) -> list:
    """One table: each action late or without news once, the latest first."""
    listed = sorted(
        (a for a in actions if a.is_late(today) or a.is_silent(today, weeks)),
        key=lambda action: -action.days_late(today),
    )
    blocks: list = [
        Heading("Annexe : actions en retard et sans nouvelles", 1),
        Paragraph(
            f"En retard : échéance dépassée au {format_date_fr(today)} ; sans nouvelles : aucune"
            f" mise à jour depuis {format_weeks(weeks)}.",
            "note",
        ),
    ]
    if not listed:
        return [*blocks, Paragraph("Aucune action en retard ni sans nouvelles.")]
    rows = [
        (
            action.code,
            _short(action.title),
            pilots_cell(action),
            format_date_fr(action.end) if action.end else action.deadline,
            lateness_text(action.days_late(today)) if action.is_late(today) else "",
            format_date_fr(action.updated_at) if action.updated_at else EVALUATION_NO_NEWS,
            action.status,
        )
        for action in listed
    ]
    return [*blocks, Table(ANNEX_HEADERS, rows, widths=ANNEX_WIDTHS)]
