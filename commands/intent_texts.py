"""The French sentences of the intents (commands/intents.py, commands/intent_commands.py), of
`annuler N` and of the help that fits the person (commands/help.py)."""

# ---------------------------------------------------------------- annuler N
NOTHING_TO_UNDO_ON_ACTION = (
    "Rien à annuler sur l'action {number} : vous n'y avez fait aucune mise à jour encore en "
    "vigueur. Tapez « !annuler » pour annuler votre dernière mise à jour."
)
UNDO_ACTION_TOO_OLD = (
    "Votre dernière mise à jour de l'action {number} ({at}) date de plus de {minutes} minutes : "
    "corrigez-la plutôt avec une nouvelle mise à jour (!maj, !sante…)."
)

# ---------------------------------------------------------------- a message in English or Dutch
FOREIGN = "Je comprends le français : écrivez par exemple « 52 fait » ou « aide »."
FOREIGN_UPDATE = (
    "Je comprends le français : vouliez-vous dire « {line} » ? Sinon, écrivez « aide »."
)

# ---------------------------------------------------------------- a mistyped command word
NOTE_ONLY = (
    "Je ne lis ni statut ni avancement pour l'action {number}. Je note seulement le "
    "commentaire « {comment} », sans rien changer d'autre. C'est bien ça ?"
)
MISTYPED = "Commande inconnue « {word} ». Vouliez-vous dire « {line} » ?"

# ---------------------------------------------------------------- a correction
NO_RECENT_UPDATE = (
    "Je ne vois pas de mise à jour récente de votre part à corriger. Écrivez simplement la "
    "bonne mise à jour, par exemple « 53 fait »."
)
NO_RECENT_UPDATE_OF = (
    "Je ne vois pas de mise à jour récente de votre part sur l'action {number}. Écrivez "
    "simplement la bonne mise à jour, par exemple « 53 fait »."
)
WHICH_CORRECTION = (
    "Je n'ai pas compris la correction. Écrivez par exemple « non pas 116, 113 », "
    "« oups 4 % pas 40 % » ou la bonne mise à jour (« !corriger 113 fait »)."
)
WHICH_OF_GROUPED = (
    "Votre dernière mise à jour portait sur plusieurs actions ({codes}) : laquelle corriger ? "
    "Écrivez par exemple « non pas {first}, 53 »."
)
CORRECTION_PROPOSAL = (
    "Correction de votre mise à jour de l'action {old} ({what}) : je l'annule et j'enregistre "
    "« {line} »."
)

# ---------------------------------------------------------------- a deadline request
WHICH_ACTION_FOR_DEFERRAL = (
    "Pour quelle action demandez-vous un report ? Écrivez par exemple « report 95 2027 »."
)
DEFERRAL_NOTED = "Demande de report notée pour l'action {number}{wanted} : le DG la verra."

# ---------------------------------------------------------------- aide, fitted to the person
#: The commands a pilot's « aide » lists, in this order.
PILOT_COMMANDS = (
    "mes-actions",
    "mes-retards",
    "action",
    "maj",
    "note",
    "sante",
    "annuler",
    "corriger",
    "report",
)
HELP_PILOT_HEAD = "Vos commandes (le « ! » est facultatif ici) :"
HELP_PILOT_EXAMPLES = (
    "Exemples : « 47 fait » ; « 47 en cours 40 % devis reçus » ; « note 47 réunion le 5 juin »."
)
HELP_ROLE_HEAD = "Vos commandes :"
HELP_ALL_HINT = "Toutes les commandes : aide tout. Détail d'une commande : aide maj"
#: The word after « aide » that lists every command.
HELP_ALL_WORDS = ("tout", "toutes", "all", "tous")
