"""What the rhythm says: the weekly CODIR digest, the reminders, and !absent, !rappels,
!digest (commands/schedule.py, digest.py, reminders.py, rhythm.py).
"""

from datetime import timedelta

SECTION_RHYTHM = "Rythme : digest et rappels"
CODIR_LABEL = "salon CODIR"
GROUPED_HEAD = "Changements de {start} à {end}"
DIGEST_HEAD = "Digest CODIR du {day} (changements depuis le {since})"
DIGEST_PLAN = "— {title} —"
DIGEST_NO_PLAN = "Aucun plan ouvert."
DIGEST_NO_CHANGE = "Aucun changement de statut cette semaine."
#: The digest's sections, most urgent first (commands/digest_agenda.py).
DIGEST_RISKS = "Bloquées ou à risque ({count})"
DIGEST_RISKS_COMMAND = "!risques"
DIGEST_MOVED = "Échéances reportées ({count})"
DIGEST_MOVED_REASON = "{was} → {now}"
DIGEST_LATE = "Nouvellement en retard ({count}, sur {total} en retard)"
DIGEST_LATE_REASON = "échéance du {end}"
DIGEST_LATE_COMMAND = "!retard"
#: Done, started, suspended or abandoned since the last digest.
DIGEST_CHANGES = {
    "fait": "Faites ({count})",
    "en cours": "Démarrées ({count})",
    "suspendu": "Suspendues ou abandonnées ({count})",
}
DIGEST_CHANGE_LABELS = {"suspendu": "Suspendue", "abandonné": "Abandonnée"}
DIGEST_DUE_CONSEIL = "À échéance avant le Conseil du {when} ({count})"
DIGEST_DUE_SOON = "À échéance dans les {days} jours ({count})"
DIGEST_SILENT = (
    "Sans nouvelles (rien depuis {weeks} ou {ignored} rappels sans réponse, {count} pilotes)"
)
DIGEST_TREND = "Avancement"
DIGEST_PROGRESS = (
    "{percent} % des actions faites ({done} sur {total}, {abandoned}) ; "
    "{last} % au dernier digest, {month} % il y a un mois ; {late} en retard."
)
DIGEST_ABANDONED = "les {count} abandonnées non comptées"
DIGEST_ABANDONED_ONE = "l'abandonnée non comptée"
DIGEST_ABANDONED_NONE = "aucune abandonnée"
#: After the most urgent few of a section: how many more, and the command that lists them.
DIGEST_MORE = "… et {count} autres : {command}"
DIGEST_MORE_COMMAND = "!tableau"
DIGEST_TAIL = "Tableau complet : !tableau — actions en retard : !retard"
REMINDER_HEAD = "Bonjour {name}, {count} actions du PST attendent un mot de votre part :"
REMINDER_HEAD_ONE = "Bonjour {name}, une action du PST attend un mot de votre part :"
REMINDER_LINE = "{where}{code} {title} — {why} → !maj {code} fait"
REMINDER_DEADLINE = "échéance {when} ({end})"
REMINDER_IN_DAYS = "dans {days} jours"
REMINDER_TOMORROW = "demain"
REMINDER_TODAY = "aujourd'hui"
REMINDER_OVERDUE = "échéance dépassée ({end})"
REMINDER_SILENT = "sans nouvelles depuis {weeks}"
REMINDER_MORE = "… et {count} autres : !mes-actions"
REMINDER_HOW = (
    "Répondez ici : « !maj {code} fait », « !maj {code} en cours 40 % » ou « !note {code} … » ; "
    "dans cette conversation directe, « {code} fait » suffit. "
    "Absent ? « !absent jusqu'au {away} ». Plus de rappels : « !rappels off »."
)
AWAY_SET = "Noté : pas de rappel jusqu'au {until} inclus. De retour plus tôt : !absent fin"
AWAY_ENDED = "Bon retour : les rappels reprennent."
AWAY_NOT_SET = "Vous n'étiez pas noté absent : rien n'a changé."
AWAY_MISSING = "Jusqu'à quand ? Exemple : !absent jusqu'au {away} (ou !absent fin au retour)."
#: The example day of an absence, that many days after today (never a day already gone).
AWAY_EXAMPLE_DAYS = 14


def away_example(today) -> str:
    """The day an « !absent jusqu'au … » example names: two weeks ahead, as pilots write it."""
    return f"{today + timedelta(days=AWAY_EXAMPLE_DAYS):%d/%m/%Y}"
AWAY_BAD_DATE = "« {word} » n'est pas une date. Exemple : !absent jusqu'au 20/12/2026"
AWAY_PAST = "Le {until} est déjà passé : rien n'a changé. Exemple : !absent jusqu'au 20/12/2026"
REMINDERS_MISSING = (
    "Que faire des rappels ? !rappels off, !rappels on ; administrateurs : "
    "!rappels pause, !rappels reprise"
)
REMINDERS_UNKNOWN = "« {word} » : tapez !rappels off, on, pause ou reprise."
REMINDERS_OFF = "Vos rappels sont coupés. Pour les retrouver : !rappels on"
REMINDERS_ON = "Vos rappels sont rétablis."
REMINDERS_ALREADY_OFF = "Vos rappels étaient déjà coupés : rien n'a changé."
REMINDERS_ALREADY_ON = "Vos rappels sont déjà actifs : rien n'a changé."
REMINDERS_PAUSE_ADMINS = (
    "Seuls les administrateurs peuvent mettre tous les rappels en pause ou les reprendre.{ask}"
)
REMINDERS_PAUSED = (
    "Tous les rappels sont en pause (le digest CODIR continue). Reprise : !rappels reprise"
)
REMINDERS_RESUMED = "Les rappels reprennent."
REMINDERS_ALREADY_PAUSED = "Les rappels étaient déjà en pause : rien n'a changé."
REMINDERS_NOT_PAUSED = "Les rappels n'étaient pas en pause : rien n'a changé."
WHO_SELF_OR_ADMINS = "chacun pour ses rappels ; pause et reprise : administrateurs"
