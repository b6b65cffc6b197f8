"""What the field commands say (commands/fields.py): indicators by name, budget, ODD,
mandataires, decisions, synergies. French, short: pilots read them on a phone."""

WHO_ODD = "voir : tout le monde ; marquer : les pilotes de l'action et les administrateurs"

# ---------------------------------------------------------------- indicators by name

INDICATOR_NAME_UNCLOSED = (
    "Le nom de l'indicateur doit être entre guillemets, "
    'par exemple : !indicateur 6 "dossiers traités" 4'
)
UNKNOWN_INDICATOR = "L'action {number} n'a pas d'indicateur « {name} ». Ses indicateurs : {names}."
NO_INDICATOR_YET = "L'action {number} n'a pas encore d'indicateur nommé « {name} »."
DEFINE_INDICATOR = (
    ' Un administrateur peut le créer : !indicateur {number} "{name}" cible 12 unité dossiers'
)
INDICATOR_VALUE_MISSING = 'Quelle valeur ? Par exemple : !indicateur {number} "{name}" 4'
BAD_INDICATOR_VALUE = (
    "« {word} » n'est pas une valeur : donnez un nombre, "
    'par exemple : !indicateur {number} "{name}" 4'
)
BAD_TARGET = "« {word} » n'est pas une cible : donnez un nombre, par exemple : cible 12"
DEFINE_ADMIN_ONLY = "Seul un administrateur peut définir un indicateur. {ask}"
INDICATOR_VALUE_SET = "Action {number} — {line}."
INDICATOR_DEFINED = "Action {number} — indicateur « {name} » : cible {target}{unit}."

# ---------------------------------------------------------------- budget

BUDGET_MISSING = 'Quel budget ? Par exemple : !budget {number} 2026 15000 ordinaire "SPW"'
BAD_BUDGET_YEAR = (
    "« {word} » n'est pas une année (2000 à 2100). Par exemple : !budget 12 2026 15000 ordinaire"
)
BAD_AMOUNT = "« {word} » n'est pas un montant. Par exemple : !budget 12 2026 15000 ordinaire"
BUDGET_KIND_MISSING = "Ordinaire ou extraordinaire ? Par exemple : !budget 12 2026 15000 ordinaire"
BUDGET_SET = (
    "Action {number} — budget {year} : {amount} {kind}{funding}. Total de l'action : {total}."
)

# ---------------------------------------------------------------- ODD

ODD_MISSING = (
    "Quel ODD ? !odd 11 liste les actions de l'ODD 11, !odd aucun celles sans ODD, "
    "!odd 12 11 13 marque l'action 12."
)
BAD_ODD = "« {word} » n'est pas un ODD : les ODD vont de 1 à 17."
ODD_SET = "Action {number} — ODD : {odd}."
ODD_CLEARED = "Action {number} — plus aucun ODD."
SAME_ODD = "L'action {number} a déjà ces ODD : {odd}."
ODD_LIST_HEAD = "ODD {odd} : {count} action(s)"
NO_ODD_LIST_HEAD = "Sans ODD : {count} action(s)"
ODD_NONE_FOUND = "Aucune action du plan n'est marquée ODD {odd}."
ODD_ALL_TAGGED = "Toutes les actions du plan ont au moins un ODD."
NONE_WORDS = ("aucun", "aucune", "rien", "sans")

# ---------------------------------------------------------------- mandataires

MANDATARY_MISSING = "Quel mandataire ? Par exemple : !mandataire {number} JD"
MANDATARY_SET = "Action {number} — mandataire(s) : {names}."
MANDATARY_CLEARED = "Action {number} — plus aucun mandataire."
SAME_MANDATARY = "{name} est déjà mandataire de l'action {number}."
NO_MANDATARY = "L'action {number} n'a pas de mandataire."

# ---------------------------------------------------------------- decisions

DECISION_MISSING = "Quelle décision ? Par exemple : !decision {number} conseil 2027-03-24 point 12"
BAD_BODY = "« {word} » : dites conseil ou college. Par exemple : !decision 29 conseil 2027-03-24"
DECISION_DAY_MISSING = "Quelle date ? Par exemple : !decision 29 conseil 2027-03-24 (ou 24/03/2027)"
BAD_DECISION_DAY = "« {word} » n'est pas une date : écrivez 2027-03-24 ou 24/03/2027."
POINT_MISSING = "Quel point ? Par exemple : point 12"
BAD_URL = "« {word} » n'est pas un lien accepté : donnez une adresse https://…"
NOT_UNDERSTOOD = "Je n'ai pas compris « {word} ». Par exemple : {example}"
SAME_DECISION = "Cette décision est déjà notée pour l'action {number}."
DECISION_SET = "Action {number} — décision notée : {decision}."

# ---------------------------------------------------------------- synergies

SYNERGY_MISSING = "Avec quelle action ? Par exemple : !synergie {number} commune:5.1.4"
BAD_SYNERGY = "« {word} » : écrivez plan:code, par exemple commune:5.1.4"
UNKNOWN_PARTNER = "Le plan {plan} n'a pas d'action {code}."
SELF_SYNERGY = "Une action n'est pas en synergie avec elle-même."
SAME_SYNERGY = "L'action {number} est déjà en synergie avec {partner}."
SYNERGY_SET = "Action {number} — synergie avec {partner}."

# ---------------------------------------------------------------- !action, !oo, !os

ACTION_INDICATOR = "Indicateur {line}"
ACTION_BUDGET = "Budget : {total} ({years})"
ACTION_ODD = "ODD : {odd}"
ACTION_MANDATARIES = "Mandataire(s) : {names}"
ACTION_DECISION = "Décision : {decision}"
ACTION_SYNERGIES = "Synergies : {partners}"
#: A synergy another plan's action marks towards this one.
SYNERGY_FROM = "{partner} (noté par {plan})"
OBJECTIVE_BUDGET = "Budget : {total}"
WAS = ", était {value} le {day}"
NOTHING_LEFT_TO_CORRECT = "Pour corriger cela, tapez !annuler puis la bonne commande."
#: What undoing a field's entry says, after « Annulé. Action 29 : ».
UNDONE_FIELD = "{what} « {value} »"
