"""The cards the bot sends in Teams, and what a reminder card's buttons may ask (no network,
no state).

    message = reminder_card(outgoing.text, outgoing.actions)  # text blocks, a row per action
    command_of({"pst": "!maj 47 fait"})                       # "!maj 47 fait"
    command_of({"pst": "!plan supprimer"})                    # raises CardDataRefused
    proposal_card(reply.text)                                 # « Oui, enregistrer » / « Non »
    request_card(post.text, post.request)                     # « Valider » / « Refuser »
    command_of({"pst": "!refuser 4", "raison": "budget"})     # "!refuser 4 budget"
    consent_card(attachment, file_id)                         # a file offered in a personal chat

Each action gets three buttons (Action.Execute: Teams sends an `adaptiveCard/action` invoke):
"fait" and "en cours" are the status updates the pilot would type; "pas encore" is a note,
`!note 47 pas encore fait`: the pilot answered (the action is no longer silent) and its status,
whatever it was, stays as it is ("à démarrer" would undo an action already "en cours").

A proposal (a reply with `Reply.proposal`) is a card with two buttons, « Oui, enregistrer »
and « Non », whose data is the person's answer, « oui » or « non »: the engine runs the proposal
it keeps for the clicking person in that chat (the button carries no command).

What a card shows is plain text: each line is a RichTextBlock of one TextRun (`plain`), which
Adaptive Cards never read as markdown, so an action titled `[Cliquez ici](https://…)` or a
comment with `**` shows as typed, never as a link or bold (a TextBlock would read it as
markdown).

A request the DG decides (`Post.request`, posted in the CODIR channel) is a card with its text,
a one-line field for the reason of a refusal, « Valider » (`!valider 4`) and « Refuser »
(`!refuser 4`, the field's words added as the reason: without any, the engine asks for one).

A button's data comes back from the client: it is read as the clicker's own words, never
trusted further. Only the forms above are run (a reminder's three for one action code, a
proposal's two answers, `!valider N` and `!refuser N [raison]` on one line, the reason at most
MOST_REASON characters); the engine then applies its own rules (only the action's pilot may
update it, only an admin may decide a request), as for a typed command.
"""

import re

from microsoft_teams.api import Attachment as CardAttachment
from microsoft_teams.api import FileConsentCard, FileInfoCard, MessageActivityInput
from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Column,
    ColumnSet,
    ExecuteAction,
    RichTextBlock,
    TextInput,
    TextRun,
)

from bot.teams import texts
from commands.types import Attachment
from storage.vocabulary import ACTION_CODE, DONE, IN_PROGRESS, NOT_STARTED

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"

#: The key of a button's data, and the invoke's verb.
VERB = "pst"
#: Most actions given buttons in one card (the reminder itself lists at most as many).
MOST_ROWS = 12
#: A note longer than this did not come from one of our buttons.
MOST_NOTE = 200
NOT_YET_NOTE = "pas encore fait"

#: Each button: its title and the command it stands for.
ANSWERS = (
    (texts.CARD_DONE, "!maj {code} " + DONE),
    (texts.CARD_IN_PROGRESS, "!maj {code} " + IN_PROGRESS),
    (texts.CARD_NOT_YET, "!note {code} " + NOT_YET_NOTE),
)

#: What a proposal's buttons answer.
YES, NO = "oui", "non"
#: The id of a request card's reason field: Teams adds its words to the button's data.
REASON = "raison"
#: A refusal's reason longer than this did not come from our card's field.
MOST_REASON = 500

_UPDATE = re.compile(rf"!maj (\S+) ({DONE}|{IN_PROGRESS}|{NOT_STARTED})")
_NOTE = re.compile(r"!note (\S+) (\S.*)")
_VALIDATE = re.compile(r"!valider [0-9]{1,9}")
_REFUSE = re.compile(r"!refuser ([0-9]{1,9})(?: (\S.*))?")


class CardDataRefused(Exception):
    """A button's data that is not one of the answers a reminder card offers."""

    def __init__(self) -> None:
        super().__init__(texts.CARD_REFUSED)


def plain(text: str, *, bold: bool = False) -> RichTextBlock:
    """`text` shown as it is: a text run, which no client reads as markdown (it wraps)."""
    return RichTextBlock(inlines=[TextRun(text=text, weight="Bolder" if bold else None)])


def reminder_card(text: str, actions: tuple[str, ...] | list[str]) -> MessageActivityInput:
    """The reminder as a message holding one card: its text, a block per line (the greeting in
    bold), then for each action (at most MOST_ROWS) its code and its three buttons. `text` is
    the card's fallback (what a client that cannot show cards shows); the greeting is the
    message's summary (what a notification shows)."""
    lines = [line for line in text.splitlines() if line.strip()]
    body = [plain(line, bold=index == 0) for index, line in enumerate(lines)]
    body += [_row(code) for code in actions[:MOST_ROWS]]
    card = AdaptiveCard(version="1.4", body=body, fallback_text=text)
    return MessageActivityInput(summary=lines[0] if lines else None).add_card(card)


def _row(code: str) -> ColumnSet:
    buttons = [
        ExecuteAction(title=title, verb=VERB, data={VERB: command.format(code=code)})
        for title, command in ANSWERS
    ]
    label = plain(texts.CARD_ROW.format(code=code), bold=True)
    return ColumnSet(
        columns=[
            Column(width="auto", vertical_content_alignment="Center", items=[label]),
            Column(width="stretch", items=[ActionSet(actions=buttons)]),
        ],
        spacing="Small",
    )


def proposal_card(text: str) -> MessageActivityInput:
    """A proposal: its text, then « Oui, enregistrer » and « Non » (answering « oui », « non »).
    `text` is also the card's fallback."""
    body = [plain(line) for line in text.splitlines() if line.strip()]
    buttons = [
        ExecuteAction(title=texts.CARD_YES, verb=VERB, data={VERB: YES}, style="positive"),
        ExecuteAction(title=texts.CARD_NO, verb=VERB, data={VERB: NO}),
    ]
    card = AdaptiveCard(version="1.4", body=[*body, ActionSet(actions=buttons)], fallback_text=text)
    return MessageActivityInput().add_card(card)


def request_card(text: str, request: int) -> MessageActivityInput:
    """A request awaiting the DG's decision: its text, a field for a refusal's reason, then
    « Valider » and « Refuser » (the field goes with « Refuser » only). `text` is also the
    card's fallback and the message's summary."""
    body = [plain(line) for line in text.splitlines() if line.strip()]
    reason = TextInput(
        id=REASON, placeholder=texts.CARD_REASON, max_length=MOST_REASON, is_multiline=False
    )
    buttons = [
        ExecuteAction(
            title=texts.CARD_VALIDATE,
            verb=VERB,
            data={VERB: f"!valider {request}"},
            style="positive",
            associated_inputs="none",
        ),
        ExecuteAction(
            title=texts.CARD_REFUSE,
            verb=VERB,
            data={VERB: f"!refuser {request}"},
            style="destructive",
            associated_inputs="auto",
        ),
    ]
    card = AdaptiveCard(
        version="1.4", body=[*body, reason, ActionSet(actions=buttons)], fallback_text=text
    )
    return MessageActivityInput(summary=text.splitlines()[0] if text else None).add_card(card)


def _one_line(words: object) -> str:
    """`words` as one line, spaces collapsed; CardDataRefused unless a string of one line."""
    if not isinstance(words, str) or "\n" in words or "\r" in words:
        raise CardDataRefused()
    return " ".join(words.split())


def _refusal(found: re.Match, field: object) -> str:
    """`!refuser N`, with the reason the button carried and the field's words."""
    words = [found.group(2) or "", _one_line(field) if field is not None else ""]
    reason = " ".join(word for word in words if word)
    if len(reason) > MOST_REASON:
        raise CardDataRefused()
    return f"!refuser {found.group(1)} {reason}".rstrip()


def command_of(data: object) -> str:
    """The command a button's data stands for: `!maj <code> fait|en cours|à démarrer` or
    `!note <code> <text>` on one line, a proposal's answer (YES, NO), `!valider N`, or
    `!refuser N [reason]` (with the card's reason field, `data[REASON]`); CardDataRefused for
    anything else."""
    if not isinstance(data, dict):
        raise CardDataRefused()
    command = _one_line(data.get(VERB))
    if command in (YES, NO) or _VALIDATE.fullmatch(command):
        return command
    refusal = _REFUSE.fullmatch(command)
    if refusal is not None:
        return _refusal(refusal, data.get(REASON))
    found = _UPDATE.fullmatch(command) or _NOTE.fullmatch(command)
    if found is None or not ACTION_CODE.match(found.group(1)):
        raise CardDataRefused()
    if command.startswith("!note") and len(found.group(2)) > MOST_NOTE:
        raise CardDataRefused()
    return command


# ---------------------------------------------------------------- files (bot/teams/files.py)


def consent_card(attachment: Attachment, file_id: str) -> MessageActivityInput:
    """A file offered in a personal chat: Teams asks the person, then gives an upload URL; the
    card's contexts carry the file's shelf id."""
    card = FileConsentCard(
        description=texts.FILE_CONSENT.format(
            filename=attachment.filename, size=texts.size(len(attachment.data))
        ),
        size_in_bytes=len(attachment.data),
        accept_context={"file": file_id, "name": attachment.filename},
        decline_context={"file": file_id, "name": attachment.filename},
    )
    return MessageActivityInput().add_attachments(
        CardAttachment(content_type=FILE_CONSENT, name=attachment.filename, content=card)
    )


def file_info(info, name: str) -> CardAttachment:
    """The uploaded file, shown as a file in the chat (`info`: the consent's upload info)."""
    return CardAttachment(
        content_type=FILE_INFO,
        name=info.name or name,
        content_url=info.content_url,
        content=FileInfoCard(unique_id=info.unique_id, file_type=info.file_type),
    )
