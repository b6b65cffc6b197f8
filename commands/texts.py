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
INTERNAL_ERROR = (
    "Erreur interne : la commande n'a pas abouti et rien n'a été modifié. "
    "L'incident est consigné dans le journal du bot."
)


def role_refusal(command: str, roles: frozenset[str], admins=()) -> str:
    """Why a command is refused, and who can run it."""
    who = ", ".join(ROLE_NAMES[r] for r in sorted(roles))
    ask = f" Demandez à {', '.join(sorted(admins)[:3])}." if admins else ""
    return f"La commande !{command} est réservée aux rôles : {who}.{ask}"


# ---------------------------------------------------------------- directory and roles

PILOT_MISSING = "Il manque les initiales du pilote. Exemple : {example}"
PERSON_MISSING = "Il manque la personne (@…). Exemple : {example}"
UNKNOWN_PILOT = "Pilote « {code} » inconnu du PST.{hint} La liste : !pilotes"
DID_YOU_MEAN_PILOT = " Vouliez-vous dire « {code} » ?"
BAD_CHAT_ID = (
    "« {word} » n'est pas un identifiant de chat : il commence par @ et ne contient pas "
    "d'espace (ex. @anne:example.org)."
)
DIRECTORY_ADMIN_ONLY = (
    "Seuls les administrateurs modifient l'annuaire des pilotes.{ask} "
    "Voir un pilote : !pilote {code}"
)
ALREADY_LINKED = "{who} est déjà lié(e) au pilote {code} : rien n'a changé."
NOT_LINKED = "{who} n'est pas lié(e) au pilote {code} : rien n'a changé."
NOBODY_LINKED = "Personne n'est lié au pilote {code}. Pour le lier : !pilote {code} @prenom:serveur"
ROLE_MISSING = "Il manque la personne. Exemple : !role @anne:example.org codir"
UNKNOWN_ROLE = "Rôle « {word} » inconnu. Rôles : admin, codir, pilote, lecteur (ou « defaut »)."
SAME_ROLE = "{who} a déjà le rôle {role} : rien n'a changé."
LAST_ADMIN = (
    "Impossible : {who} est le dernier administrateur. Nommez d'abord un autre administrateur "
    "(!role @personne admin)."
)
RIGHTS = {
    "admin": "tout : lire, mettre à jour toutes les actions, échéances, annuaire et rôles",
    "codir": "lire tout le PST et recevoir les synthèses",
    "pilot": "lire le PST et mettre à jour vos actions",
    "reader": "lire le PST",
}
ALSO_UPDATE_OWN = " ; mettre à jour vos actions"

# ---------------------------------------------------------------- reading the plan

UNKNOWN_OS = "L'OS « {word} » n'existe pas : les OS vont de 1 à {high}. Exemple : !os 2"
UNKNOWN_OO = "L'OO « {word} » n'existe pas. Les OO de l'OS {os} : {known}. Exemple : !oo 2.1"
BAD_OO = "« {word} » n'est pas un numéro d'OO : écrivez OS.OO, par exemple !oo 2.1"
NO_OVERDUE = "Aucune action en retard. 🎉"
SEARCH_MISSING = "Il manque les mots à chercher. Exemple : !cherche audit"
SEARCH_NOTHING = "Aucune action ne contient « {words} »."

# ---------------------------------------------------------------- notes, indicators, health

NOTE_MISSING = "Il manque le texte de la note. Exemple : !note 12 réunion avec le SPW le 5/06"
TOO_LONG = "{what} trop long ({length} caractères, maximum {limit}) : rien n'a été fait."
INDICATOR_MISSING = "Il manque la valeur atteinte. Exemple : !indicateur 12 8 audits"
SAME_INDICATOR = "L'indicateur de l'action {number} vaut déjà « {value} » : rien n'a changé."
HEALTH_MISSING = "Il manque la santé : bon, risque ou bloque. Exemple : !sante 12 risque"
UNKNOWN_HEALTH = "Santé « {word} » inconnue : écrivez bon, risque ou bloque."
SAME_HEALTH = "La santé de l'action {number} est déjà « {health} » : rien n'a changé."
HEALTH_LABELS = {"bon": "bonne", "risque": "à risque", "bloque": "bloquée"}
DEADLINE_MISSING = "Il manque la nouvelle échéance. Exemple : !echeance 12 2025-06"
BAD_DEADLINE = "Échéance « {word} » non reconnue. Exemples : 2025-06, juin 2025, 31/12/2025, 2025."
SAME_DEADLINE = "L'échéance de l'action {number} est déjà « {deadline} » : rien n'a changé."
NOTHING_TO_UNDO = "Rien à annuler : vous n'avez fait aucune mise à jour."
NOTHING_MORE_TO_UNDO = "Rien d'autre à annuler : vos mises à jour sont déjà annulées."
UNDO_TOO_OLD = (
    "Votre dernière mise à jour (action {number}, {at}) date de plus de {minutes} minutes : "
    "corrigez-la plutôt avec une nouvelle mise à jour (!maj, !sante…)."
)
UNDO_BLOCKED = (
    "Impossible d'annuler : l'action {number} a été modifiée depuis par {who} ({at}). "
    "Corrigez-la avec une nouvelle mise à jour."
)

# ---------------------------------------------------------------- history

NO_HISTORY = "Aucune modification enregistrée pour l'action {number}."
NO_PERSON_HISTORY = "Aucune modification enregistrée par {who}."
PERSON_HISTORY_ADMIN_ONLY = (
    "Seuls les administrateurs voient l'historique d'une autre personne.{ask} "
    "Le vôtre : !historique {me}"
)
