"""What the published site says (reports/site.py, reports/site_chart.py): its French words,
said once. Statuses read as in chat (`storage/vocabulary.py`), dates and figures as
`storage/french.py` writes them.
"""

SITE_NAME = "Programme stratégique transversal"
SKIP_LINK = "Aller au contenu"
HOME = "Accueil"
BREADCRUMB = "Vous êtes ici"
SITUATION = "Situation au {day}"
PERIOD = "Période du plan : {period}"
FOOTER = "Page publiée avec pst-bot, le bot de suivi du PST."

# ---- the index
INDEX_TITLE = "Avancement du plan"
SUMMARY = "{total} actions dont {done} réalisées ({percent}), {ongoing} en cours."
OS_HEADING = "Les objectifs stratégiques"
OS_LABEL, OO_LABEL = "OS {number}", "OO {number}"
OS_TITLE = "OS {number} : {title}"
OS_SUMMARY = "{total} actions, {done} réalisées ({percent})."
OO_LINK = "OO {number} : {title}"
OO_COUNT = "{total} actions, {percent} réalisées"
OO_COUNT_ONE = "1 action, {percent} réalisée"

# ---- the charts and their tables of numbers
CHARTS_HEADING = "Avancement en chiffres"
BY_OS_HEADING = "Part des actions réalisées par objectif stratégique"
BY_OS_ALT = (
    "Graphique en barres : part des actions réalisées pour chaque objectif stratégique. "
    "Les chiffres sont dans le tableau qui suit."
)
BY_OS_CAPTION = "Actions réalisées par objectif stratégique"
BY_OS_HEADERS = ("Objectif stratégique", "Actions", "Réalisées", "En cours", "% réalisées")
OVER_TIME_HEADING = "Part des actions réalisées au fil du temps"
OVER_TIME_ALT = (
    "Graphique en courbe : part des actions réalisées à la fin de chaque période, du {first} "
    "au {last} ({value} à cette date). Les chiffres sont dans le tableau qui suit."
)
OVER_TIME_CAPTION = "Part des actions réalisées, à la fin de chaque période"
OVER_TIME_DETAILS = "Voir les chiffres ({count} dates)"
OVER_TIME_HEADERS = ("Date", "% réalisées")
NO_HISTORY = "Pas encore d'historique des mises à jour : la courbe viendra avec les premières."

# ---- a page per operational objective
OO_TITLE = "OO {number} : {title}"
OO_PARENT = "Objectif stratégique {number} : {title}"
ACTION_TITLE = "Action {code} : {title}"
STATUS = "Statut"
PROGRESS = "Avancement"
PROGRESS_UNKNOWN = "non renseigné"
DEADLINE = "Échéance"
DEADLINE_UNKNOWN = "non précisée"
INDICATORS = "Indicateurs"
COMMENT = "Dernier commentaire"
PILOTS = "Pilotes"
PREVIOUS = "Objectif précédent : {label}"
NEXT = "Objectif suivant : {label}"
OO_NAV = "Objectifs voisins"

#: What replaces a chat id, an e-mail address or (without --with-pilots) a pilot's initials
#: written in a comment.
MASKED = "[…]"

# ---- the charts themselves (SVG)
CHART_BY_OS_TITLE = "Part des actions réalisées par objectif stratégique"
CHART_OVER_TIME_TITLE = "Part des actions réalisées au fil du temps"
