"""The words only the reports print: titles, table headers, sheet names.

Statuses, health values and history kinds read the same in chat and in the reports: their
labels live in `storage/vocabulary.py`.
"""

from storage.vocabulary import REPORT_ORDER, STATUS_COLUMNS

VOLET_LABELS = {"interne": "volet interne", "externe": "volet externe"}

TABLE_HEADERS = (
    "OS",
    "Objectif stratégique",
    "OO",
    "Objectif opérationnel",
    "Action",
    "Intitulé",
    "Indicateurs",
    "Pilotes",
    "Échéance",
    "Statut",
    "Avancement (%)",
    "Santé",
    "Dernier commentaire",
    "Dernière mise à jour",
)

SUMMARY_HEADERS = (
    "OS",
    "Objectif stratégique",
    *(STATUS_COLUMNS[status] for status in REPORT_ORDER),
    "Total",
    "% réalisées",
    "Avancement moyen (%)",
)

TOTAL = "Total"
SUMMARY_SHEET = "Synthèse"
TABLE_TITLE = "Tableau récapitulatif du PST"
EVALUATION_TITLE = "Évaluation à mi-législature du PST"
CHART_TITLE = "Avancement du PST par objectif stratégique"
CHART_XLABEL = "Nombre d'actions"
NO_ACTIONS = "Aucune action dans le plan."
# How "% done" is counted (reports.plan.done_percent), said wherever it is shown.
DONE_PERCENT_NOTE = (
    "% fait : actions faites sur les actions du plan, les {abandoned} abandonnées non comptées."
)
DONE_PERCENT_NOTE_ONE = (
    "% fait : actions faites sur les actions du plan, l'action abandonnée non comptée."
)
DONE_PERCENT_NOTE_NONE = "% fait : actions faites sur les actions du plan (aucune abandonnée)."
CHART_BARS_TITLE = "Actions par objectif stratégique"
CHART_TIME_TITLE = "Part des actions faites au fil du temps"
CHART_TIME_YLABEL = "% fait"
CHART_NO_HISTORY = "Pas encore d'historique des mises à jour."
CHART_DATE = "au {day}"
CHART_BAR_END = "En bout de barre : % fait de l'OS"
