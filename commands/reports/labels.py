"""Every French word the reports print, kept in one place."""

#: Report order of the statuses: what is done first, what was dropped last.
STATUS_ORDER = ("fait", "en cours", "à démarrer", "suspendu", "abandonné")

#: Evaluation headings, one per status.
STATUS_HEADINGS = {
    "fait": "Actions réalisées",
    "en cours": "Actions en cours",
    "à démarrer": "Actions à démarrer",
    "suspendu": "Actions suspendues",
    "abandonné": "Actions abandonnées",
}

#: Column headers and legend entries that count actions per status.
STATUS_COLUMNS = {
    "fait": "Réalisées",
    "en cours": "En cours",
    "à démarrer": "À démarrer",
    "suspendu": "Suspendues",
    "abandonné": "Abandonnées",
}

HEALTH_LABELS = {"bon": "bon", "risque": "à risque", "bloque": "bloqué"}

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
    *STATUS_COLUMNS.values(),
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

HISTORY_KINDS = {
    "status": "statut",
    "note": "note",
    "indicator": "indicateur",
    "health": "santé",
    "deadline": "échéance",
    "undo": "annulation de la mise à jour précédente",
}
