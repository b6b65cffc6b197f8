"""What the command line and the console shell say to users, in French (the engine's texts are
in commands/texts.py, the Matrix transport's in bot/matrix/texts.py)."""

# ---------------------------------------------------------------- pst-bot (command line)

CLI_DESCRIPTION = (
    "pst-bot : le PST en chat. Importer un PST, l'exporter, le publier, l'essayer en console, "
    "lancer le bot (Matrix, Teams), le sauvegarder, vérifier une installation.\n"
    "Aide d'une commande : pst-bot COMMANDE -h (par exemple pst-bot export -h)."
)
IMPORT_DESCRIPTION = (
    "Importe un PST dans la base, en une transaction : un fichier refusé ne change rien. "
    "Formats : le tableau récapitulatif en texte (.md, .txt), CSV, XLSX, ODS, et le XML "
    "eComptes (.xml). Réimporter le même PST ou une version corrigée met à jour les titres, "
    "pilotes et échéances sans effacer statuts ni historique."
)
HELP_HELP = "afficher cette aide et quitter"
VERBOSE_HELP = "journal détaillé (DEBUG, et les lignes INFO de matrix-nio)"
USAGE = "utilisation : "
CLI_ERROR = "{prog} : erreur : {message}\n"
#: argparse's own messages (Python 3.11), as (English pattern, French replacement).
ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"choix invalide : \1 (au choix : \2)"),
    (r"expected one argument", "une valeur est attendue"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut être \2"),
    (r"invalid \w+ value: (.*)", r"valeur invalide : \1"),
    (r"^argument (\S+): ", r"argument \1 : "),
)
_DB = "base SQLite (défaut : storage.database de --config, sinon pst.db)"
_CONFIG = "configuration du bot (config.toml), pour sa base et son organisation"
_NAMED = "fichier à écrire (défaut : nommé d'après l'organisation, le PST et le moment)"
#: Each command's line in `pst-bot -h`.
COMMAND_HELP = {
    "import": "importer un PST (tableau récapitulatif .md/.txt, CSV, XLSX, ODS, eComptes .xml)",
    "plans": "les PST de la base, avec leurs nombres d'OS, OO, actions ; les clôturer",
    "shell": "essayer le bot en console, sans serveur",
    "export": "exporter le tableau consolidé (CSV par défaut ; XLSX, ODS, PDF…) ou l'eComptes",
    "evaluation": "rapport d'évaluation (mi-législature, fin de mandat ; ODT par défaut)",
    "run": "lancer le bot (Matrix, Teams, ou les deux)",
    "schedule": (
        "les envois programmés (digest CODIR, rappels) dus à un moment : affichés ; sans "
        "--dry-run aussi enregistrés, et le bot en marche les envoie dans la minute"
    ),
    "backup": "sauvegarder la base, même pendant que le bot tourne",
    "teams-package": "le paquet de l'application Teams à téléverser",
    "check": "vérifier l'installation (configuration, base, serveur, salon CODIR)",
    "publish": "publier le PST : un site statique (HTML) à déposer sur le site de l'institution",
}
#: Each argument's help, by command then by its last flag.
ARGUMENT_HELP = {
    "import": {
        "file": "le PST : .md ou .txt (tableau récapitulatif), .csv, .xlsx, .ods, .xml eComptes",
        "--db": "base SQLite où importer, créée si absente (défaut : storage.database de "
        "--config, sinon pst.db)",
        "--config": _CONFIG,
        "--plan": "le PST visé (cpas, commune…) ; un code neuf le crée",
        "--title": "titre d'un nouveau PST",
        "--dry-run": "aperçu : ce qui serait créé ou modifié, rien n'est écrit",
    },
    "plans": {
        "--db": _DB,
        "--config": _CONFIG,
        "--close": "clôturer un PST (lecture seule)",
        "--reopen": "rouvrir un PST clôturé",
    },
    "shell": {
        "--db": "base SQLite (défaut : une base neuve en mémoire, avec le PST d'exemple)",
        "--as": "initiales d'un pilote (LM) ou id de chat (@luc:example.org) ; défaut : console",
        "--config": "prendre l'annuaire des pilotes et les rôles de cette configuration",
        "--admin": "droits d'administrateur (DG)",
        "--out": "dossier des fichiers reçus (défaut : le dossier courant)",
        "--plan": "le PST de la console (si la base en a plusieurs)",
        "--now": (
            "l'heure de la console, heure locale de rhythm.timezone (défaut : maintenant) ; "
            "dans la console, « :date AAAA-MM-JJ HH:MM » la déplace et affiche ce que le bot "
            "enverrait alors, « :as QUI » change qui parle, « :quitte QUI » fait partir un pilote"
        ),
    },
    "export": {
        "--format": "csv (défaut), xlsx, ods, pdf, md, html, ou ecomptes (XML régional)",
        "--db": _DB,
        "--config": _CONFIG,
        "--output": _NAMED,
        "--plan": "le PST exporté (si la base en a plusieurs)",
        "--force": "eComptes : exporter même avec les identifiants d'exemple (INS 00000)",
    },
    "evaluation": {
        "--format": "odt (défaut), docx, html, md ou pdf",
        "--since": "l'historique résumé commence ce jour-là (défaut : depuis le début)",
        "--conseil": "le jour de la séance du Conseil, imprimé sur la couverture",
        "--annexe": "ajouter l'annexe : une table des actions en retard et sans nouvelles",
        "--campagne": "le plan tel que la campagne N l'a trouvé à sa clôture (!campagne)",
        "--db": _DB,
        "--config": _CONFIG,
        "--output": _NAMED,
        "--plan": "le PST évalué (si la base en a plusieurs)",
    },
    "run": {"--config": "configuration (défaut : config.toml)"},
    "schedule": {
        "--config": "rythme, annuaire et canaux (défaut : sans configuration, aucun canal)",
        "--db": "base SQLite (défaut : storage.database de la configuration)",
        "--now": "le moment, heure locale de rhythm.timezone (défaut : maintenant)",
        "--dry-run": "aperçu : rien n'est enregistré",
    },
    "backup": {
        "--db": "la base à sauvegarder",
        "--config": "prendre la base de cette configuration (storage.database)",
        "--output": "fichier de sauvegarde à écrire",
    },
    "teams-package": {
        "--config": "configuration avec [teams] app_id (défaut : config.toml)",
        "--output": "paquet à écrire (défaut : pst-bot-teams.zip)",
    },
    "check": {"--config": "configuration (défaut : config.toml)"},
    "publish": {
        "--db": _DB,
        "--config": _CONFIG,
        "--output": "dossier où écrire le site (créé si absent ; les fichiers de même nom "
        "sont remplacés)",
        "--plan": "le PST publié (si la base en a plusieurs)",
        "--with-pilots": "montrer les pilotes de chaque action (par défaut : aucun nom)",
    },
}
PUBLISH_DESCRIPTION = (
    "Écrit le site du PST dans un dossier : index.html (les OS, leur avancement, les "
    "graphiques), une page par OO avec ses actions (statut, avancement, échéance, dernier "
    "commentaire), style.css et les graphiques SVG. Liens relatifs, sans JavaScript : le "
    "webmaster dépose le dossier tel quel. Ni identifiant de chat ni pilote sans --with-pilots."
)
SITE_WRITTEN = "Site du PST écrit : {path} ({pages} pages, {size} Ko)"
#: Why a folder or a file cannot be written, by errno name (the system's own words are English).
WRITE_REASONS = {
    "EACCES": "permission refusée",
    "EPERM": "opération non permise",
    "ENOENT": "dossier introuvable",
    "ENOTDIR": "un fichier porte déjà ce nom, pas un dossier",
    "EEXIST": "un fichier porte déjà ce nom, pas un dossier",
    "EISDIR": "un dossier porte le nom d'un fichier du site",
    "EROFS": "système de fichiers en lecture seule",
    "ENOSPC": "disque plein",
    "EDQUOT": "quota disque dépassé",
}

IMPORT_REFUSED = "Import refusé, rien n'a été modifié. {error}"
CANNOT_READ = "Impossible de lire {path} : {reason}"
NO_PLAN_YET = "La base ne contient aucun PST : importez-en un d'abord (pst-bot import)."
FILE_WRITTEN = "{path} ({size} octets)"
BAD_DATE = "date « {text} » illisible (AAAA-MM-JJ)"
BAD_CONFIG = "Configuration invalide : {error}"
WHICH_PLAN = "La base contient plusieurs PST ({codes}) : choisissez-en un avec --plan CODE."
UNKNOWN_PLAN = "PST « {code} » inconnu. Les PST de la base : {codes}."
PLAN_ROW = "{code} — {title} : {os} OS, {oo} OO, {actions} actions{state}"
PLAN_CLOSED = " (clôturé)"
PLAN_STATE_SET = "PST « {code} » : {state}."
PLAN_STATES = {"active": "ouvert aux mises à jour", "closed": "clôturé (lecture seule)"}

# ---------------------------------------------------------------- pst-bot shell

EXAMPLE_LOADED = "PST d'exemple chargé (CPAS de Frameries 2019-2024) : {summary}"
POSTED = "  → salon {room} : {text}"
SHELL_NOW_AS = "(la suite est dite par {sender})"
SHELL_LEFT = "({who} a quitté tous les salons du bot : le DG est prévenu au prochain envoi)"
SHELL_LEFT_NOTHING = "({who} a quitté tous les salons du bot : déjà noté, ou aucune action)"
SHELL_UNKNOWN_DIRECTIVE = (
    "« {line} » : la console connaît « :as QUI » (qui parle), « :quitte QUI » (qui s'en va) et "
    "« :date AAAA-MM-JJ HH:MM » (l'heure de la console)."
)
FILE_SAVED = "  📎 fichier enregistré : {path}"
CONNECTED = "Connecté(e) en tant que {sender}. Tapez !aide, ou « quitter »."
NOT_A_COMMAND = "(rien à faire : tapez « aide » pour la liste des commandes)"
QUIT_WORDS = {"quit", "quitter", "exit"}

# ---------------------------------------------------------------- pst-bot run, backup

ALREADY_RUNNING = (
    "Un autre bot tourne déjà sur la base {database}{pid} : un seul bot par base, sinon chaque "
    "commande serait appliquée deux fois. Arrêtez l'autre d'abord (systemctl stop pst-bot), "
    "ou donnez à celui-ci une autre base (storage.database)."
)
RUNNING_PID = " (processus {pid})"
LOCK_IS_A_LINK = (
    "Le verrou {path} est un lien symbolique : refusé (il serait suivi et écrasé). Supprimez-le, "
    "le bot recrée un vrai fichier."
)
DATABASE_TOO_NEW = (
    "La base {path} a été écrite par une version plus récente de pst-bot (schéma v{found} ; "
    "cette version-ci connaît jusqu'à la v{known}). Mettez pst-bot à jour "
    "(pip install -U pst-bot), ou restaurez une sauvegarde faite avec cette version."
)
NO_DATABASE = "Base introuvable : {path}"
CANNOT_WRITE = "Impossible d'écrire {path} : {reason}"
BACKUP_WRITTEN = "Sauvegarde écrite : {path} ({size} octets, {actions} actions)"

# ---------------------------------------------------------------- what pst-bot run refuses

NO_TRANSPORT = "ni [matrix] ni [teams] dans la configuration : aucun canal à servir"
PLACEHOLDER_SECRET = (
    "« {key} » vaut encore « change-me », la valeur de l'exemple : donnez le vrai secret, de "
    "préférence dans l'environnement (PST_BOT_MATRIX_PASSWORD, PST_BOT_MATRIX_ACCESS_TOKEN, "
    "PST_BOT_PICKLE_KEY, PST_BOT_TEAMS_SECRET)"
)
EXAMPLE_ID = (
    "« {key} » vaut encore l'identifiant de l'exemple (que des zéros) : copiez celui de "
    "l'application Entra (docs/teams.md)"
)
CONFIG_OPEN = (
    "Configuration {path} accessible à d'autres utilisateurs que son propriétaire ({mode}) : "
    "chmod 600 {path}"
)

# ---------------------------------------------------------------- daily upkeep (the bot's log)

UPKEEP_BACKUP_MADE = "Sauvegarde nocturne : {path} ({size} octets)"
UPKEEP_BACKUP_FAILED = (
    "Échec de la sauvegarde nocturne dans {folder} : {reason}. Vérifiez la place libre et les "
    "droits du dossier (storage.backup_dir) ; nouvel essai au prochain passage."
)
UPKEEP_PRUNED = "{count} message(s) traité(s) depuis plus de {days} jours oublié(s)"
UPKEEP_PRUNE_FAILED = (
    "Échec du nettoyage des messages traités : {reason} ; nouvel essai au prochain passage."
)

# ---------------------------------------------------------------- pst-bot check

CHECK_CONFIG_OK = "Configuration lue : {path}"
CHECK_CONFIG_BAD = "Configuration invalide : {error}. Voyez config.example.toml."
CHECK_DB_MISSING = (
    "Base absente : {path}. Importez un PST : pst-bot import FICHIER --config {config}"
)
CHECK_DB_UNREADABLE = (
    "Base illisible : {path} ({reason}). Restaurez la dernière sauvegarde (docs/operations.md)."
)
CHECK_DB_OK = "Base {path} : schéma v{version}, {os} objectifs stratégiques, {actions} actions"
CHECK_DB_EMPTY = (
    "Base {path} : aucun PST importé. Importez-en un : pst-bot import FICHIER --config {config}"
)
CHECK_DB_OLDER = "Base {path} : schéma v{version}, mis à jour en v{known} au démarrage du bot"
CHECK_BOT_RUNNING = (
    "Un bot tourne sur cette base{pid} : normal en service ; n'en lancez pas un second."
)
CHECK_NO_BOT = "Aucun bot ne tourne sur cette base."
CHECK_LOCK_UNREADABLE = (
    "Verrou {path} illisible ({reason}) : lancez pst-bot check avec l'utilisateur du bot."
)
CHECK_PERMS_OK = "Base lisible par son propriétaire seul ({mode})"
CHECK_PERMS_OPEN = "Base lisible par d'autres utilisateurs ({mode}) : chmod 600 {path}"
CHECK_BACKUP_OFF = (
    "Sauvegarde nocturne désactivée (storage.backup_dir vide) : faites des copies avec "
    "pst-bot backup."
)
CHECK_BACKUP_LAST = (
    "Dossier de sauvegarde {folder} : dernière sauvegarde {name}, {count} gardée(s) "
    "(au plus {kept})"
)
CHECK_BACKUP_NONE_YET = (
    "Dossier de sauvegarde {folder} : aucune sauvegarde encore ; la première sera faite "
    "à partir de {hour} h."
)
CHECK_BACKUP_LATER = (
    "Dossier de sauvegarde {folder} : créé à la première sauvegarde (à partir de {hour} h)."
)
CHECK_BACKUP_NOT_FOLDER = (
    "Dossier de sauvegarde {folder} : ce n'est pas un dossier. Corrigez storage.backup_dir."
)
CHECK_BACKUP_UNWRITABLE = (
    "Dossier de sauvegarde {folder} : pas accessible en écriture. Donnez-le à l'utilisateur "
    "du bot, ou changez storage.backup_dir."
)
CHECK_REFUSED = "{problem} : pst-bot run refuserait de démarrer."
CHECK_CONFIG_PRIVATE = "Configuration lisible par son propriétaire seul ({mode})"
CHECK_TEAMS_KEYS_OK = "Clés de signature de Microsoft lisibles : {url} ({count} clés)"
CHECK_TEAMS_KEYS_DOWN = (
    "Clés de signature de Microsoft illisibles ({url} : {reason}) : le bot refuserait tout "
    "message Teams. Vérifiez l'accès sortant HTTPS (proxy, pare-feu) et teams.endpoints."
)
CHECK_TEAMS_TOKEN_OK = "Secret de l'application Teams {app_id} accepté : le bot peut répondre"
CHECK_TEAMS_SECRET_REFUSED = (
    "Secret de l'application Teams refusé ({reason}) : vérifiez teams.app_id, teams.tenant_id "
    "et PST_BOT_TEAMS_SECRET (un secret expiré se renouvelle dans le portail Entra)."
)
CHECK_TEAMS_LOGIN_DOWN = "Connexion Microsoft injoignable ({url} : {reason})."
CHECK_TEAMS_NO_AUTH = (
    "teams.dangerously_allow_unauthenticated = true : n'importe qui peut parler au bot en se "
    "faisant passer pour n'importe qui. Réservé aux essais avec l'Agents Playground."
)
CHECK_TEAMS_CODIR = "Canal CODIR Teams : {conversation}"
CHECK_TEAMS_NO_CODIR = (
    "Aucun canal CODIR Teams (teams.codir_conversation) : les changements n'y seront pas publiés."
)
CHECK_SERVER_OK = "Serveur Matrix joignable : {url} (versions {versions})"
CHECK_SERVER_DOWN = (
    "Serveur Matrix injoignable : {url} ({reason}). Vérifiez matrix.homeserver, le réseau "
    "et le pare-feu."
)
CHECK_SERVER_NOT_MATRIX = (
    "{url} répond HTTP {status}, pas comme un serveur Matrix : matrix.homeserver doit être "
    "l'adresse client (https://matrix.example.org)."
)
CHECK_SKIPPED_SERVER = "Identifiants et salon CODIR non vérifiés : serveur injoignable."
TOKEN_FROM_CONFIG = "jeton de la configuration"
TOKEN_FROM_SESSION = "session enregistrée"
CHECK_TOKEN_OK = "Identifiants valides ({source}) : {user}, appareil {device}"
CHECK_TOKEN_OTHER_USER = (
    "Le jeton ({source}) est celui de {found}, pas de {user} : corrigez matrix.access_token."
)
CHECK_TOKEN_REFUSED = (
    "Jeton de la configuration refusé par le serveur ({reason}) : donnez-en un valide "
    "(PST_BOT_MATRIX_ACCESS_TOKEN), ou un mot de passe."
)
CHECK_SESSION_REFUSED = (
    "Session enregistrée refusée par le serveur ({reason}) : le bot se reconnectera par mot "
    "de passe au démarrage."
)
CHECK_PASSWORD_LATER = (
    "Pas encore de session : le bot se connectera par mot de passe au démarrage (non essayé "
    "ici, pour ne pas créer de session)."
)
CHECK_CODIR_NONE = (
    "Aucun salon CODIR configuré (rooms.codir) : les changements n'y seront pas publiés."
)
CHECK_CODIR_MEMBER = "Le bot est membre du salon CODIR {room}"
CHECK_CODIR_NOT_MEMBER = (
    "Le bot n'est pas membre du salon CODIR {room} : invitez-le depuis un compte de "
    "access.allowed_inviters."
)
CHECK_CODIR_UNKNOWN_ALIAS = (
    "Alias du salon CODIR {room} introuvable ({reason}) : corrigez rooms.codir."
)
CHECK_CODIR_UNCHECKED = "Salon CODIR {room} non vérifié : pas de session valide."
CHECK_ALL_GOOD = "Tout est en ordre."
CHECK_TO_FIX = "{count} point(s) à corriger (✗)."
TEAMS_PACKAGE_WRITTEN = (
    "Paquet Teams écrit : {path} (application {app_id}). À téléverser dans Teams : Applications "
    "→ Gérer vos applications → Téléverser une application (ou par l'administrateur Teams)."
)
SCHEDULE_BAD_NOW = "moment « {text} » illisible (AAAA-MM-JJ HH:MM, heure locale)"
SCHEDULE_MESSAGE = "→ {recipient} :\n{text}\n"
SCHEDULE_NOTHING = "Rien à envoyer le {moment}."
SCHEDULE_DRY_RUN = "Aperçu : rien n'a été enregistré ni envoyé."
SCHEDULE_RECORDED = (
    "{count} message(s) enregistré(s) : le bot en marche les envoie dans la minute (ou dès son "
    "prochain démarrage), et ne les enverra jamais deux fois."
)
SCHEDULE_PRINTED_ONLY = (
    "Aucun canal configuré ([matrix], [teams]) : {count} message(s) affiché(s) seulement, et "
    "notés comme envoyés (le bot ne les répétera pas)."
)
SCHEDULE_EPILOG = (
    "Affiche chaque message dû au moment --now (heure locale de rhythm.timezone), comme le bot "
    "en marche l'enverrait, en blocs « → DESTINATAIRE : ». Avec --dry-run : rien n'est "
    "enregistré (aperçu, par exemple des messages de lundi). Sans --dry-run : les messages sont "
    "enregistrés dans la base, et le bot ne les répétera jamais ; si un canal est configuré, le "
    "bot en marche (ou à son prochain démarrage) les envoie dans la minute, cette commande ne se "
    "connecte à aucun serveur ; sans canal configuré, ils sont seulement affichés et notés comme "
    "envoyés."
)
