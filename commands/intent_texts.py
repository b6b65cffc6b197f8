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
