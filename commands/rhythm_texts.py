"""What the rhythm says: the weekly CODIR digest, the reminders, and !absent, !rappels,
!digest (commands/schedule.py, digest.py, reminders.py, rhythm.py).
"""

SECTION_RHYTHM = "Rythme : digest et rappels"
CODIR_LABEL = "salon CODIR"
DIGEST_HEAD = "Digest CODIR du {day} (changements depuis le {since})"
DIGEST_PLAN = "— {title} —"
DIGEST_NO_PLAN = "Aucun plan ouvert."
DIGEST_NO_CHANGE = "Aucun changement de statut cette semaine."
DIGEST_OS = "OS {number} — {title}"
#: A change of status, as the digest counts it (newly done, started, suspended, abandoned).
DIGEST_CHANGE_LABELS = {
    "fait": "Faites",
    "en cours": "Démarrées",
    "suspendu": "Suspendues",
    "abandonné": "Abandonnées",
}
DIGEST_LATE = "En retard ({count}) : {codes}"
DIGEST_LATE_COUNT = "{count} en retard"
DIGEST_SOON = "Échéance dans les {days} jours ({count}) : {items}"
DIGEST_SOON_COUNT = "{count} à échéance sous {days} jours"
DIGEST_SILENT = (
    "Sans nouvelles (rien depuis {weeks} ou {ignored} rappels sans réponse) : {names}"
)
DIGEST_SILENT_TOTAL = " ({count} pilotes)"
DIGEST_PROGRESS = (
    "Avancement : {percent} % des actions faites ({done} sur {total}, "
    "les {abandoned} abandonnées non comptées)."
)
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
    "Absent ? « !absent jusqu'au 20/12/2026 ». Plus de rappels : « !rappels off »."
)
AWAY_SET = "Noté : pas de rappel jusqu'au {until} inclus. De retour plus tôt : !absent fin"
AWAY_ENDED = "Bon retour : les rappels reprennent."
AWAY_NOT_SET = "Vous n'étiez pas noté absent : rien n'a changé."
AWAY_MISSING = "Jusqu'à quand ? Exemple : !absent jusqu'au 20/12/2026 (ou !absent fin au retour)."
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
