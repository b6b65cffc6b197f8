"""What the Matrix transport itself says to users, in French (the engine's texts, the internal
error included, are in commands/texts.py)."""

FILE_TOO_LARGE = (
    "Le fichier « {filename} » ({size}) dépasse la limite d'envoi du serveur ({limit}) : "
    "il n'a pas été envoyé. Demandez un export plus petit, ou à l'administrateur du serveur "
    "de relever la limite."
)
FILE_NOT_SENT = "Le fichier « {filename} » n'a pas pu être envoyé ({reason})."
CANNOT_DECRYPT = (
    "Je n'ai pas pu déchiffrer votre message (clé de chiffrement non reçue). Renvoyez-le dans "
    "un instant ; si cela persiste, vérifiez que votre application partage ses clés avec "
    "l'appareil du bot."
)
#: What to install for encrypted rooms (named in the log and in the notice below).
INSTALL_E2E = "pip install 'pst-bot[e2e]'"
NO_ENCRYPTION = (
    "Ce salon est chiffré, et le bot est installé sans le chiffrement de bout en bout : il ne "
    "peut pas lire vos messages ici. Écrivez-lui dans un salon non chiffré, ou demandez à son "
    f"administrateur d'installer le chiffrement ({INSTALL_E2E})."
)
REPLY_REFUSED = (
    "Le serveur a refusé ma réponse à votre commande ({reason}). Si la commande modifiait le "
    "PST, elle a bien été appliquée : vérifiez avec !historique N."
)

# ---------------------------------------------------------------- a tap on a reminder

#: The last line of a reminder about one action, and of one about several (its lines numbered).
TAP_ONE = "Ou réagissez ✅ à ce message : l'action est notée faite."
TAP_LINE = "Ou réagissez avec le chiffre de la ligne : cette action est notée faite."
#: A ✅ on a reminder about several actions: which one? Nothing is recorded.
WHICH_LINE = (
    "Ce rappel porte sur {count} actions : réagissez avec le chiffre de la ligne ({keycaps}) "
    "ou écrivez « {code} fait »."
)


def size(n: int) -> str:
    """12_345_678 -> "11,8 Mo"."""
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} Ko".replace(".", ",")
    return f"{n / (1024 * 1024):.1f} Mo".replace(".", ",")


# ---------------------------------------------------------------- the bot's log

SERVER_UNREACHABLE = (
    "Serveur Matrix injoignable : {url} ({cause}), depuis {seconds} s ; nouvel essai "
    "automatique. Vérifiez matrix.homeserver, le réseau, le pare-feu et le serveur."
)
SERVER_BACK = "Serveur Matrix {url} de nouveau joignable (après {seconds} s)"
NO_ANSWER_IN_TIME = "pas de réponse dans le délai"
