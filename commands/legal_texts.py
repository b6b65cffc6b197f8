"""What the legal calendar says (commands/legal_calendar.py)."""

LABEL = "{who} (calendrier légal)"
MILESTONE_PST = "la présentation du PST au Conseil (neuf mois après l'installation)"
MILESTONE_PUBLICATION = "la publication du PST sur le site de l'institution (!publier)"
MILESTONE_MIDTERM = "l'évaluation à mi-législature (!evaluation)"
MILESTONE_END = "l'évaluation de fin de législature (!evaluation)"
NOTICE_HEAD = "Calendrier légal : {what}, au plus tard le {day} (dans {days} jours)."
PLAN_HEAD = "— {title} —"
WITHOUT_PILOT = "Sans pilote ({count}) : {codes}"
WITHOUT_DEADLINE = "Sans échéance ({count}) : {codes}"
SILENT = "Sans nouvelles ({count}) : {codes}"
NO_SYNERGY = "Aucune synergie marquée avec la commune ou le CPAS (!synergie)."
NOTHING_MISSING = "Rien ne manque."
MORE = " et {count} autres"
NO_INSTALLATION = (
    "Le calendrier légal n'est pas connu : indiquez la date d'installation du Conseil dans "
    'la configuration, [organisation] installation = "2024-12-02".'
)
CALENDAR_HEAD = "Calendrier légal (Conseil installé le {day}) :"
CALENDAR_LINE = "• {what} : {day}"
PAST = "(passé)"
AHEAD = "(dans {days} jours)"
MISSING_HEAD = "Ce qui manque aujourd'hui :"
