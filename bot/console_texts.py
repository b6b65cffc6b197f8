"""What the command line and the console shell say to users, in French (the engine's texts are
in commands/texts.py, the Matrix transport's in bot/matrix_texts.py)."""

# ---------------------------------------------------------------- pst-bot (command line)

IMPORT_REFUSED = "Import refusé, rien n'a été modifié. {error}"
CANNOT_READ = "Impossible de lire {path} : {reason}"
NO_PLAN_YET = "La base ne contient aucun PST : importez-en un d'abord (pst-bot import)."
FILE_WRITTEN = "{path} ({size} octets)"
BAD_DATE = "date « {text} » illisible (AAAA-MM-JJ)"
BAD_CONFIG = "Configuration invalide : {error}"
IMPORTED_INTO = "PST « {code} » :"
WHICH_PLAN = "La base contient plusieurs PST ({codes}) : choisissez-en un avec --plan CODE."
UNKNOWN_PLAN = "PST « {code} » inconnu. Les PST de la base : {codes}."
PLAN_ROW = "{code} — {title} : {os} OS, {oo} OO, {actions} actions{state}"
PLAN_CLOSED = " (clôturé)"

# ---------------------------------------------------------------- pst-bot shell

EXAMPLE_LOADED = "PST d'exemple chargé (CPAS de Frameries 2019-2024) : {summary}"
POSTED = "  → salon {room} : {text}"
FILE_SAVED = "  📎 fichier enregistré : {path}"
CONNECTED = "Connecté(e) en tant que {sender}. Tapez !aide, ou « quitter »."
NOT_A_COMMAND = "(les commandes commencent par « ! » : tapez !aide)"
QUIT_WORDS = {"quit", "quitter", "exit"}
