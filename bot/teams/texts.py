"""What the Teams transport itself says to users, in French, and how our plain text reads in
Teams (the engine's texts, the internal error included, are in commands/texts.py).

    to_markdown("Action 23 : fait\\n• 24 à démarrer")   # "Action 23 : fait  \\n• 24 à démarrer"
"""

import html
import re

FILE_CONSENT = "Fichier « {filename} » ({size}) : acceptez pour le recevoir dans votre OneDrive."
FILE_UPLOADED = "Voici le fichier « {filename} »."
FILE_DECLINED = "Fichier « {filename} » refusé : il n'a pas été envoyé."
FILE_GONE = (
    "Ce fichier n'est plus disponible (le lien ou la carte a expiré, ou le bot a redémarré). "
    "Redemandez l'export."
)
FILE_UPLOAD_FAILED = (
    "Le fichier « {filename} » n'a pas pu être déposé dans votre OneDrive. Redemandez l'export "
    "dans un instant."
)
FILE_LINK = "📎 [{filename}]({url}) ({size}, lien valable {minutes} minutes)"
FILES_PERSONAL_ONLY = (
    "Les fichiers ne peuvent être reçus que dans une conversation personnelle avec le bot : "
    "écrivez-lui directement pour recevoir « {filename} »."
)
#: Pages the download route answers (plain text, read in a browser).
DOWNLOAD_UNKNOWN = "Lien de téléchargement inconnu ou invalide."
DOWNLOAD_EXPIRED = "Ce lien de téléchargement a expiré : redemandez l'export au bot."


def size(n: int) -> str:
    """12_345 -> "12 Ko"; 2_500_000 -> "2,4 Mo"."""
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} Ko"
    return f"{n / (1024 * 1024):.1f} Mo".replace(".", ",")


# A character Teams' markdown would read as formatting anywhere in a line, and what a line may
# start with that would make it a heading, a quote or a list.
_INLINE = re.compile(r"([\\`*_~\[\]])")
_LEADING = re.compile(r"^(\s*)(#|>|[-+](?=\s)|\d+(?=[.)]\s))")


def _escaped(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line).replace("<", "&lt;")
    return _LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", line)


def to_markdown(text: str) -> str:
    """Our plain-text reply as Teams markdown: each line stays a line (a hard break, two spaces
    before the newline), a blank line stays a paragraph break, and characters Teams would read
    as formatting are escaped so that a comment like "*urgent*" shows as typed.

    >>> to_markdown("Action 29\\nStatut : fait\\n\\n* note")
    'Action 29  \\nStatut : fait\\n\\n\\\\* note'
    """
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            paragraphs[-1].append(_escaped(line.rstrip()))
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("  \n".join(lines) for lines in paragraphs if lines)


def incoming_text(text: str | None) -> str:
    """A message's text as typed: Teams sends it HTML-escaped ("&lt;", "&amp;"), often with
    non-breaking spaces around a mention.

    >>> incoming_text("&nbsp;!note 23 R&amp;D &lt;urgent&gt;")
    '!note 23 R&D <urgent>'
    """
    return html.unescape(text or "").replace("\xa0", " ").strip()


#: Why teams.dangerously_allow_unauthenticated is refused (bot/teams/trust.py): the Teams
#: transport does not start, and `pst-bot check` says the same.
NO_AUTH_WITH_SECRET = (
    "teams.dangerously_allow_unauthenticated est refusé à côté d'un secret (app_secret ou "
    "PST_BOT_TEAMS_SECRET) : une requête non signée agirait au nom de n'importe qui et recevrait "
    "le jeton du bot. Retirez l'option (production) ou le secret (Agents Playground)."
)
NO_AUTH_OFF_LOOPBACK = (
    "teams.dangerously_allow_unauthenticated est refusé quand le bot écoute sur « {host} » : "
    "sans authentification, il ne peut écouter que sur cette machine (teams.host = "
    '"127.0.0.1"), pour l\'Agents Playground.'
)

#: A reminder card (bot/teams/cards.py): a row per action, three buttons each.
CARD_ROW = "Action {code} :"
CARD_DONE = "fait"
CARD_IN_PROGRESS = "en cours"
CARD_NOT_YET = "pas encore"
CARD_REFUSED = (
    "Ce bouton ne correspond à aucune réponse connue : rien n'a été modifié. Répondez par "
    "exemple « !maj 47 fait »."
)
CARD_ALREADY = "Réponse déjà reçue : rien de plus à faire."
#: A proposal's buttons (bot/teams/cards.py, proposal_card).
CARD_YES = "Oui, enregistrer"
CARD_NO = "Non"
#: A request's card in the CODIR channel (bot/teams/cards.py, request_card).
CARD_VALIDATE = "Valider"
CARD_REFUSE = "Refuser"
CARD_REASON = "Raison du refus (le pilote la lira)"
