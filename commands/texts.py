"""Every sentence the engine and its commands say to users, in French, in one place.

The transports keep their own few sentences (bot/matrix/texts.py, bot/teams/texts.py); the
reports theirs (reports/labels.py); the words of the plan itself (statuses, health, history
kinds) live in storage/vocabulary.py.
"""

from commands.chat_ids import addressable
from commands.types import ADMIN, CODIR, PILOT, READER

ROLE_NAMES = {ADMIN: "administrateur", CODIR: "CODIR", PILOT: "pilote", READER: "lecteur"}

# ---------------------------------------------------------------- the engine

UNKNOWN_COMMAND = "Commande inconnue « {word} ».{hint} Tapez !aide pour la liste des commandes."
DID_YOU_MEAN = " Vouliez-vous dire !{word} ?"
MESSAGE_TOO_LONG = "Message trop long (plus de {limit} caractères) : rien n'a été fait."
INTERNAL_ERROR = (
    "Erreur interne : la commande n'a pas abouti et rien n'a été modifié. "
    "L'incident est consigné dans le journal du bot."
)
RETRY_LATER = (
    "La base du PST est momentanément indisponible : rien n'a été enregistré. "
    "Réessayez dans un instant."
)
TOO_MANY_LINES = (
    "Message groupé trop long : {count} lignes, au plus {limit} par message. "
    "Rien n'a été appliqué : envoyez-les en plusieurs messages."
)
REPLY_SHORTENED = "… réponse raccourcie : {count} lignes non affichées. Précisez votre demande."
ONLY_SAME_COMMAND = "« {line} » : un message groupé ne contient que des !{word}."
HELLO = (
    "Bonjour ! Écrivez par exemple « mes actions », « 47 fait », « 47 en cours 40 % » ou « aide »."
)
POINTER = "Pour cela, tapez : {command}"
POINTER_HELP = "Tapez « aide » pour la liste des commandes, ou « mes actions » pour les vôtres."
NOT_UNDERSTOOD = (
    "Je n'ai pas compris. Exemples : « mes actions », « 47 fait », « 47 en cours 40 % », « aide »."
)


def line_refusal(index: int, reason: str) -> str:
    """A refused line of a grouped message (the other lines were applied)."""
    return f"Ligne {index} : {reason}"


# ---------------------------------------------------------------- who may

WHO_EVERYONE = "tout le monde"
WHO_PILOTS_OF_ACTION = "les pilotes de l'action et les administrateurs"
WHO_OWN_CHANGES = "chacun, pour ses propres mises à jour"
WHO_HISTORY = "tout le monde ; celui d'une personne : administrateurs et elle-même"
WHO_DIRECTORY = "voir : administrateurs et CODIR ; lier ou retirer : administrateurs"


def role_list(roles) -> str:
    """ "administrateur, CODIR" """
    return ", ".join(ROLE_NAMES[role] for role in sorted(roles))


def ask_admins(admins) -> str:
    """ " Demandez à @dg:x." — whom to ask, for refusals: addresses a person can write to (a
    Matrix id, a UPN), not a Teams object id."""
    first = sorted(a for a in admins if addressable(a))[:3]
    return f" Demandez à {', '.join(first)}." if first else ""


def role_refusal(command: str, roles, admins=()) -> str:
    """Why a command is refused, and who can run it."""
    return (
        f"La commande !{command} est réservée aux rôles : {role_list(roles)}.{ask_admins(admins)}"
    )


NOT_PILOT = (
    "Vous n'êtes pas pilote de l'action {number} (pilotes : {pilots}). "
    "Seuls ses pilotes et les administrateurs peuvent la mettre à jour."
)

# ---------------------------------------------------------------- arguments

MISSING_ARGUMENT = "Il manque {what}. Exemple : {example}"
NOT_A_NUMBER = "« {word} » n'est pas un numéro d'action. Exemple : {example}"
NO_CAMPAIGN = "Pas de campagne n° {id} pour ce plan."
CAMPAIGN_OPEN = "La campagne n° {id} n'est pas encore close (clôture le {closes})."
AMBIGUOUS_ACTION = (
    "Plusieurs actions s'appellent {number} : {codes}. Écrivez le code entier, par exemple {first}."
)
UNKNOWN_ACTION = "L'action {number} n'existe pas : les actions vont de {low} à {high}."
EMPTY_PLAN = "Aucun PST n'est chargé : importez-en un avec « pst-bot import FICHIER »."
NO_PLAN_FOR_ROOM = (
    "Ce salon n'est lié à aucun PST et la base en contient plusieurs ({codes}). "
    "Un administrateur le choisit : !plan CODE (ou [rooms.plans] dans la configuration)."
)
CONFIGURED_PLAN_MISSING = (
    "Ce salon est lié au PST « {code} » dans la configuration, mais la base ne le contient "
    "pas. La liste : !plans"
)
PLAN_CLOSED = (
    "Le PST « {code} » est clôturé : il se consulte (rapports, historique) mais ne se modifie "
    "plus. Rien n'a été enregistré."
)
TOO_LONG = "{what} trop long ({length} caractères, maximum {limit}) : rien n'a été fait."
BAD_CHAT_ID = (
    "« {word} » n'est pas un identifiant de chat : sur Matrix @prenom:serveur (ex. "
    "@anne:example.org), sur Teams l'adresse (ex. anne@cpas.be) ou aad:<identifiant Entra>."
)

# ---------------------------------------------------------------- reading the plan

LATE = "en retard"
HEALTH_PART = "santé : {health}"
ACTION_HEAD = "Action {number} — {title}"
ACTION_PLACE = "OS {os} › OO {oo} {title}"
ACTION_INDICATORS = "Indicateurs : {value}"
ACTION_PILOTS = "Pilotes : {value}"
ACTION_DEADLINE = "Échéance : {value}"
NO_DEADLINE = "non fixée"
DEADLINE_END = " (fin : {day})"
ACTION_STATUS = "Statut : {value}"
ACTION_REACHED = "Valeur atteinte : {value}"
ACTION_LAST_COMMENT = "Dernier commentaire : {value}"
ACTION_LAST_UPDATES = "Dernières mises à jour :"
PROGRESS_LINE = "{bar} {percent} % fait ({done}/{counted})"
ACTION_COUNT = "{count} actions : {statuses}"
OS_OBJECTIVES = "Objectifs opérationnels :"
OS_OO_LINE = "• {number} {title} — {percent} % fait ({count} actions)"
OS_LATE = "⚠ {count} en retard : !retard {number}"
OS_MORE = "Détail d'un OO : !oo N.M"
OO_MORE = "Détail d'une action : !action N"
UNKNOWN_OS = "L'OS « {word} » n'existe pas : les OS vont de 1 à {high}. Exemple : !os 2"
UNKNOWN_OO = "L'OO « {word} » n'existe pas. Les OO de l'OS {os} : {known}. Exemple : !oo 2.1"
BAD_OO = "« {word} » n'est pas un numéro d'OO : écrivez OS.OO, par exemple !oo 2.1"
SUMMARY_HEAD = "PST au {day} : {count} actions"
SUMMARY_PROGRESS = "{progress} — {late} en retard"
NO_ACTION_IN_OS = "aucune action"
SUMMARY_MORE = "Détail : !os N, retards : !retard"
NO_OVERDUE = "Aucune action en retard. 🎉"
OVERDUE_HEAD = "⚠ {count} actions en retard au {day} :"
OVERDUE_LINE = "{number} {title} (échéance {deadline}, {state}, {pilots})"
SEARCH_MISSING = "Il manque les mots à chercher. Exemple : !cherche audit"
SEARCH_NOTHING = "Aucune action ne contient « {words} »."
SEARCH_HEAD = "{count} actions pour « {words} » :"
NO_PILOT_LINK = (
    "Vous n'êtes lié(e) à aucun pilote du PST. Demandez au DG de vous ajouter "
    "à l'annuaire des pilotes."
)
NO_ACTIONS = "Aucune action pour {who}."
MINE_HEAD = "Actions de {who} : {count}"
MINE_LATE = "⚠ En retard ({count})"
MINE_LATE_HEAD = "⚠ Actions de {who} en retard : {count}"
MINE_NONE_LATE = "Aucune action de {who} en retard. 👍"
TABLE_HEAD = "Tableau consolidé : {count} actions au {day}."
TABLE_DONE = "{counts} ({percent} % faites)."

# ---------------------------------------------------------------- updates

UPDATE_LINE = "Action {number} : {move}"
UPDATE_COMMENT = " — « {comment} »"
DONE_IS_100 = (
    "« fait » veut dire 100 %, pas {progress} % : écrivez « en cours {progress} % » ou « fait »."
)
NOT_STARTED_IS_0 = (
    "« à démarrer » veut dire 0 %, pas {progress} % : écrivez « en cours {progress} % »."
)
HUNDRED_IS_DONE = "100 % veut dire « fait », pas « {status} » : écrivez « fait »."


def updates_done(count: int) -> str:
    return "1 action mise à jour :" if count == 1 else f"{count} actions mises à jour :"


LINES_REFUSED = "Non appliqué ({count}) :"
NOTHING_APPLIED = "Rien n'a été enregistré :"
NOTHING_CHANGED = "L'action {number} est déjà « {status} »{progress} : rien n'a changé."
CODIR_CHANGE = "{who} a mis à jour l'action {number} « {title} » : {what}"
CODIR_CHANGE_HTML = "<b>{who}</b> a mis à jour l'action <b>{number}</b> « {title} » : {what}"
NOTE_MISSING = "Il manque le texte de la note. Exemple : !note 12 réunion avec le SPW le 5/06"
NOTE_ADDED = "Note ajoutée à l'action {number}."
INDICATOR_MISSING = "Il manque la valeur atteinte. Exemple : !indicateur 12 8 audits"
SAME_INDICATOR = "L'indicateur de l'action {number} vaut déjà « {value} » : rien n'a changé."
INDICATOR_SET = "Action {number} : {label} → {value}."
HEALTH_MISSING = "Il manque la santé : bon, risque ou bloque. Exemple : !sante 12 risque"
UNKNOWN_HEALTH = "Santé « {word} » inconnue : écrivez bon, risque ou bloque."
SAME_HEALTH = "La santé de l'action {number} est déjà « {health} » : rien n'a changé."
HEALTH_SET = "Action {number} : santé {label}."
HEALTH_CHANGE = "santé {health}"
DEADLINE_MISSING = "Il manque la nouvelle échéance. Exemple : !echeance 12 2025-06"
BAD_DEADLINE = "Échéance « {word} » non reconnue. Exemples : 2025-06, juin 2025, 31/12/2025, 2025."
SAME_DEADLINE = "L'échéance de l'action {number} est déjà « {deadline} » : rien n'a changé."
DEADLINE_MOVED = "échéance {old} → {new} (fin : {end})"
DEADLINE_MOVED_ONGOING = "échéance {old} → {new} (sans fin : jamais en retard)"
DEADLINE_SET = "Action {number} : {what}."
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
UNDO_NOT_ALLOWED = (
    "Impossible d'annuler : vous n'êtes plus autorisé(e) à modifier l'action {number}. "
    "Demandez à un administrateur."
)
UNDONE_NOTE = "note « {note} » retirée"
UNDO_COMMENT = "annulation : {what}"
UNDONE_LINE = "Action {number} : {what}"
UNDONE_POST = "annulé : {what}"
UNDONE_ONE = "Annulé. {line}."
UNDONE_MANY = "Annulé ({count} actions) :"

# ---------------------------------------------------------------- history

NO_HISTORY = "Aucune modification enregistrée pour l'action {number}."
HISTORY_HEAD = "Historique de l'action {number} — {title}"
NO_PERSON_HISTORY = "Aucune modification enregistrée par {who}."
PERSON_HISTORY_HEAD = "Modifications de {who} : {total}"

# ---------------------------------------------------------------- files

UNKNOWN_FORMAT = "Format « {word} » inconnu pour !{command}. Formats : {known}."
BAD_SINCE = "Date « {word} » illisible. Exemple : !evaluation odt depuis 2024-01-01"
EXPORT_DONE = "Tableau consolidé ({format}) : {filename}"
EVALUATION_PERIOD = " depuis le {day}"
EVALUATION_DONE = "Rapport d'évaluation{period} ({format}) : {filename}"
ECOMPTES_FAILED = "Export eComptes impossible : {error}"
ECOMPTES_DONE = "PST au format eComptes : {filename}"
CHART_DONE = "Avancement du PST par objectif stratégique."

# ---------------------------------------------------------------- directory and roles

PILOT_MISSING = "Il manque les initiales du pilote. Exemple : {example}"
PERSON_MISSING = "Il manque la personne (@…). Exemple : {example}"
UNKNOWN_PILOT = "Pilote « {code} » inconnu du PST.{hint} La liste : !pilotes"
DID_YOU_MEAN_PILOT = " Vouliez-vous dire « {code} » ?"
DIRECTORY_ADMIN_ONLY = (
    "Seuls les administrateurs modifient l'annuaire des pilotes.{ask} "
    "Voir un pilote : !pilote {code}"
)
ALREADY_LINKED = "{who} est déjà lié(e) au pilote {code} : rien n'a changé."
NOT_LINKED = "{who} n'est pas lié(e) au pilote {code} : rien n'a changé."
LINKED = "{who} est maintenant lié(e) au pilote {code} ({count} actions)."
UNLINKED = "{who} n'est plus lié(e) au pilote {code}."
NOBODY_LINKED = "Personne n'est lié au pilote {code}. Pour le lier : !pilote {code} @prenom:serveur"
PILOT_PEOPLE = "Pilote {code} : {people}"
PILOT_ACTIONS = "Actions : {count}"
PILOT_LATE = " ({count} en retard)"
LINKED_PILOTS = "Pilotes liés ({count}) :"
PILOT_COUNT = "{count} actions"
NOT_IN_PST = "absent du PST"
HOW_TO_LINK = "Pour lier : {example}"
UNKNOWN_ROLE = "Rôle « {word} » inconnu. Rôles : admin, codir, pilote, lecteur (ou « defaut »)."
SAME_ROLE = "{who} a déjà le rôle {role} : rien n'a changé."
UNSEEN_ADMIN = (
    "Impossible : {who} n'a jamais écrit au bot (faute de frappe ?). Demandez-lui d'écrire "
    "!moi au bot, puis recommencez."
)
LAST_ADMIN = (
    "Impossible : {who} est le dernier administrateur. Nommez d'abord un autre administrateur "
    "(!role @personne admin)."
)
RIGHTS = {
    ADMIN: "tout : lire, mettre à jour toutes les actions, échéances, annuaire et rôles",
    CODIR: "lire tout le PST et recevoir les synthèses",
    PILOT: "lire le PST et mettre à jour vos actions",
    READER: "lire le PST",
}
ALSO_UPDATE_OWN = " ; mettre à jour vos actions"
YOU = "Vous : "
PERSON = "Personne : "
ROLE_LINE = "Rôle : {role}{origin} — peut {rights}."
ROLE_FROM_CHAT = " (donné dans le chat)"
PILOT_LINE = "Pilote : {codes} — {count} actions"
LATE_COUNT = ", {count} en retard"
YOUR_ACTIONS = "Vos actions : !mes-actions"
ADMINS_LINE = "Administrateurs : {people}"
CODIR_LINE = "CODIR : {people}"
READERS_LINE = "Lecteurs (sans mise à jour) : {people}"
ROLES_FROM_CHAT = "Donnés dans le chat : {people}"
PILOTS_ARE_LINKED = "Les pilotes sont ceux liés dans l'annuaire : !pilotes"

# ---------------------------------------------------------------- plans

WHO_PLAN = "voir : tout le monde ; choisir : administrateurs"
UNKNOWN_PLAN = "PST « {code} » inconnu. Les PST de la base : {codes}."
PLAN_ADMIN_ONLY = "Seuls les administrateurs choisissent le PST d'un salon.{ask}"
PLANS_HEAD = "PST de la base ({count}) :"
PLAN_LINE = "• {code} — {title} : {os} OS, {oo} OO, {actions} actions{state}{here}"
PLAN_CLOSED_MARK = " (clôturé)"
PLAN_HERE_MARK = " ← ce salon"
ROOM_PLAN = "PST de ce salon :\n{line}"
ROOM_PLAN_SET = "Ce salon travaille désormais sur le PST « {code} »."
SAME_ROOM_PLAN = "Ce salon travaille déjà sur le PST « {code} » : rien n'a changé."

# ---------------------------------------------------------------- help

SECTION_READING = "Lire le PST"
SECTION_UPDATING = "Mettre à jour"
SECTION_REPORTS = "Rapports pour le Conseil"
SECTION_DIRECTORY = "Annuaire et rôles"
SECTION_PLANS = "Plans"
SECTION_HELP = "Aide"
HELP_HEAD = "Commandes du bot PST :"
HELP_DETAIL = "Détail d'une commande : !aide <commande>"
HELP_DETAIL_HTML = "Détail d'une commande : <code>!aide &lt;commande&gt;</code>"
HELP_ALSO = "Aussi : "
HELP_WHO = "Qui : {who}."
HELP_EXAMPLES = "Exemples : "
NO_HELP = "Pas d'aide pour « {word} ».{hint}"
REFERENCE_NOTE = (
    "Généré depuis les déclarations des commandes (comme `!aide`) par "
    "`python -m commands.reference` : ne pas modifier à la main."
)

# ---- phone-sized replies and names

#: The last line of a page when more items follow; {command} is what to type for the next page.
PAGE_MORE = "… et {count} autres : {command}"
PAGE_MORE_ONE = "… et 1 autre : {command}"
PAGE_COMMAND = "{command} page {page}"
PAGE_MARK = " (page {page}/{pages})"
PAGE_PAST_END = "Page {page} : il n'y a que {pages} pages. La dernière : {command}"
PAGE_ONLY_ONE = "Page {page} : tout tient sur une seule page, tapez {command}"
#: Said in the help of every command whose list comes in pages.
IN_PAGES = "Une longue liste vient par pages : sa dernière ligne dit quoi taper pour la suite."
PAGE_ZERO = "Les pages se comptent à partir de 1. Exemple : !retard page 2"
NOBODY = "aucun"
UNLINKED_HEADING = "Sans personne liée ({count}) :"
OWN_HISTORY_ADMIN_ONLY = (
    "Seuls les administrateurs voient l'historique d'une autre personne.{ask} "
    "Le vôtre : !historique moi"
)
TEAMS_MEMBER = "un membre Teams"

# ---- Conseil documents
ECOMPTES_PLACEHOLDER = (
    "Export eComptes refusé : la configuration garde des identifiants d'exemple "
    "(INS {ins}, nom « {name} »), la Région ne saurait pas à qui est ce PST. "
    "Renseignez dans la section [organisation] de la configuration les clés ins (code INS), "
    "admin_type (AC ou CPAS) et name, puis redemandez. Pour l'envoyer quand même : "
    "!ecomptes forcer (ligne de commande : --force)."
)
ECOMPTES_FORCE_WORD = "« {word} » : tapez !ecomptes, ou !ecomptes forcer pour passer outre."

# ---- risks and posts that carry signal (issue 20, items 3 and 4)
#: A suspension or an abandon needs its reason; {example} is the line to type.
REASON_NEEDED = "Pourquoi {verb} l'action {number} ? Ajoutez la raison : {example}"
REASON_VERBS = {"suspendu": "suspendre", "abandonné": "abandonner"}
REASON_EXAMPLES = {"suspendu": "attente du budget", "abandonné": "projet repris par la commune"}
#: The CODIR room's line for a comment that changes nothing else.
CODIR_NOTE = "📝 Note de {who} sur l'action {number} « {title} » : {comment}"
CODIR_NOTE_HTML = (
    "📝 Note de <b>{who}</b> sur l'action <b>{number}</b> « {title} » : <i>{comment}</i>"
)
NO_RISKS = "Aucune action à risque ni bloquée. 👍"
RISKS_HEAD = "⚠ {count} actions à risque ou bloquées au {day} :"
RISKS_HEAD_ONE = "⚠ 1 action à risque ou bloquée au {day} :"
RISKS_BLOCKED = "Bloquées ({count})"
RISKS_AT_RISK = "À risque ({count})"
#: In « 52 Numérisation du courrier (LM) — depuis le 12/03/2026 — marché infructueux ».
RISK_SINCE = "depuis le {day}"
