"""Facts about one action, in the report's sentences: its line (pilots, deadline), how late it
is, its progress, health and indicator (reports/evaluation.py).

How late and how silent an action is, is the action's own rule (`Action.days_late`,
`Action.is_late`, `Action.is_silent`)."""

from datetime import date

from storage.actions import Action
from storage.french import format_date_fr
from storage.vocabulary import HEALTH_LABELS, IN_PROGRESS, ON_HOLD, health_label


def lateness_text(days: int) -> str:
    """60 -> "2 mois", 12 -> "12 jours"."""
    if days >= 60:
        return f"{days // 30} mois"
    return f"{days} jour{'s' if days > 1 else ''}"


def action_line(action: Action) -> str:
    """The line that names an action in the report.

    >>> from storage.actions import action_by_code
    >>> print(action_line(action_by_code(db, plan_id, "52")))
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
    late = action.days_late(today)
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
