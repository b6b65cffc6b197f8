"""What the chat import says (commands/chat_import.py), in French."""

#: The report of an import, the same for the chat and `pst-bot import`.
IMPORTED_INTO = "PST « {code} » :"

PREVIEW = (
    "Fichier « {name} » lu. Aperçu de l'import :\n{report}\n"
    "Pour l'appliquer : !importer confirmer (dans les {minutes} minutes) ; "
    "pour l'abandonner : !importer annuler."
)
APPLIED = "Import de « {name} » appliqué.\n{report}\nLe fichier n'est pas conservé."
CANCELLED = "Import de « {name} » annulé : rien n'a été modifié, le fichier est effacé."
NOTHING_PENDING = (
    "Aucun fichier en attente d'import de votre part dans ce salon. "
    "Déposez d'abord le fichier du PST (CSV, XLSX, ODS, MD ou XML eComptes)."
)
EXPIRED = (
    "Le fichier « {name} » a attendu plus de {minutes} minutes : il est effacé, rien n'a été "
    "modifié. Déposez-le à nouveau."
)
DROP_FIRST = (
    "Déposez le fichier du PST dans ce salon (CSV, XLSX, ODS, MD ou XML eComptes) : j'en montre "
    "l'aperçu, puis !importer confirmer l'applique."
)
NOT_ADMIN_FILE = "Fichier « {name} » ignoré : seuls les administrateurs importent un PST.{ask}"
REFUSED = "Import de « {name} » refusé, rien n'a été modifié. {error}"
TOO_BIG = (
    "Fichier « {name} » refusé, rien n'a été modifié : {size} Mo, la limite est de {limit} Mo."
)
UNREADABLE = (
    "Le fichier « {name} » n'a pas pu être téléchargé, rien n'a été modifié. Déposez-le à nouveau."
)
UNKNOWN_STEP = "« {word} » : j'attends « confirmer » ou « annuler ». Exemple : !importer confirmer"
