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
