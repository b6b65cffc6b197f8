"""The words only the reports print: titles, table headers, sheet names.

Statuses, health values and history kinds read the same in chat and in the reports: their
labels live in `storage/vocabulary.py`; the note that says how "% fait" is counted lives
with the count, in `storage/progress.py`.
"""

from storage.importing.fields_cells import FIELD_HEADERS  # noqa: F401 (the importer reads them)
from storage.importing.labels import NO_ACTIONS_YET  # noqa: F401 (the importer skips it)
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

#: An action's fields (storage/plan_fields.py) are printed after these columns, under
#: FIELD_HEADERS, only when some action of the plan has that field.

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

# ---- The evaluation for the Conseil (reports/evaluation.py)
EVALUATION_ORGANISATION = "« {organisation} »"
EVALUATION_PLAN_PERIOD = "Période du plan : {period}"
EVALUATION_PERIOD = "Période évaluée : du {first} au {last}"
EVALUATION_SITUATION = "Situation au {day}"
#: The per-OS table of the summary: short headers, so no word is cut in a narrow column.
EVALUATION_OS_HEADERS = (
    "OS",
    "Objectif stratégique",
    "Total",
    "Faites",
    "En cours",
    "À dém.",
    "Susp.",
    "Aband.",
    "% fait",
)
EVALUATION_OS_WIDTHS = (9, 42, 17, 17, 17, 17, 17, 17, 17)  # mm of a 170 mm text width
EVALUATION_OS_LEGEND = "À dém. : à démarrer ; Susp. : suspendues ; Aband. : abandonnées."
EVALUATION_LATE_HEADERS = ("Action", "Intitulé", "Pilotes", "Échéance", "Retard", "Statut")
EVALUATION_LATE_WIDTHS = (16, 66, 24, 24, 20, 20)
EVALUATION_SILENT_HEADERS = ("Action", "Intitulé", "Pilotes", "Dernière nouvelle", "Statut")
EVALUATION_SILENT_WIDTHS = (16, 78, 26, 28, 22)
EVALUATION_NO_NEWS = "aucune"
CHART_BARS_TITLE = "Actions par objectif stratégique"
CHART_TIME_TITLE = "Part des actions faites au fil du temps"
CHART_TIME_YLABEL = "% fait"
CHART_NO_HISTORY = "Pas encore d'historique des mises à jour."
CHART_DATE = "au {day}"
CHART_BAR_END = "En bout de barre : % fait de l'OS"

# ---- The consolidated table for the Conseil (print layout, PDF)
TABLE_HEADING = "Tableau récapitulatif"
LATE_HEADER = "En retard"
LATE_MARK = "oui"
#: Columns of the spreadsheets' OS sheets: the table's without the OS and OO columns (their
#: band rows say them once), then "En retard".
SHEET_HEADERS = (*TABLE_HEADERS[4:], LATE_HEADER)
#: The band rows above an OS's and an OO's actions, in the spreadsheets and the PDF; the
#: importer reads them back as the outline's labels (storage/importing/labels.py).
OS_BAND = "OS {number}"
OO_BAND = "OO {number}"
OS_HEADING = "OS {number} — {title}"
OO_HEADING = "OO {number} — {title}"
#: Under an OO that has no action yet: NO_ACTIONS_YET, which the importer knows.
#: After a heading repeated at the top of a page, its group continuing from the page before.
CONTINUED = "(suite)"
#: On an OS's and an OO's band row, the budget column holds the total of its actions.
BUDGET_TOTAL = "Total : {amount} €"
PDF_HEADERS = (
    "Action",
    "Intitulé",
    "Pilotes",
    "Échéance",
    "Statut",
    "Av. %",
    "Santé",
    "Dernier commentaire",
    "Retard",
)
PAGE_NUMBER = "page {page} / {pages}"
