"""Facts about one action, in the report's sentences: its line (pilots, deadline), how late it
is, whether it is silent, its progress, health and indicator (reports/evaluation.py)."""

from datetime import date, timedelta

from reports.plan import format_date_fr, pilots_text
from storage.clock import local_time
from storage.vocabulary import CLOSED, HEALTH_LABELS, IN_PROGRESS, ON_HOLD, health_label

#: An open action without an update for this long is "silent" (as in the CODIR digest).
SILENT_AFTER = timedelta(weeks=6)


def days_late(action: dict, today: date) -> int:
    """Days past the action's end date; 0 when it is not late (or done, or abandoned).

    >>> days_late({"status": "en cours", "end_date": date(2024, 1, 1)}, date(2024, 3, 1))
    60
    """
    end = action.get("end_date")
    if isinstance(end, str):
        end = date.fromisoformat(end) if end else None
    if not end or action["status"] in CLOSED or end >= today:
        return 0
    return (today - end).days


def lateness_text(days: int) -> str:
    """60 -> "2 mois", 12 -> "12 jours"."""
    if days >= 60:
        return f"{days // 30} mois"
    return f"{days} jour{'s' if days > 1 else ''}"


def is_silent(action: dict, today: date) -> bool:
    """An open action without any update for six weeks (done and abandoned ones are quiet)."""
    if action["status"] in CLOSED:
        return False
    last = action.get("last_update")
    return last is None or local_time(last).date() < today - SILENT_AFTER


def action_line(action: dict) -> str:
    """The line that names an action in the report.

    >>> action_line({"number": 3, "title": "Achat", "pilots": ["LM", "MR"], "deadline": "2024"})
    'Action 3 – Achat (pilotes : LM/MR ; échéance : 2024)'
    """
    details = []
    if action.get("pilots"):
        details.append(f"pilotes : {pilots_text(action)}")
    if action.get("deadline"):
        details.append(f"échéance : {action['deadline']}")
    suffix = f" ({' ; '.join(details)})" if details else ""
    return f"Action {action['number']} – {action['title']}{suffix}"


def action_facts(action: dict, today: date) -> str | None:
    """Lateness, progress, health and indicator in sentences; None when there are none."""
    facts = []
    late = days_late(action, today)
    if late:
        end = format_date_fr(action["end_date"])
        facts.append(f"En retard de {lateness_text(late)} (fin prévue le {end}).")
    if action["status"] in (IN_PROGRESS, ON_HOLD) and action.get("progress") is not None:
        facts.append(f"Avancement : {action['progress']}\u00a0%.")
    if action.get("health") in HEALTH_LABELS:
        facts.append(f"Santé : {health_label(action['health'])}.")
    if action.get("indicators"):
        value = action.get("indicator_value")
        shown = f" ; valeur : {value}" if value not in (None, "") else ""
        facts.append(f"Indicateur : {action['indicators'].rstrip('.')}{shown}.")
    return " ".join(facts) or None
