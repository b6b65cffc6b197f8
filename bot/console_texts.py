"""What the command line and the console shell say to users, in French (the engine's texts are
in commands/texts.py, the Matrix transport's in bot/matrix_texts.py)."""

# ---------------------------------------------------------------- pst-bot (command line)

IMPORT_REFUSED = "Import refusé, rien n'a été modifié. {error}"
CANNOT_READ = "Impossible de lire {path} : {reason}"
NO_PLAN_YET = "La base ne contient aucun PST : importez-en un d'abord (pst-bot import)."
FILE_WRITTEN = "{path} ({size} octets)"
BAD_DATE = "date « {text} » illisible (AAAA-MM-JJ)"
BAD_CONFIG = "Configuration invalide : {error}"

# ---------------------------------------------------------------- pst-bot shell

EXAMPLE_LOADED = "PST d'exemple chargé (CPAS de Frameries 2019-2024) : {summary}"
POSTED = "  → salon {room} : {text}"
FILE_SAVED = "  📎 fichier enregistré : {path}"
CONNECTED = "Connecté(e) en tant que {sender}. Tapez !aide, ou « quitter »."
NOT_A_COMMAND = "(les commandes commencent par « ! » : tapez !aide)"
QUIT_WORDS = {"quit", "quitter", "exit"}
