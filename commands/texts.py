"""Every sentence users read, in French, in one place."""

from commands.access import ROLE_NAMES

UNKNOWN_COMMAND = "Commande inconnue « {word} ».{hint} Tapez !aide pour la liste des commandes."
DID_YOU_MEAN = " Vouliez-vous dire !{word} ?"
MESSAGE_TOO_LONG = "Message trop long (plus de {limit} caractères) : rien n'a été fait."
MISSING_ARGUMENT = "Il manque {what}. Exemple : {example}"
NOT_A_NUMBER = "« {word} » n'est pas un numéro d'action. Exemple : {example}"
UNKNOWN_ACTION = "L'action {number} n'existe pas : les actions vont de {low} à {high}."
EMPTY_PLAN = "Aucun PST n'est chargé : importez-en un avec « pst-bot import FICHIER »."
UNKNOWN_STATUS = (
    "Statut « {word} » inconnu. Statuts possibles : {valid} (ou un avancement « 40% »)."
)
BAD_PROGRESS = "Avancement « {word} » impossible : donnez un pourcentage de 0 à 100 (ex. 40%)."
NOT_PILOT = (
    "Vous n'êtes pas pilote de l'action {number} (pilotes : {pilots}). "
    "Seuls ses pilotes et les administrateurs peuvent la mettre à jour."
)
NOTHING_CHANGED = "L'action {number} est déjà « {status} »{progress} : rien n'a changé."
NO_PILOT_LINK = (
    "Vous n'êtes lié(e) à aucun pilote du PST. Demandez au DG de vous ajouter "
    "à l'annuaire des pilotes."
)
NO_ACTIONS = "Aucune action pour {who}."
LATE = "en retard"


def role_refusal(command: str, roles: frozenset[str]) -> str:
    who = ", ".join(ROLE_NAMES[r] for r in sorted(roles))
    return f"La commande !{command} est réservée aux rôles : {who}."
