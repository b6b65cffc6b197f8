"""Facts about one action, in the report's sentences: its line (pilots, deadline), how late it
is, whether it is silent, its progress, health and indicator (reports/evaluation.py).

How late an action is, is the action's own rule (`Action.days_late`, `Action.is_late`)."""

from datetime import date, timedelta

from storage.actions import Action
from storage.clock import local_time
from storage.french import format_date_fr
from storage.vocabulary import CLOSED, HEALTH_LABELS, IN_PROGRESS, ON_HOLD, health_label

#: An open action without an update for this long is "silent" (as in the CODIR digest).
SILENT_AFTER = timedelta(weeks=6)


def lateness_text(days: int) -> str:
    """60 -> "2 mois", 12 -> "12 jours"."""
    if days >= 60:
        return f"{days // 30} mois"
    return f"{days} jour{'s' if days > 1 else ''}"


def is_silent(action: Action, today: date) -> bool:
    """An open action without any update for six weeks (done and abandoned ones are quiet)."""
    if action.status in CLOSED:
        return False
    last = action.updated_at
    return last is None or local_time(last).date() < today - SILENT_AFTER


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
